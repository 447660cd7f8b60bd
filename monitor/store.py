"""A prebuilt cube store: build it once from raw snapshots, open it in the app in a second.

A store is a DuckDB file (`python -m monitor build --data PATH --out book.duckdb`) holding the
cubes, the definition tables they were built with, loan_snapshots (the Segments page's loan
drill-down reads it) and `store_info` (when, from what, the load report). A folder written by the
Spark build holds the same tables as Parquet plus store_info.json; the app reads either.
"""
from __future__ import annotations

import dataclasses
import json
import os
import time
from datetime import date, datetime
from pathlib import Path

import duckdb

from . import __version__, db
from .book import Book, build
from .cubes import CUBES
from .errors import Issue, UserError
from .loader import LoadReport, load

INFO_JSON = "store_info.json"  # a Spark-built folder's store_info
DEFINITION_TABLES = ("dpd_lookup", "scheme_band", "scheme_level")
RULES_SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "rules.toml"


# --- store_info ---------------------------------------------------------------------------------
def info_params(report: LoadReport, cube_stats: dict, engine: str = "duckdb",
                history: list | None = None, built_at: datetime | None = None, rules: str = "") -> dict:
    """The parameters of queries/store/write_store_info.sql (also the Spark folder's JSON)."""
    return {
        "built_at": built_at or datetime.now().replace(microsecond=0), "source": report.source,
        "kind": report.kind, "encoding": report.encoding, "rows": report.rows, "loans": report.loans,
        "months": report.months, "first_month": report.first_month, "last_month": report.last_month,
        "columns": json.dumps(report.columns), "mapping": json.dumps(report.mapping, ensure_ascii=False),
        "warnings": json.dumps([dataclasses.asdict(w) for w in report.warnings], ensure_ascii=False),
        "cube_stats": json.dumps(cube_stats), "load_seconds": round(report.seconds, 3),
        "load_steps": json.dumps(report.timings),
        "engine": engine, "app_version": __version__, "history": json.dumps(history or []),
        "rules": rules,
    }


