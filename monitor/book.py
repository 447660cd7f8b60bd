"""A loaded book: the query connection with loan_snapshots, the cubes and how they were made."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from .cubes import build_cubes
from .load_checks import dpd_jumps_from_cube
from .loader import LoadReport, load


@dataclass
class Book:
    con: duckdb.DuckDBPyConnection
    source: str
    report: LoadReport | None
    cube_stats: dict = field(default_factory=dict)
    built_at: datetime = field(default_factory=datetime.now)
    seconds: float = 0.0
    store: str | None = None  # the prebuilt store this book was opened from (None: raw data)
    engine: str = "duckdb"  # what built the cubes: duckdb or spark
    rules_text: str = ""  # a store: the rules its `breaches` table was evaluated with ("" = none)

    @property
    def columns(self) -> list[str]:
        """Optional DESIGN columns present in the source."""
        return self.report.columns if self.report else []

    def close(self) -> None:
        self.con.close()


def build(con: duckdb.DuckDBPyConnection, report: LoadReport) -> dict:
    """Build the cubes over a loaded book and finish its report: the DPD-jump warning comes from
    the counts the transition cube makes while it pairs the months (no second join)."""
    stats = build_cubes(con)
    report.warnings += dpd_jumps_from_cube(con, report.source)
    con.execute("set preserve_insertion_order = true")  # page queries: the default again
    return stats


def open_book(path: str, mapping: dict[str, str] | None = None) -> Book:
    """Load and validate `path`, then build the cubes: the raw scan happens once, here. A store
    written by `python -m monitor build` opens as it is (read-only, no scan)."""
    from .store import is_store, open_store
    if is_store(path):
        return open_store(path)
    t0 = time.perf_counter()
    con, report = load(path, mapping, jumps=False)
    try:
        stats = build(con, report)
    except BaseException:
        con.close()
        raise
    return Book(con, report.source, report, stats, seconds=time.perf_counter() - t0)


def stored_breaches(book: Book, rules_text: str, scheme: str):
    """The store's precomputed breaches when they answer exactly this question (same rules text,
    the default scheme the build evaluated them in); else None, and the caller evaluates."""
    from .definitions import load_definitions
    if not book.store or not rules_text or book.rules_text != rules_text \
            or scheme != load_definitions().default_scheme:
        return None
    try:
        # the order evaluate() gives: month, then critical before warn, then rule id
        df = book.con.cursor().execute(
            "select * from breaches order by month, severity = 'warn', rule").df()
    except duckdb.CatalogException:
        return None
    for col in ("month", "since"):  # dates, as evaluate() gives them
        df[col] = [d.date() for d in df[col]]
    return df
