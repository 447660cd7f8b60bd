"""The CLI's report command (registered like those of cli_commands): the monthly executive report as
PDF, HTML or an Excel workbook, for scheduled generation."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .cli import command, data_arg
from .cli_commands import RULES_SAMPLE, _scheme_arg, parser


@parser("report", "Write the monthly executive report of a month as PDF, HTML or an Excel workbook "
                  "(the format follows --out's extension).")
def _report_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--month", help="report month, YYYY-MM (default: the latest in the book)")
    p.add_argument("--rules", default=str(RULES_SAMPLE), help="rules TOML file (default: the sample rules)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language (default: %(default)s)")
    p.add_argument("--out", required=True, help="output file: .pdf, .html or .xlsx")
    _scheme_arg(p)


@command("report")
def report(a: argparse.Namespace) -> int:
    from . import report as rp
    from .book import open_book
    from .errors import UserError
    from .metrics import Scope
    from .records import check_month, parse_month
    from .rules import load_rules
    t0 = time.perf_counter()
    out = Path(a.out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in rp.FORMATS:
        raise UserError(f"--out {a.out}: unknown extension {out.suffix or '(none)'!r}; "
                        f"use .{', .'.join(rp.FORMATS)}")
    if not out.parent.is_dir():
        raise UserError(f"--out {a.out}: the folder {out.parent} does not exist")
    rules = load_rules(a.rules)  # a bad rules file exits 2 before any data is read
    month = parse_month(a.month)
    book = open_book(a.data)
    check_month(book.con, month)
    month = month or book.report.last_month
    summary = rp.build(book.con, month, Scope(scheme=a.scheme), rules, source=book.source,
                       columns=book.columns)
    for note in summary.skipped:
        sys.stderr.write(f"note: rule {note}\n")
    data = rp.render(summary, kind, a.lang)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)  # a scheduled job never leaves a half-written report behind
    sys.stderr.write(f"wrote {out}: {kind}, {month:%Y-%m}, {len(data):,} bytes in "
                     f"{time.perf_counter() - t0:.1f}s\n")
    return 0
