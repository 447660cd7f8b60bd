"""The CLI's commands: each registers its arguments (PARSERS) and its handler (cli.command)."""
from __future__ import annotations

import argparse
import sys

from .cli import SAMPLE, command, data_arg, emit

PARSERS: dict = {}


def parser(name: str, help_text: str):
    def register(fn):
        PARSERS[name] = (help_text, fn)
        return fn
    return register


# --- generate ---------------------------------------------------------------------------------
@parser("generate", "Write a seeded sample book of monthly loan snapshots (Parquet).")
def _generate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--loans", type=int, default=30_000, help="distinct loans over the period")
    p.add_argument("--months", type=int, default=36)
    p.add_argument("--start", default="2023-01", help="first month, YYYY-MM")
    p.add_argument("--seed", type=int, default=20251231)
    p.add_argument("--out", default=str(SAMPLE))


@command("generate")
def generate(a: argparse.Namespace) -> int:
    from .errors import UserError
    from .generator import write_book
    if a.loans <= 0 or a.months <= 0:
        raise UserError("--loans and --months must be positive")
    try:
        stats = write_book(a.out, loans=a.loans, months=a.months, start=a.start, seed=a.seed)
    except ValueError as e:  # a bad --start and the like
        raise UserError(str(e)) from None
    sys.stderr.write(f"wrote {a.out}: {stats['rows']:,} rows, {stats['loans']:,} loans, "
                     f"{stats['months']} months in {stats['seconds']:.1f}s\n")
    return 0


# --- validate ---------------------------------------------------------------------------------
@parser("validate", "Load and validate a source; print counts and data-quality warnings.")
def _validate_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--format", choices=["json", "table"], default="table")


@command("validate")
def validate(a: argparse.Namespace) -> int:
    from .loader import load
    con, report = load(a.data)
    con.close()
    if a.format == "json":
        emit(report.as_dict())
        return 0
    print(f"source:  {report.source} ({report.kind})")
    print(f"rows:    {report.rows:,}")
    print(f"loans:   {report.loans:,}")
    print(f"months:  {report.months} ({report.first_month:%Y-%m} … {report.last_month:%Y-%m})")
    print(f"optional columns: {', '.join(report.columns) or 'none'}")
    print(f"warnings: {len(report.warnings)}")
    for w in report.warnings:
        print(f"  - {w.message('en')}")
    return 0


# --- summary / migration / vintage -------------------------------------------------------------
def _scheme_arg(p: argparse.ArgumentParser) -> None:
    from .definitions import load_definitions
    defs = load_definitions()
    p.add_argument("--scheme", choices=list(defs.schemes), default=defs.default_scheme,
                   help="bucket scheme (default: %(default)s)")


@parser("summary", "Overdue balance and rates per month and product (plus ALL).")
def _summary_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--month", help="only this month, YYYY-MM")
    p.add_argument("--format", choices=["json", "csv", "table"], default="json")
    _scheme_arg(p)


@command("summary")
def summary(a: argparse.Namespace) -> int:
    from .book import open_book
    from .records import parse_month, summary_records
    month = parse_month(a.month)
    book = open_book(a.data)
    emit(summary_records(book.con, a.scheme, month), a.format)
    return 0


@parser("migration", "Transition matrix, roll, cure and flow rates per month pair and product.")
def _migration_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--month", help="only the pair ending in this month, YYYY-MM")
    p.add_argument("--format", choices=["json", "table"], default="json")
    _scheme_arg(p)


@command("migration")
def migration(a: argparse.Namespace) -> int:
    from .book import open_book
    from .records import migration_records, parse_month
    month = parse_month(a.month)
    book = open_book(a.data)
    records = migration_records(book.con, a.scheme, month)
    if month is not None and not records:
        sys.stderr.write(f"note: {a.month} has no previous month in the book, so no pair ends there\n")
    emit(records, a.format)
    return 0


@parser("vintage", "Vintage rate and ever-at-level rate per cohort and month on book.")
def _vintage_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--level", default="M2+", help="level, e.g. M1+, M2+, M3+, M4+")
    p.add_argument("--format", choices=["json", "csv", "table"], default="json")
    _scheme_arg(p)


@command("vintage")
def vintage(a: argparse.Namespace) -> int:
    from .book import open_book
    from .records import vintage_records
    book = open_book(a.data)
    emit(vintage_records(book.con, a.scheme, a.level), a.format)
    return 0


# --- check ---------------------------------------------------------------------------------------
RULES_SAMPLE = SAMPLE.with_name("rules.toml")


@parser("check", "Evaluate the threshold rules for a month; exit 1 when a breach is at or above --fail-on.")
def _check_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--rules", default=str(RULES_SAMPLE), help="rules TOML file (default: the sample rules)")
    p.add_argument("--month", help="month to check, YYYY-MM (default: the latest in the book)")
    p.add_argument("--fail-on", choices=["warn", "critical"], default="critical",
                   help="lowest severity that makes the exit code 1 (default: %(default)s)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    _scheme_arg(p)


@command("check")
def check(a: argparse.Namespace) -> int:
    from .alerts import breaches_in, evaluate
    from .book import open_book
    from .records import check_month, month_text, num, parse_month
    from .rules import load_rules
    rules = load_rules(a.rules)  # a bad rules file exits 2 before any data is read
    month = parse_month(a.month)
    book = open_book(a.data)
    check_month(book.con, month)
    month = month or book.report.last_month
    df, skipped = evaluate(book.con, rules, a.scheme)
    for note in skipped:
        sys.stderr.write(f"note: rule {note}\n")
    found = breaches_in(df, month)
    records = [{"month": month_text(r.month), "rule": r.rule, "scope": r.scope, "metric": r.metric,
                "value": num(r.value), "limit": num(r.limit), "severity": r.severity, "message": r.message}
               for r in found.itertuples()]
    emit(records, a.format)
    failing = {"warn": {"warn", "critical"}, "critical": {"critical"}}[a.fail_on]
    return 1 if any(r["severity"] in failing for r in records) else 0
