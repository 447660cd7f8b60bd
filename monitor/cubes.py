"""Build the cubes from `loan_snapshots` once per data load (SQL in queries/cubes/).

Every cube file is a pure SELECT over a range of snapshot months ($from_month … $to_month), so a
build can run it over the whole book, one month at a time, or for just the month an append adds.
"""
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
    "vintage_cohort": ("origination_month", "first_seen"),
    "vintage_ever": ("origination_month", "threshold_band"),
    "restructure_cube": ("event_month",),
}

# cube -> the snapshot month a row belongs to (an append deletes and recomputes these rows).
# None: the rows depend on the months after their own, so an append rebuilds the whole cube.
MONTH_OF_ROW: dict[str, str | None] = {
    "monthly_cube": "snapshot_month",
    "transition_cube": "to_month",
    "vintage_cube": "cast(origination_month + to_months(mob) as date)",
    "vintage_cohort": "first_seen",
    "vintage_ever": "cast(origination_month + to_months(first_mob) as date)",
    "restructure_cube": None,
}
# cubes built one to-month at a time: a join of two months instead of the whole book (less memory,
# better cache use; the SQL reads only the months it needs)
BY_MONTH = {"transition_cube"}


def month_range(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    first, last = con.execute(
        "select min(snapshot_month), max(snapshot_month) from loan_snapshots").fetchone()
    return first, last


def book_months(con: duckdb.DuckDBPyConnection, first: date, last: date) -> list[date]:
    return [r[0] for r in con.execute(
        "select distinct snapshot_month from loan_snapshots where snapshot_month between $a and $b "
        "order by 1", {"a": first, "b": last}).fetchall()]


def cube_params(name: str, first: date, last: date) -> dict:
    """The bound parameters a cube's SQL needs (exactly those its header lists)."""
    params = {"from_month": first, "to_month": last, "missing": MISSING}
    used = db.sql_params(db.sql_text(f"cubes/{name}"))
    return {k: v for k, v in params.items() if k in used}


def insert_rows(con: duckdb.DuckDBPyConnection, name: str, first: date, last: date) -> None:
    """Append the cube's rows for snapshot months first … last to its table (create it if absent)."""
    sql = db.sql_text(f"cubes/{name}")
    months = book_months(con, first, last) if name in BY_MONTH else [None]
    # `name` comes from the cube allow-list, never from a user
    exists = con.execute("select count(*) from duckdb_tables() where table_name = $n and not temporary",
                         {"n": name}).fetchone()[0]
    if not exists:
        con.execute(f"create table {name} as select * from ({sql}) limit 0", cube_params(name, first, last))
    for m in months:
        lo, hi = (first, last) if m is None else (m, m)
        con.execute(f"insert into {name} select * from ({sql})", cube_params(name, lo, hi))


def finish(con: duckdb.DuckDBPyConnection, name: str, order: tuple[str, ...]) -> int:
    """Store the cube sorted for zone maps, with every text column as VARCHAR (a cube SQL that
    passes a loan_snapshots ENUM through still yields plain text); return its row count."""
    enums = [c for c, t in con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = $n and not internal",
        {"n": name}).fetchall() if t.startswith("ENUM")]
    cast = f" replace ({', '.join(f'cast({c} as varchar) as {c}' for c in enums)})" if enums else ""
    con.execute(f"create or replace table {name} as select *{cast} from {name} order by {', '.join(order)}")
    return con.execute(f"select count(*) from {name}").fetchone()[0]


def build_cubes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """(Re)build every cube over the whole book; return {cube: {rows, seconds}}."""
    db.bulk_mode(con)
    first, last = month_range(con)
    stats = {}
    for name, order in CUBES.items():
        t0 = time.perf_counter()
        con.execute(f"drop table if exists {name}")
        insert_rows(con, name, first, last)
        rows = finish(con, name, order)
        stats[name] = {"rows": rows, "seconds": round(time.perf_counter() - t0, 3)}
    db.install_macros(con)
    return stats
