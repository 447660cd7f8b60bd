"""Metric queries over the cubes (DESIGN §2). Every function takes a Scope and returns a DataFrame
with the fixed columns its SQL file documents; nothing here imports Streamlit."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandas as pd

from . import db

GROUP_BY = ("none", "product", "region", "channel", "segment")
SEG_DIMS = ("all", "age_band", "income_band", "occupation", "collection_action", "restructured")


@dataclass(frozen=True)
class Scope:
    """The filters every query honours. None = no filter; months default to the whole book."""

    scheme: str = "cn"
    from_month: date | None = None
    to_month: date | None = None
    products: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    seg_dim: str = "all"
    seg_values: tuple[str, ...] | None = None

    def with_months(self, from_month: date | None, to_month: date | None) -> Scope:
        return replace(self, from_month=from_month, to_month=to_month)

    def params(self, con: duckdb.DuckDBPyConnection, group_by: str = "none") -> dict:
        if group_by not in GROUP_BY:
            raise ValueError(f"group_by must be one of {GROUP_BY}")
        if self.seg_dim not in SEG_DIMS:
            raise ValueError(f"seg_dim must be one of {SEG_DIMS}")
        first, last = book_months(con)
        as_list = lambda v: list(v) if v else None  # noqa: E731  (empty selection = no filter)
        return {
            "scheme": self.scheme,
            "from_month": self.from_month or first,
            "to_month": self.to_month or last,
            "group_by": group_by,
            "products": as_list(self.products),
            "regions": as_list(self.regions),
            "channels": as_list(self.channels),
            "seg_dim": self.seg_dim,
            "seg_values": as_list(self.seg_values) if self.seg_dim != "all" else None,
        }


def book_months(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    """First and last snapshot month of the book (from the monthly cube)."""
    first, last = con.execute(
        "select min(snapshot_month), max(snapshot_month) from monthly_cube").fetchone()
    if first is None:
        raise LookupError("the book has no months")
    return first, last


def months(con: duckdb.DuckDBPyConnection) -> list[date]:
    return [r[0] for r in con.execute(
        "select distinct snapshot_month from monthly_cube order by 1").fetchall()]


def _run(con, name: str, scope: Scope, group_by: str, **extra) -> pd.DataFrame:
    return db.run(con, f"metrics/{name}", **scope.params(con, group_by), **extra)


def overdue_by_month(con, scope: Scope, group_by: str = "none") -> pd.DataFrame:
    """Coincident and lagged overdue rates by balance and count, per month, group and level."""
    return _run(con, "overdue_by_month", scope, group_by)


def bucket_balance(con, scope: Scope, group_by: str = "none") -> pd.DataFrame:
    """Exposure, loans and overdue amount per month, group and bucket."""
    return _run(con, "bucket_balance", scope, group_by)


def transition_matrix(con, scope: Scope, group_by: str = "none") -> pd.DataFrame:
    """Migration t-1 -> t: loans and exposures per from/to bucket (months are to-months)."""
    return _run(con, "transition_matrix", scope, group_by)


def roll_cure(con, scope: Scope, group_by: str = "none") -> pd.DataFrame:
    """Loan-level roll and cure rates per from-bucket (months are to-months)."""
    return _run(con, "roll_cure", scope, group_by)


def flow_rates(con, scope: Scope, group_by: str = "none") -> pd.DataFrame:
    """Aggregate flow rates M(k) at t-1 -> M(k+1) at t."""
    return _run(con, "flow_rates", scope, group_by)


def vintage(con, scope: Scope, level: str, group_by: str = "none") -> pd.DataFrame:
    """Vintage rate and ever-at-level rate per cohort and MOB (observed cells only)."""
    p = scope.params(con, group_by)
    return db.run(con, "metrics/vintage", scheme=p["scheme"], level=level, group_by=group_by,
                  products=p["products"], regions=p["regions"], channels=p["channels"])


def chained_flow(flows: pd.DataFrame) -> pd.DataFrame:
    """Net flow to the last bucket per month: for each bucket k, the product of the month's flow
    rates from M(k) onward, i.e. the share of M(k) exposure projected to reach the last bucket
    (write-off) if these flow rates hold. None when any rate in the chain is undefined."""
    rows = []
    for (month, grp), g in flows.groupby(["snapshot_month", "grp"], sort=False):
        g = g.sort_values("from_idx")
        rates = g["flow_rate"].tolist()
        for i, r in enumerate(g.itertuples()):
            chain = 1.0
            for rate in rates[i:]:
                chain = None if chain is None or rate is None or pd.isna(rate) else chain * rate
            rows.append({"snapshot_month": month, "grp": grp, "from_idx": r.from_idx,
                         "from_bucket": r.from_bucket, "to_bucket": g["to_bucket"].iloc[-1],
                         "chained_flow": chain})
    return pd.DataFrame(rows, columns=["snapshot_month", "grp", "from_idx", "from_bucket",
                                       "to_bucket", "chained_flow"])
