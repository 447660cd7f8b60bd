"""The CLI's scale commands: `build` (a prebuilt cube store, by DuckDB or Spark) and `append`
(one new month-end snapshot into a store). Registered like cli_commands."""
from __future__ import annotations

import argparse
import json
import sys

from .cli import command, emit
from .cli_commands import parser


# --- build --------------------------------------------------------------------------------------
@parser("build", "Build a cube store the app opens directly (`streamlit run app.py -- --db OUT`).")
def _build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="raw snapshots: CSV, Parquet file or folder, DuckDB file")
    p.add_argument("--out", required=True,
                   help="DuckDB file to write (engine duckdb), or a folder of Parquet (engine spark)")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--rules", help="engine duckdb: also store the breaches of this rules file "
                                   "(default: the sample rules; 'none' for no breaches table)")
    p.add_argument("--master", help="Spark master URL (engine spark; default: local[*] or spark-submit's)")
    p.add_argument("--validated", action="store_true",
                   help="engine spark: --data is Parquet already in loan_snapshots' schema (no driver load)")
    p.add_argument("--compact", action="store_true",
                   help="engine duckdb: compress loan ids too (a third smaller store, a slower build)")
    p.add_argument("--format", choices=["json", "table"], default="table")


@command("build")
def build(a: argparse.Namespace) -> int:
    if a.engine == "spark":
        from .spark_build import build_spark
        info = build_spark(a.data, a.out, master=a.master, validated=a.validated)
    else:
        from .store import RULES_SAMPLE, build_store
        rules = None if a.rules == "none" else a.rules or str(RULES_SAMPLE)
        info = build_store(a.data, a.out, rules=rules, compact=a.compact)
    _print_info(info, a.format, f"wrote {a.out}")
    return 0


# --- append -------------------------------------------------------------------------------------
@parser("append", "Add one month-end snapshot to a store, recomputing only what it touches.")
def _append_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the store (DuckDB file written by `build`)")
    p.add_argument("--data", required=True, help="the new month's snapshots (any source the loader reads)")
    p.add_argument("--replace", action="store_true", help="replace a month already in the store")
    p.add_argument("--format", choices=["json", "table"], default="table")


@command("append")
def append(a: argparse.Namespace) -> int:
    from .append import append_month
    info = append_month(a.db, a.data, replace=a.replace)
    _print_info(info, a.format, f"updated {a.db}")
    return 0


def _print_info(info: dict, fmt: str, head: str) -> None:
    keys = ("built_at", "source", "rows", "loans", "months", "first_month", "last_month", "engine")
    out = {k: (str(info[k]) if k in ("built_at", "first_month", "last_month") else info[k]) for k in keys}
    out["warnings"] = [w.get("text_en") or w.get("message") for w in json.loads(info["warnings"])]
    out["cubes"] = json.loads(info["cube_stats"])
    if "history" in info:
        out["history"] = json.loads(info["history"])
    if fmt == "json":
        emit(out)
        return
    sys.stdout.write(f"{head}: {out['rows']:,} rows, {out['loans']:,} loans, {out['months']} months "
                     f"({out['first_month'][:7]} … {out['last_month'][:7]}), built by {out['engine']}\n")
    for name, s in out["cubes"].items():
        sys.stdout.write(f"  {name:18s} {s['rows']:>10,} rows  {s['seconds']:7.2f} s\n")
    for w in out["warnings"]:
        sys.stdout.write(f"  warning: {w}\n")
