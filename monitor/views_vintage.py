"""Pure reshaping for the Vintage page: which cohorts and cells of monitor.metrics.vintage a view shows.
No database, no Streamlit."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

NEEDED = ("origination_month", "principal")  # DESIGN §2: cohort = origination_month, rate base = principal
VALUES = {"balance": "rate", "count": "ever_rate"}


def missing_columns(columns: Iterable[str]) -> list[str]:
    """The columns vintage needs that the source lacks."""
    have = set(columns)
    return [c for c in NEEDED if c not in have]


def _ts(d) -> pd.Timestamp:
    return pd.Timestamp(d)


def in_view(df: pd.DataFrame, grp: str | Sequence[str], first: date, last: date,
            left_censored: bool = False) -> pd.DataFrame:
    """The cells of group(s) `grp` for the cohorts originated in [first, last], observed up to `last`;
    cohorts originated before the book's first month (left-censored) only when asked."""
    grps = [grp] if isinstance(grp, str) else list(grp)
    d = df[df["grp"].isin(grps) & (pd.to_datetime(df["snapshot_month"]) <= _ts(last))]
    cohort = pd.to_datetime(d["cohort"])
    keep = cohort.between(_ts(first), _ts(last))
    if left_censored:
        keep |= d["left_censored"].astype(bool)
    return d[keep].reset_index(drop=True)


def cohorts(df: pd.DataFrame) -> list[date]:
    """The cohorts present, oldest first."""
    return sorted({c.date() for c in pd.to_datetime(df["cohort"])})


def pick_cohorts(available: Sequence[date], mode: str, n: int = 12) -> list[date]:
    """'quarterly': the cohorts of January, April, July and October (the last `n` of them), or the
    last `n` cohorts when fewer than two quarter months are present; 'last': the last `n` cohorts."""
    ordered = sorted(available)
    if mode == "quarterly":
        quarters = [c for c in ordered if c.month in (1, 4, 7, 10)]
        if len(quarters) >= 2:
            return quarters[-n:]
    elif mode != "last":
        raise ValueError("mode must be 'quarterly' or 'last'")
    return ordered[-n:]


def curve_points(df: pd.DataFrame, picked: Iterable[date], basis: str) -> pd.DataFrame:
    """The picked cohorts' mature cells (immature MOBs left out, never drawn as 0), with the drawn
    value in column `value` and the cohort as 'YYYY-MM' in `label`, oldest cohort first."""
    value = VALUES[basis]
    wanted = {_ts(c) for c in picked}
    d = df[pd.to_datetime(df["cohort"]).isin(wanted) & ~df["immature"].astype(bool)]
    d = d.assign(value=d[value].astype(float), label=pd.to_datetime(d["cohort"]).dt.strftime("%Y-%m"))
    return d.sort_values(["cohort", "grp", "mob"], ignore_index=True)


def grid(df: pd.DataFrame, basis: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cohort ('YYYY-MM', oldest first) × MOB tables of the value and of the immature flag. Immature
    cells hold NaN in the value table; cells a cohort has not reached are NaN in both."""
    if df.empty:
        return pd.DataFrame(), pd.DataFrame()
    d = df.assign(label=pd.to_datetime(df["cohort"]).dt.strftime("%Y-%m"))
    d = d.assign(shown=d[VALUES[basis]].astype(float).where(~d["immature"].astype(bool)))
    mobs = range(int(d["mob"].min()), int(d["mob"].max()) + 1)
    values = d.pivot(index="label", columns="mob", values="shown").sort_index().reindex(columns=mobs)
    immature = d.pivot(index="label", columns="mob", values="immature").sort_index().reindex(columns=mobs)
    immature = immature.astype("boolean").astype(float)  # 1 immature, 0 mature, NaN unreached
    values.columns.name = immature.columns.name = None
    return values, immature


def heat_breaches(points: pd.DataFrame, mobs: dict[str, int]) -> pd.DataFrame:
    """Breaching cells of vintage rules for the heatmap: a rule at MOB m breaching in month t marks
    the cohort t − m at column m. `points`: rule_links.breach_points; `mobs`: {rule id: mob}."""
    rows = []
    for p in points.itertuples():
        m = mobs[p.rule]
        cohort = (pd.Timestamp(p.x) - pd.DateOffset(months=m)).strftime("%Y-%m")
        rows.append({"cohort": cohort, "mob": m, "severity": p.severity, "text": p.text})
    return pd.DataFrame(rows, columns=["cohort", "mob", "severity", "text"])
