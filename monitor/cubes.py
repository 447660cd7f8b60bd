"""Build the cubes from `loan_snapshots` once per data load (SQL in queries/cubes/)."""
from __future__ import annotations

import time
from datetime import date

import duckdb

from . import db
from .definitions import MISSING

# cube -> columns it is stored sorted by, so that DuckDB's zone maps skip row groups when a page
# asks for one segment dimension and a month range.
CUBES: dict[str, tuple[str, ...]] = {
    "monthly_cube": ("seg_dim", "snapshot_month"),
    "transition_cube": ("seg_dim", "to_month"),
    "vintage_cube": ("origination_month", "mob"),
    "vintage_cohort": ("origination_month",),
    "vintage_ever": ("origination_month", "threshold_band"),
    "restructure_cube": ("event_month",),
}


def month_range(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    first, last = con.execute(
        "select min(snapshot_month), max(snapshot_month) from loan_snapshots").fetchone()
    return first, last


def cube_params(name: str, first: date, last: date) -> dict:
    """The bound parameters a cube's SQL needs (exactly those its header lists)."""
    params = {"from_month": first, "to_month": last, "missing": MISSING}
    used = db.sql_params(db.sql_text(f"cubes/{name}"))
    return {k: v for k, v in params.items() if k in used}


def build_cubes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """(Re)build every cube over the whole book; return {cube: {rows, seconds}}."""
    first, last = month_range(con)
    stats = {}
    for name, order in CUBES.items():
        t0 = time.perf_counter()
        sql = db.sql_text(f"cubes/{name}")
        # `name` and `order` come from the CUBES allow-list above, never from a user.
        con.execute(f"create or replace table {name} as select * from ({sql}) "
                    f"order by {', '.join(order)}", cube_params(name, first, last))
        rows = con.execute(f"select count(*) from {name}").fetchone()[0]
        stats[name] = {"rows": rows, "seconds": round(time.perf_counter() - t0, 3)}
    db.install_macros(con)
    return stats