def write_info(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    db.execute(con, "store/write_store_info", **params)


def write_breaches(con: duckdb.DuckDBPyConnection, rules_text: str) -> int:
    """The breaches of `rules_text` over the whole book (the default scheme), as the table
    `breaches`, for jobs that read the store; the app evaluates its own rules file."""
    from .alerts import evaluate
    from .definitions import load_definitions
    from .rules import parse_rules
    df, _ = evaluate(con, parse_rules(rules_text), load_definitions().default_scheme)
    con.register("_breaches_df", df)
    con.execute("create or replace table breaches as select * from _breaches_df")
    con.unregister("_breaches_df")
    return len(df)


def read_info(con: duckdb.DuckDBPyConnection, table: str = "store_info") -> dict:
    # `table` is a fixed name or a catalog-qualified one built from fixed names, never user input
    cur = con.execute(f"select * from {table}")
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def report_from_info(info: dict) -> LoadReport:
    """The load report a store was built with (the Data page shows its counts and warnings)."""
    as_date = lambda v: v if isinstance(v, date) else date.fromisoformat(str(v)[:10])  # noqa: E731
    warnings = [Issue(w["code"], w["column"], w["count"], tuple(w["examples"]), w["text_en"], w["text_zh"])
                for w in json.loads(info["warnings"])]
    return LoadReport(
        source=info["source"], kind=info["kind"], rows=int(info["rows"]), loans=int(info["loans"]),
        months=int(info["months"]), first_month=as_date(info["first_month"]),
        last_month=as_date(info["last_month"]), columns=json.loads(info["columns"]),
        mapping=json.loads(info["mapping"]), warnings=warnings, seconds=float(info["load_seconds"]),
        encoding=info["encoding"] or "utf-8", timings=json.loads(info.get("load_steps") or "{}"))


# --- build --------------------------------------------------------------------------------------
def _rules_text(path: str) -> str:
    """The rules file's text, checked before any data is read (a bad file fails the build)."""
    from .rules import load_rules
    load_rules(path)  # RulesError names the rule and the field
    return Path(path).read_text(encoding="utf-8")


def temp_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.{os.getpid()}.partial")


def build_store(data: str, out: str, mapping: dict[str, str] | None = None,
                rules: str | None = str(RULES_SAMPLE), compact: bool = False) -> dict:
    """Load, validate and build the cubes (and the breaches of `rules`, a TOML file) straight into
    a new DuckDB file, then move it to `out` (a failed build leaves any existing `out` untouched).
    `compact`: compress loan ids too (a third smaller store, a slower build). Returns store_info."""
    out_path = Path(out)
    if out_path.is_dir():
        raise UserError(f"{out}: is a folder; give a file name such as book.duckdb")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rules_text = _rules_text(rules) if rules else ""
    tmp = temp_path(out_path)
    tmp.unlink(missing_ok=True)
    con = db.new_connection(str(tmp))
    try:
        if not compact:  # loan ids are unique strings: FSST costs ~0.5 µs a row to save ~9 bytes
            con.execute("set disabled_compression_methods = 'dict_fsst'")
        con, report = load(data, mapping, con=con, jumps=False)
        con.execute("reset disabled_compression_methods")  # the cubes' repeated text compresses well
        stats = build(con, report)
        if rules_text:
            write_breaches(con, rules_text)
        params = info_params(report, stats, rules=rules_text)
        write_info(con, params)
        con.execute("checkpoint")
        con.close()
        os.replace(tmp, out_path)
        return params
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise


# --- open ---------------------------------------------------------------------------------------
def is_store(path: str) -> bool:
    """A DuckDB file with a store_info table, or a Spark-built folder with store_info.json."""
    p = Path(path)
    if p.is_dir():
        return (p / INFO_JSON).is_file()
    if not p.is_file():
        return False
    with open(p, "rb") as fh:
        if fh.read(12)[8:12] != b"DUCK":
            return False
    con = duckdb.connect(str(p), read_only=True)
    try:
        return bool(con.execute("select count(*) from duckdb_tables() "
                                "where table_name = 'store_info'").fetchone()[0])
    finally:
        con.close()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _open_duckdb(con: duckdb.DuckDBPyConnection, path: Path) -> dict:
    con.execute("attach $path as store (read_only)", {"path": str(path)})
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() "
                                        "where database_name = 'store' and schema_name = 'main'").fetchall()]
    for t in tables:  # names from the store's own catalog, quoted
        con.execute(f"create view {_ident(t)} as select * from store.main.{_ident(t)}")
    return read_info(con, "store.main.store_info")


def _open_folder(con: duckdb.DuckDBPyConnection, path: Path) -> dict:
    info = json.loads((path / INFO_JSON).read_text(encoding="utf-8"))
    con.execute("set allowed_directories = $dirs", {"dirs": [str(path.resolve()) + os.sep]})
    for sub in sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.parquet"))):
        rel = con.sql("select * from read_parquet($glob)", params={"glob": str(sub.resolve() / "*.parquet")})
        if sub.name == "loan_snapshots":  # the one big table: read in place, only for drill-downs
            rel.create_view(sub.name)
        else:  # small cubes and definitions: in memory, so a page query never touches a file,
            # sorted as a DuckDB build stores them (zone maps skip what a page does not ask for)
            order = CUBES.get(sub.name)
            by = f" order by {', '.join(order)}" if order else ""
            con.execute(f"create table {_ident(sub.name)} as select * from rel{by}")
    return info


def open_store(path: str, seal: bool = True) -> Book:
    """Open a prebuilt store read-only for the pages: views (or small tables) named like the cubes,
    the macros created over them, and a connection that can no longer touch local files."""
    t0, p = time.perf_counter(), Path(path)
    if not is_store(path):
        raise UserError(f"{path}: not a store built by `python -m monitor build` "
                        "(no store_info). Give raw data with --data instead.")
    con = db.new_connection()
    try:
        info = _open_folder(con, p) if p.is_dir() else _open_duckdb(con, p)
        db.install_macros(con)
        if seal:
            con.execute("set enable_external_access = false")
            con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    built_at = info["built_at"]
    built_at = built_at if isinstance(built_at, datetime) else datetime.fromisoformat(str(built_at))
    return Book(con, info["source"], report_from_info(info), json.loads(info["cube_stats"]),
                built_at=built_at, seconds=time.perf_counter() - t0, store=str(p),
                engine=info.get("engine") or "duckdb", rules_text=info.get("rules") or "")
