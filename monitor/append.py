"""Monthly appends to a prebuilt store (`python -m monitor append --db STORE --data MONTH`).

The new month is validated by the same loader, into a scratch catalog beside the store. Then, in
one transaction, its rows join loan_snapshots and only the cube rows it touches are recomputed:
the month's monthly and vintage cells, the transition into it (and out of it when a middle month
is replaced), the cohort and ever-at-level rows of loans first seen or first late in it. A failure
anywhere rolls the transaction back: the store stays exactly as it was.
"""
from __future__ import annotations

import dataclasses
import json
import time
from datetime import date, datetime
from pathlib import Path

import duckdb

from . import db
from . import load_checks as lc
from .checks import BY_CODE
from .cubes import CUBES, MONTH_OF_ROW, finish, insert_rows
from .errors import UserError
from .loader import TEXT_DIMS, LoadReport, load
from .store import info_params, is_store, read_info, report_from_info, write_breaches, write_info


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def _check_month(report: LoadReport, months: list[date], replace: bool, db_path: str) -> date:
    """The one month the data holds, if the store can take it: the month after its last one, or a
    month it holds when replacing."""
    if report.months != 1:
        raise UserError(f"{report.source}: holds {report.months} months ({report.first_month:%Y-%m} … "
                        f"{report.last_month:%Y-%m}); an append takes one month-end snapshot")
    month, last = report.first_month, months[-1]
    held = f"{months[0]:%Y-%m} … {last:%Y-%m}"
    if month in months and not replace:
        raise UserError(f"{db_path}: already holds {month:%Y-%m}; add --replace to replace that month")
    if month not in months and month != _add_months(last, 1):
        raise UserError(f"{db_path}: holds {held}; append the next month ({_add_months(last, 1):%Y-%m}) "
                        f"or --replace a month it holds, not {month:%Y-%m}")
    return month


def _widen_enums(con: duckdb.DuckDBPyConnection) -> None:
    """A dimension value the store has never seen (a new product, say): give that column an ENUM
    type with the value added (a rewrite of that one column)."""
    for dim in TEXT_DIMS:  # column names from the fixed list
        new = set(con.execute(f"select list(distinct cast({dim} as varchar)) from scratch.main.loan_snapshots")
                  .fetchone()[0] or [])
        held = set(con.execute(f"select enum_range({dim}) from loan_snapshots limit 1").fetchone()[0] or [])
        if new <= held:
            continue
        taken = {r[0] for r in con.execute("select type_name from duckdb_types()").fetchall()}
        name = next(f"enum_{dim}_{i}" for i in range(2, 10_000) if f"enum_{dim}_{i}" not in taken)
        con.execute(f"create type {name} as enum (select v from (select unnest($m) as v) order by v)",
                    {"m": sorted(new | held)})
        con.execute(f"alter table loan_snapshots alter {dim} type {name} using cast({dim} as varchar)")


def _recompute(con: duckdb.DuckDBPyConnection, month: date, months: list[date], replace: bool) -> dict:
    """Delete and rebuild the cube rows the month touches; return {cube: {rows, seconds}}."""
    first, last = min(months[0], month), max(months[-1], month)
    after = _add_months(month, 1)
    out_of = after if replace and after in months else month  # the transition out of a middle month
    ranges = {"monthly_cube": (month, month), "transition_cube": (month, out_of),
              "vintage_cube": (month, month),
              # a replaced month can change who is first seen (or first late) in any later month
              "vintage_cohort": (month, last if replace else month),
              "vintage_ever": (month, last if replace else month)}
    stats = {}
    for name, order in CUBES.items():
        t0 = time.perf_counter()
        key = MONTH_OF_ROW.get(name)
        if key is None:  # rows that follow each loan after their month: rebuilt whole
            con.execute(f"delete from {name}")
            insert_rows(con, name, first, last)
        else:
            lo, hi = ranges[name]
            # `name` and `key` come from the cube allow-lists in monitor/cubes.py
            con.execute(f"delete from {name} where {key} between $lo and $hi", {"lo": lo, "hi": hi})
            insert_rows(con, name, lo, hi)
        stats[name] = {"rows": finish(con, name, order), "seconds": round(time.perf_counter() - t0, 3)}
    return stats


