"""Pure reshaping for the Data page's upload: the mapping as the user reads it, how the DPD codes
will read, and a refused load's problems next to the user's own column names.

Nothing here imports Streamlit; every function takes plain objects and returns one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from . import fmt
from .definitions import Definitions
from .errors import Issue
from .i18n import t
from .loader import COLUMNS
from .mapping import bucket_dpd, code_dpd, code_key

#: What each DESIGN column is, for the mapping's labels (English; Chinese in i18n/data.py).
LABELS: dict[str, str] = {
    "snapshot_month": "Snapshot month", "loan_id": "Loan id", "outstanding_balance": "Outstanding balance",
    "days_past_due": "Days past due (or status)", "product": "Product", "region": "Region",
    "channel": "Channel", "origination_month": "Origination month", "principal": "Principal or limit",
    "overdue_amount": "Overdue amount", "age_band": "Age band", "income_band": "Income band",
    "occupation": "Occupation", "collection_action": "Collection action", "restructured": "Restructured",
}
SCHEME_LABELS: dict[str, str] = {
    "days": "Days past due (a number of days)",
    "bucket": "Bucket codes M0…M7 (M2 → 31 days)",
    "months": "Months in arrears (k → 30·k days)",
    "custom": "My own table of codes",
}


def label(target: str, lang: str) -> str:
    """'Loan id · loan_id', with a star for a required column."""
    star = " *" if COLUMNS[target][1] else ""
    return f"{t(LABELS[target], lang)} · {target}{star}"


def mapping_preview(mapping: dict[str, str], values: dict[str, list[str]], lang: str) -> pd.DataFrame:
    """One row per mapped DESIGN column: the source column and a few of its values."""
    rows = [{t("Column", lang): target, t("Source column", lang): col,
             t("Values (first rows)", lang): ", ".join(values.get(col, [])[:6])}
            for target, col in mapping.items() if col]
    return pd.DataFrame(rows, columns=[t(c, lang) for c in ("Column", "Source column", "Values (first rows)")])


def code_preview(values: Sequence[str], codes: dict[str, int] | None, defs: Definitions,
                 lang: str) -> pd.DataFrame:
    """How each value seen in the DPD column will read: its DPD and its bucket in every scheme
    (a value not in the table loads as a number of days, or is refused when it is not one)."""
    schemes = [s for s in defs.schemes.values() if s.kind == "scheme"]
    rows = []
    for v in values:
        key = code_key(v)
        dpd = codes.get(key) if codes else None
        how = t("from the table", lang) if dpd is not None else t("as days", lang)
        if dpd is None:
            try:
                number = float(key)
                dpd = int(number) if number.is_integer() and number >= 0 else None
            except ValueError:
                dpd = None
        row = {t("Value", lang): v, t("Reads as DPD", lang): "" if dpd is None else fmt.count(dpd),
               t("How", lang): how if dpd is not None else t("refused: not a number of days", lang)}
        for s in schemes:
            row[s.label(lang)] = "" if dpd is None else s.bucket_of(dpd)
        rows.append(row)
    return pd.DataFrame(rows)


def custom_seed(values: Sequence[str]) -> pd.DataFrame:
    """A starting table for 'my own codes': every value seen, with the DPD a known scheme gives it
    (empty when none does)."""
    rows = []
    for v in values:
        dpd = code_dpd("bucket", v)
        if dpd is None and re.fullmatch(r"\d+", code_key(v)):
            dpd = int(code_key(v))
        rows.append({"code": v, "dpd": dpd})
    return pd.DataFrame(rows, columns=["code", "dpd"]).astype({"dpd": "Int64"})


def custom_table(df: pd.DataFrame) -> dict[str, int]:
    """The edited table as {code: DPD}: blank rows dropped; a bad DPD is left for dpd_codes to refuse."""
    out = {}
    for code, dpd in zip(df["code"], df["dpd"]):
        if code is None or pd.isna(code) or str(code).strip() == "" or dpd is None or pd.isna(dpd):
            continue
        out[str(code).strip()] = float(dpd) if not float(dpd).is_integer() else int(dpd)
    return out


def problems_frame(problems: Sequence[Issue], mapping: dict[str, str], lang: str) -> pd.DataFrame:
    """A refused load's problems: the DESIGN column, the user's own column it was read from, how
    many rows and the message (which names the file and the lines)."""
    rows = [{t("Column", lang): p.column or "", t("Source column", lang): mapping.get(p.column or "", ""),
             t("Count", lang): fmt.count(p.count) if p.count else "",
             t("Problem", lang): p.message(lang)} for p in problems]
    return pd.DataFrame(rows, columns=[t(c, lang) for c in ("Column", "Source column", "Count", "Problem")])


def bucket_codes_text(defs: Definitions) -> str:
    """'M0 → 0, M1 → 1, M2 → 31, …': the bucket-code table in one line."""
    return ", ".join(f"{b} → {bucket_dpd(b)}" for b in defs.scheme("cn").buckets)
