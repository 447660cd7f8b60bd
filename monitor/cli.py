"""Headless CLI: `python -m monitor <command>`. Bad input exits 2 with a message, never a traceback."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import UserError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "sample_book.parquet"


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def emit(obj, fmt: str = "json", out=None) -> None:
    """Print JSON (stable keys, UTF-8 kept), CSV or an aligned table."""
    out = out or sys.stdout
    if fmt == "json":
        out.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")
        return
    import pandas as pd
    if len(obj) == 0:
        out.write("(no rows)\n")
        return
    df = obj if isinstance(obj, pd.DataFrame) else pd.json_normalize(obj, sep=".")
    if fmt == "csv":
        df.to_csv(out, index=False)
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 200):
            out.write(df.to_string(index=False) + "\n")


def data_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--data", default=os.environ.get("MONITOR_DATA"),
                   help="CSV, Parquet file, folder of Parquet files or DuckDB file "
                        "(default: $MONITOR_DATA)")
    p.set_defaults(_data_required=required)


def build_parser() -> argparse.ArgumentParser:
    from . import cli_commands, cli_more, cli_report, cli_scale  # noqa: F401  (register the commands and their arguments)
    ap = argparse.ArgumentParser(prog="python -m monitor",
                                 description="Loan Portfolio Monitor (逾期监控看板): headless commands")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_args) in cli_commands.PARSERS.items():
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if getattr(args, "_data_required", False) and not args.data:
        ap.exit(2, f"{ap.prog} {args.command}: error: --data PATH is required (or set MONITOR_DATA)\n")
    try:
        return COMMANDS[args.command](args)
    except UserError as e:
        sys.stderr.write(f"error: {e.message('en')}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug, but the user still gets one line, not a traceback
        sys.stderr.write(f"error: unexpected failure ({type(e).__name__}: {e}). "
                         "Run with MONITOR_DEBUG=1 for details and report it.\n")
        if os.environ.get("MONITOR_DEBUG"):
            raise
        return 2