def _new_warnings(con, report: LoadReport, month: date, months: list[date], replace: bool) -> list:
    """The month's own warnings, DPD jumps into it (and out of it) and loans back after a gap."""
    out = list(report.warnings)
    after = _add_months(month, 1)
    last = after if replace and after in months else month
    out += lc.dpd_jumps_from_cube(con, report.source, month, last)
    gaps = db.run(con, "store/reentries", month=month)
    if not gaps.empty:
        ex = [f"{r.loan_id}: {r.months_missing} month(s) missing between {r.first_month:%Y-%m} "
              f"and {r.last_month:%Y-%m}" for r in gaps.itertuples()]
        out.append(lc.issue(BY_CODE["gaps"], report.source, int(gaps["loans"].iloc[0]), ex))
    return out


def _apply(con, report: LoadReport, month: date, months: list[date], replace: bool, info: dict) -> dict:
    old_rows = gone = 0
    if month in months:
        old_rows = con.execute("select count(*) from loan_snapshots where snapshot_month = $m",
                               {"m": month}).fetchone()[0]
        gone = db.row(con, "store/loans_only_in_month", month=month)["loans"]
        con.execute("delete from loan_snapshots where snapshot_month = $m", {"m": month})
    _widen_enums(con)
    db.execute(con, "store/append_rows")
    added = db.row(con, "store/loans_only_in_month", month=month)["loans"]
    stats = _recompute(con, month, months, replace)
    warnings = _new_warnings(con, report, month, months, replace)
    book = report_from_info(info)
    now = sorted(set(months) | {month})
    history = json.loads(info.get("history") or "[]")
    # a replaced month's earlier append warnings give way to the new ones
    replaced = [w for h in history if h["month"] == f"{month:%Y-%m}" for w in h.get("issues", [])]
    as_json = lambda w: json.loads(json.dumps(dataclasses.asdict(w)))  # noqa: E731  (tuples as lists)
    book.warnings = [w for w in book.warnings if as_json(w) not in replaced] + warnings
    book.rows, book.loans, book.months = book.rows - old_rows + report.rows, book.loans - gone + added, len(now)
    book.first_month, book.last_month = now[0], now[-1]
    history.append({
        "month": f"{month:%Y-%m}", "replace": month in months, "source": report.source,
        "rows": report.rows, "at": datetime.now().replace(microsecond=0).isoformat(),
        "issues": [dataclasses.asdict(w) for w in warnings], "cubes": stats})
    rules = info.get("rules") or ""
    if rules:  # the breaches follow the new month, under the rules the store was built with
        db.install_macros(con)
        write_breaches(con, rules)
    params = info_params(book, {k: {"rows": v["rows"], "seconds": v["seconds"]} for k, v in stats.items()},
                         info.get("engine") or "duckdb", history, built_at=info["built_at"], rules=rules)
    write_info(con, params)
    return params


def append_month(db_path: str, data: str, replace: bool = False) -> dict:
    """Validate one month of snapshots and add it to the store in one transaction; return the new
    store_info. Raises LoadError / UserError with nothing changed."""
    if Path(db_path).is_dir() or not is_store(db_path):
        raise UserError(f"{db_path}: not a DuckDB store written by `python -m monitor build`")
    con = db.new_connection(db_path)
    try:
        store = con.execute("select current_database()").fetchone()[0]
        con.execute("attach ':memory:' as scratch")
        con.execute("use scratch")  # the loader's tables, types and views land here
        _, report = load(data, con=con, jumps=False)
        con.execute(f'use "{store}"')  # the store's own catalog name
        months = [r[0] for r in con.execute(
            "select distinct snapshot_month from monthly_cube order by 1").fetchall()]
        month = _check_month(report, months, replace, db_path)
        info = read_info(con)
        db.bulk_mode(con)
        con.execute("begin transaction")
        try:
            params = _apply(con, report, month, months, replace, info)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("checkpoint")
        return params
    finally:
        con.close()
