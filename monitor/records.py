"""The CLI's stable JSON: summary, migration and vintage records built from the metric queries.

Key names are a contract with other systems; months are "YYYY-MM", money is rounded to cents,
rates are plain fractions (0.0213 = 2.13 %), undefined values are null.
"""
from __future__ import annotations

import math
from datetime import date

import duckdb

from . import metrics as m
from .definitions import load_definitions
from .errors import UserError


def month_text(d) -> str:
    return f"{d:%Y-%m}"


def money(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 2)


def num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def parse_month(text: str | None) -> date | None:
    """'2024-03' -> date(2024, 3, 1); a clear error for anything else."""
    if text is None:
        return None
    try:
        y, mo = text.strip()[:7].split("-")
        return date(int(y), int(mo), 1)
    except ValueError:
        raise UserError(f"--month {text!r}: use YYYY-MM, e.g. 2024-03") from None


def check_month(con: duckdb.DuckDBPyConnection, month: date | None) -> None:
    if month is None:
        return
    first, last = m.book_months(con)
    if month not in m.months(con):
        raise UserError(f"month {month_text(month)} is not in the book "
                        f"({month_text(first)} … {month_text(last)})")


def summary_records(con, scheme: str = "cn", month: date | None = None) -> list[dict]:
    """One object per month and product, plus product "ALL" (the whole book) first each month."""
    check_month(con, month)
    df = m.overdue_by_month(con, m.Scope(scheme=scheme, from_month=month, to_month=month), "product")
    out = []
    for (mon, grp), g in df.groupby(["snapshot_month", "grp"], sort=False):
        first = g.iloc[0]
        out.append({
            "month": month_text(mon),
            "product": grp,
            "loans": int(first["loans"]),
            "balance": money(first["balance"]),
            "overdue_amount": money(first["overdue_amount"]),
            "overdue_balance": {r.level: money(r.overdue_balance) for r in g.itertuples()},
            "overdue_rate": {r.level: num(r.rate) for r in g.itertuples()},
            "overdue_count_rate": {r.level: num(r.count_rate) for r in g.itertuples()},
            "overdue_rate_lagged": {r.level: num(r.lagged_rate) for r in g.itertuples()},
        })
    return out


def _matrix(g, value: str) -> dict:
    out: dict[str, dict] = {}
    for r in g.itertuples():
        v = getattr(r, value)
        if v:  # zero cells may be left out
            out.setdefault(r.from_bucket, {})[r.to_bucket] = int(v) if value == "loans" else money(v)
    return out


def migration_records(con, scheme: str = "cn", month: date | None = None) -> list[dict]:
    """One object per consecutive month pair and product (plus "ALL")."""
    check_month(con, month)
    scope = m.Scope(scheme=scheme, from_month=month, to_month=month)
    tm = m.transition_matrix(con, scope, "product")
    rc = m.roll_cure(con, scope, "product")
    fr = m.flow_rates(con, scope, "product")
    chain = m.chained_flow(fr)
    last_idx = len(load_definitions().scheme(scheme).buckets) - 1
    out = []
    for (to_month, grp), g in tm.groupby(["to_month", "grp"], sort=False):
        moved, new = g[g.from_idx >= 0], g[g.from_idx < 0]
        r = rc[(rc.to_month == to_month) & (rc.grp == grp)]
        f = fr[(fr.snapshot_month == to_month) & (fr.grp == grp)]
        c = chain[(chain.snapshot_month == to_month) & (chain.grp == grp)]
        out.append({
            "from_month": month_text(g["from_month"].iloc[0]),
            "to_month": month_text(to_month),
            "product": grp,
            "count": _matrix(moved, "loans"),
            "balance": _matrix(moved, "exposure_from"),
            "new_loans": int(new["loans"].sum()),
            "new_balance": money(new["exposure_to"].sum()),
            # M7 cannot roll further and M0 cannot cure: those rates are not defined
            "roll_rate": {x.from_bucket: num(x.roll_rate) for x in r.itertuples() if x.from_idx < last_idx},
            "cure_rate": {x.from_bucket: num(x.cure_rate) for x in r.itertuples() if x.from_idx > 0},
            "roll_rate_count": {x.from_bucket: num(x.roll_rate_count) for x in r.itertuples()
                                if x.from_idx < last_idx},
            "cure_rate_count": {x.from_bucket: num(x.cure_rate_count) for x in r.itertuples()
                                if x.from_idx > 0},
            "flow_rate": {f"{x.from_bucket}->{x.to_bucket}": num(x.flow_rate) for x in f.itertuples()},
            "chained_flow": {f"{x.from_bucket}->{x.to_bucket}": num(x.chained_flow)
                             for x in c.itertuples()},
        })
    return out


def vintage_records(con, scheme: str = "cn", level: str = "M2+") -> list[dict]:
    """One object per cohort and observed MOB for the whole book."""
    s = load_definitions().scheme(scheme)
    if level not in s.levels:
        raise UserError(f"--level {level!r}: use one of {', '.join(s.levels)}")
    if not con.execute("select count(*) from vintage_cohort").fetchone()[0]:
        raise UserError("vintage needs the column origination_month (and principal for rates by "
                        "balance); this source has no loan with an origination month, so no cohort "
                        "can be formed")
    df = m.vintage(con, m.Scope(scheme=scheme), level)
    return [{
        "cohort": month_text(r.cohort),
        "mob": int(r.mob),
        "month": month_text(r.snapshot_month),
        "level": level,
        "cohort_loans": int(r.cohort_loans),
        "principal": money(r.principal),
        "level_balance": money(r.level_exposure),
        "rate": num(r.rate),
        "ever_loans": int(r.ever_loans),
        "ever_rate": num(r.ever_rate),
        "immature": bool(r.immature),
        "left_censored": bool(r.left_censored),
    } for r in df.itertuples()]
