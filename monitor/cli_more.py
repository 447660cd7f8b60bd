"""The CLI's collections and regulatory commands (registered like those of cli_commands)."""
from __future__ import annotations

import argparse
import sys

from .cli import command, data_arg, emit
from .cli_commands import _scheme_arg, parser


# --- collections -------------------------------------------------------------------------------
@parser("collections", "Next month's outcome (cured, rolled back, stayed, rolled, exited) of the loans each "
                       "collection action worked, per month pair, action and from-bucket.")
def _collections_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--month", help="only the pair ending in this month (the outcome month), YYYY-MM")
    p.add_argument("--format", choices=["json", "table"], default="json")
    _scheme_arg(p)


@command("collections")
def collections(a: argparse.Namespace) -> int:
    from .book import open_book
    from .collections import outcome_records
    from .errors import UserError
    from .records import parse_month
    month = parse_month(a.month)
    book = open_book(a.data)
    if "collection_action" not in book.columns:
        raise UserError("collections needs the column collection_action (none / sms / phone / outsourced / "
                        "legal); this source has none")
    records = outcome_records(book.con, a.scheme, month)
    if month is not None and not records:
        sys.stderr.write(f"note: {a.month} has no previous month in the book (or no delinquent loan in it), "
                         "so no outcome ends there\n")
    if a.format == "table":
        keep = ("from_month", "to_month", "action", "from_bucket", "loans", "exposure")
        records = [{**{k: r[k] for k in keep}, **{k: r[k] for k in r if k.endswith("_loans")},
                    **{k: r[k] for k in r if k.endswith("_rate")}} for r in records]
    emit(records, a.format)
    return 0


# --- regulatory --------------------------------------------------------------------------------
@parser("regulatory", "Five-tier classification (五级分类), NPL ratio, IFRS 9 stage mix and stage 2 / 3 "
                      "transfer rates per month and product (plus ALL).")
def _regulatory_args(p: argparse.ArgumentParser) -> None:
    data_arg(p)
    p.add_argument("--month", help="only this month, YYYY-MM")
    p.add_argument("--format", choices=["json", "table"], default="json")


@command("regulatory")
def regulatory(a: argparse.Namespace) -> int:
    from .book import open_book
    from .records import parse_month
    from .regulatory import regulatory_records
    month = parse_month(a.month)
    book = open_book(a.data)
    records = regulatory_records(book.con, month)
    if a.format == "table":  # shares and rates only: the money columns make the table unreadable
        records = [{"month": r["month"], "product": r["product"], "exposure": r["exposure"],
                    **{f"{k} %": v for k, v in r["five_tier_share"].items()}, "npl_ratio": r["npl_ratio"],
                    **{f"{k} %": v for k, v in r["stage_share"].items()},
                    "stage2_transfer_rate": r["stage2_transfer_rate"],
                    "stage3_transfer_rate": r["stage3_transfer_rate"]} for r in records]
    emit(records, a.format)
    return 0
