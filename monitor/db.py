"""The one way SQL is run: named files under queries/, values always bound as $parameters."""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from .definitions import Definitions, definition_tables, load_definitions

QUERIES = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"(?<![\w$:])\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


@lru_cache(maxsize=256)
def _read(path: Path, mtime: float) -> str:
    return path.read_text(encoding="utf-8")


def sql_text(name: str) -> str:
    """Text of queries/<name>.sql (re-read when the file changes)."""
    path = QUERIES / f"{name}.sql"
    return _read(path, path.stat().st_mtime)


def sql_params(sql: str) -> set[str]:
    """The $names a SQL text uses (comments ignored)."""
    return set(_PARAM.findall(_COMMENT.sub("", sql)))


def _bind(sql: str, params: dict) -> dict | None:
    used = sql_params(sql)
    missing = used - params.keys()
    if missing:
        raise TypeError(f"query needs parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used} or None


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters and return a DataFrame."""
    sql = sql_text(name)
    return con.execute(sql, _bind(sql, params)).df()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run a statement file (create table ...) with bound parameters."""
    sql = sql_text(name)
    con.execute(sql, _bind(sql, params))


def row(con: duckdb.DuckDBPyConnection, name: str, **params) -> dict:
    """The first row of queries/<name>.sql as {column: Python value} (lists stay lists)."""
    sql = sql_text(name)
    cur = con.execute(sql, _bind(sql, params))
    values = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], values or ()))


def scalar(con: duckdb.DuckDBPyConnection, name: str, **params):
    sql = sql_text(name)
    row = con.execute(sql, _bind(sql, params)).fetchone()
    return row[0] if row else None


def _memory_limit() -> str:
    """Half the machine's RAM, capped at 3 GB: a 15M-row book builds well inside it and a bigger
    one spills to the temp directory instead of dying (MONITOR_MEMORY_LIMIT overrides)."""
    if os.environ.get("MONITOR_MEMORY_LIMIT"):
        return os.environ["MONITOR_MEMORY_LIMIT"]
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        ram = 4 << 30
    return f"{max(512, min(3072, ram // 2 >> 20))}MB"


def new_connection(path: str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a memory cap and a spill directory (a big book spills, not dies)."""
    config = {
        "memory_limit": _memory_limit(),
        "temp_directory": os.environ.get("MONITOR_TEMP_DIR",
                                         str(Path(tempfile.gettempdir()) / "monitor_duckdb")),
        "threads": int(os.environ.get("MONITOR_THREADS", os.cpu_count() or 2)),
    }
    con = duckdb.connect(path or ":memory:", read_only=read_only, config=config)
    con.execute("set enable_progress_bar = false")  # a CLI's stderr is for messages only
    return con


def bulk_mode(con: duckdb.DuckDBPyConnection) -> None:
    """Settings for building: results carry their own ORDER BY, so rows may come in any order (less
    memory and full parallelism for the big CREATE TABLE ... AS statements)."""
    con.execute("set preserve_insertion_order = false")


def install_definitions(con: duckdb.DuckDBPyConnection, defs: Definitions | None = None) -> None:
    """Write the definition tables (dpd_lookup, scheme_band, scheme_level) into `con`."""
    for name, df in definition_tables(defs or load_definitions()).items():
        con.register("_def_df", df)
        # `name` comes from definition_tables' fixed keys, never from a user.
        con.execute(f'create or replace table "{name}" as select * from _def_df')
        con.unregister("_def_df")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the query macros of queries/macros.sql (they bind to the cubes, so build those first)."""
    con.execute(sql_text("macros"))
