"""Check the pandas baseline's outputs against the app's records (monitor.records) before any
time is reported: same months, products, cohorts and cells; numbers within float tolerance."""
from __future__ import annotations

import math

import pandas as pd

from monitor import records

LEVELS = ("M1+", "M2+", "M3+", "M4+")


def _month(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _close(a, b, what: str, money: bool = False) -> None:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        ok = (a is None) == (b is None or (isinstance(b, float) and math.isnan(b)))
    else:
        ok = math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.006 if money else 1e-9)
    if not ok:
        raise AssertionError(f"{what}: app {a!r} != pandas {b!r}")


def check_summary(con, df: pd.DataFrame) -> int:
    ours = {(r["month"], r["product"]): r for r in records.summary_records(con, "cn")}
    theirs = {(_month(int(r["m"])), str(r["product"])): r for r in df.to_dict("records")}
    if set(ours) != set(theirs):
        raise AssertionError(f"summary keys differ: {sorted(set(ours) ^ set(theirs))[:5]}")
    for key, r in ours.items():
        p = theirs[key]
        _close(r["loans"], int(p["loans"]), f"summary {key} loans")
        _close(r["balance"], p["balance"], f"summary {key} balance", money=True)
        _close(r["overdue_amount"], p["overdue_amount"], f"summary {key} overdue_amount", money=True)
        for lv in LEVELS:
            _close(r["overdue_balance"][lv], p[f"overdue_balance_{lv}"], f"summary {key} {lv}", money=True)
            for ours_key, col in (("overdue_rate", "rate"), ("overdue_count_rate", "count_rate"),
                                  ("overdue_rate_lagged", "lagged_rate")):
                _close(r[ours_key][lv], p[f"{col}_{lv}"], f"summary {key} {ours_key} {lv}")
    return len(ours)


def check_transitions(con, df: pd.DataFrame) -> int:
    ours = {(r["to_month"], r["product"]): r for r in records.migration_records(con, "cn")}
    bucket = lambda i, edge: edge if i < 0 else f"M{i}"  # noqa: E731
    theirs: dict = {}
    for (m, product), g in df.groupby(["m", "product"], sort=False):
        moved, new = g[g.from_bucket >= 0], g[g.from_bucket < 0]
        count, balance = {}, {}
        for r in moved.itertuples():
            f, t = bucket(r.from_bucket, "new"), bucket(r.to_bucket, "exited")
            if r.loans:
                count.setdefault(f, {})[t] = int(r.loans)
            if r.exposure_from:
                balance.setdefault(f, {})[t] = r.exposure_from
        theirs[(_month(int(m)), str(product))] = (count, balance, int(new.loans.sum()), new.exposure_to.sum())
    if set(ours) != set(theirs):
        raise AssertionError(f"transition keys differ: {sorted(set(ours) ^ set(theirs))[:5]}")
    for key, r in ours.items():
        count, balance, new_loans, new_balance = theirs[key]
        if r["count"] != count:
            raise AssertionError(f"transition {key} counts differ")
        if {f: set(v) for f, v in r["balance"].items()} != {f: set(v) for f, v in balance.items()}:
            raise AssertionError(f"transition {key} balance cells differ")
        for f, row in r["balance"].items():
            for t, v in row.items():
                _close(v, balance[f][t], f"transition {key} {f}->{t}", money=True)
        _close(r["new_loans"], new_loans, f"transition {key} new_loans")
        _close(r["new_balance"], new_balance, f"transition {key} new_balance", money=True)
    return len(ours)


def check_vintage(con, df: pd.DataFrame, level: str = "M2+") -> int:
    ours = {(r["cohort"], r["mob"]): r for r in records.vintage_records(con, "cn", level)}
    theirs = {(_month(int(r.o)), int(r.mob)): r for r in df.itertuples()}
    if set(ours) != set(theirs):
        raise AssertionError(f"vintage cells differ: {sorted(set(ours) ^ set(theirs))[:5]}")
    for key, r in ours.items():
        p = theirs[key]
        _close(r["cohort_loans"], int(p.cohort_loans), f"vintage {key} cohort_loans")
        _close(r["principal"], p.principal, f"vintage {key} principal", money=True)
        _close(r["level_balance"], p.level_exposure, f"vintage {key} level_balance", money=True)
        _close(r["rate"], p.rate, f"vintage {key} rate")
        _close(r["ever_loans"], int(p.ever_loans), f"vintage {key} ever_loans")
        _close(r["ever_rate"], p.ever_rate, f"vintage {key} ever_rate")
        if (r["immature"], r["left_censored"]) != (bool(p.immature), bool(p.left_censored)):
            raise AssertionError(f"vintage {key} flags differ")
    return len(ours)


def check_all(con, outputs: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Raise AssertionError at the first difference; return the number of records compared."""
    return {"summary": check_summary(con, outputs["summary"]),
            "transitions": check_transitions(con, outputs["transitions"]),
            "vintage": check_vintage(con, outputs["vintage"])}
