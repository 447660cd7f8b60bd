"""A loaded book: the query connection with loan_snapshots, the cubes and how they were made."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from .cubes import build_cubes
from .loader import LoadReport, load


@dataclass
class Book:
    con: duckdb.DuckDBPyConnection
    source: str
    report: LoadReport | None
    cube_stats: dict = field(default_factory=dict)
    built_at: datetime = field(default_factory=datetime.now)
    seconds: float = 0.0

    @property
    def columns(self) -> list[str]:
        """Optional DESIGN columns present in the source."""
        return self.report.columns if self.report else []

    def close(self) -> None:
        self.con.close()


def open_book(path: str, mapping: dict[str, str] | None = None) -> Book:
    """Load and validate `path`, then build the cubes: the raw scan happens once, here."""
    t0 = time.perf_counter()
    con, report = load(path, mapping)
    try:
        stats = build_cubes(con)
    except BaseException:
        con.close()
        raise
    return Book(con, report.source, report, stats, seconds=time.perf_counter() - t0)
