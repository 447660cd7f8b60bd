"""Pure reshaping for the Data page: the book's column and quality report as tables, the cube
sizes, and the metric dictionary with bucket tables generated from the definitions.

Nothing here imports Streamlit; every function takes plain objects and returns one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import fmt
from .definitions import Definitions, Scheme
from .errors import Issue
from .i18n import t

# --- Data page: columns, warnings, cubes -------------------------------------------------------
#: Optional DESIGN columns: what each one feeds, and what the app cannot show without it.
OPTIONAL_USES: dict[str, tuple[str, str]] = {
    "product": ("Product filter and product splits", "The whole book reads as one product"),
    "region": ("Region filter and grouping", "No region filter or split"),
    "channel": ("Channel filter and grouping", "No channel filter or split"),
    "origination_month": ("Vintage cohorts (with principal)", "No vintage analysis"),
    "principal": ("Vintage rate denominator (with origination_month)", "No vintage analysis"),
    "overdue_amount": ("Overdue amount (the past-due part)", "No overdue amount: cards and charts say so"),
    "age_band": ("Segment by age band", "No age-band segment"),
    "income_band": ("Segment by income band", "No income-band segment"),
    "occupation": ("Segment by occupation", "No occupation segment"),
    "collection_action": ("Collections page; segment by collection action",
                          "No collections page or collection-action segment"),
    "restructured": ("Segment restructured / not", "No restructured segment"),
}


def column_status(present: Sequence[str], mapping: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per optional column: present or not, the source column it was read from, what it
    is used for and, when missing, what that disables."""
    rows = []
    for col, (use, without) in OPTIONAL_USES.items():
        has = col in present
        rows.append({t("Column", lang): col, t("Present", lang): has,
                     t("Source column", lang): mapping.get(col, "") if has else "",
                     t("Used for", lang): t(use, lang),
                     t("When missing", lang): "" if has else t(without, lang)})
    return pd.DataFrame(rows)


#: Data-quality warnings: a short name, and what the count counts.
WARNING_NAMES: dict[str, tuple[str, str]] = {
    "balance_empty": ("Empty balance", "rows"),
    "balance_negative": ("Negative balance (credit balance)", "rows"),
    "overdue_above_balance": ("Overdue amount above balance", "rows"),
    "overdue_negative": ("Negative overdue amount", "rows"),
    "origination_after_snapshot": ("Origination after snapshot month", "rows"),
    "gaps": ("Gaps in a loan's months", "loans"),
    "dpd_jumps": ("DPD rising faster than the calendar", "loan-months"),
}


def warnings_frame(issues: Sequence[Issue], lang: str) -> pd.DataFrame:
    """The load's data-quality warnings as a table: check, column, count, unit, what it means,
    examples."""
    rows = []
    for w in issues:
        name, unit = WARNING_NAMES.get(w.code, (w.code, "rows"))
        rows.append({t("Check", lang): t(name, lang), t("Column", lang): w.column or "",
                     t("Count", lang): int(w.count), t("Unit", lang): t(unit, lang),
                     t("Details", lang): _strip_source(w.message(lang)),
                     t("Examples", lang): "; ".join(w.examples)})
    cols = ["Check", "Column", "Count", "Unit", "Details", "Examples"]
    return pd.DataFrame(rows, columns=[t(c, lang) for c in cols])


def warnings_display(warnings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The warnings table for reading: counts with thousands separators, examples left to the
    explanation (which quotes them) and to the download."""
    out = warnings.drop(columns=[t("Examples", lang)])
    out[t("Count", lang)] = out[t("Count", lang)].map(fmt.count)
    return out


def _strip_source(message: str) -> str:
    """An Issue's message without its leading 'path: column 'x': ' (the table says both)."""
    return re.sub(r"^.*?(?:column|列) '[^']*'[:：]\s*", "", message, count=1)


def cube_frame(cube_stats: dict[str, dict], lang: str) -> pd.DataFrame:
    """Rows and build seconds per cube."""
    return pd.DataFrame([{t("Cube", lang): name, t("Rows", lang): int(s.get("rows", 0)),
                          t("Build seconds", lang): float(s.get("seconds", 0.0))}
                         for name, s in cube_stats.items()])


# --- the metric dictionary (docs/metrics.md) ---------------------------------------------------
_LANG_BLOCK = re.compile(r"<!-- lang:(\w+) -->(.*?)<!-- /lang -->", re.S)
_TABLES_BLOCK = re.compile(r"<!-- tables:(\w+):(\w+) -->.*?<!-- /tables -->", re.S)


def bucket_tables(defs: Definitions, lang: str, which: str = "schemes") -> str:
    """Markdown tables generated from the definitions, so they always match the configuration:
    `which` "schemes" (bucket -> DPD range, and the levels) or "classes" (regulatory classes)."""
    days = t("DPD", lang)
    parts = []
    for s in defs.schemes.values() if which == "schemes" else ():
        parts += [f"**{s.label(lang)}** (`{s.key}`)", "",
                  f"| {t('Bucket', lang)} | " + " | ".join(s.buckets) + " |",
                  "|---|" + "---|" * len(s.buckets),
                  f"| {days} | " + " | ".join(dpd_text(s, i) for i in range(len(s.buckets))) + " |", ""]
        if s.levels:
            colon, comma = ("：", "，") if lang == "zh" else (": ", ", ")
            parts += [t("Levels", lang) + colon + comma.join(
                f"{lv} = {days} ≥ {s.level_edge(lv)}" for lv in s.levels), ""]
    for c in defs.classifications.values() if which == "classes" else ():
        parts += [f"**{c.label(lang)}** (`{c.key}`)", "",
                  f"| {t('Class', lang)} | {days} |", "|---|---|",
                  *(f"| {b} | {dpd_text(c, i)} |" for i, b in enumerate(c.buckets)), ""]
        if c.npl_from:
            at = c.buckets.index(c.npl_from)
            parts += [t("NPL = {classes} ({dpd} ≥ {edge})", lang, classes=" + ".join(c.buckets[at:]),
                        dpd=days, edge=c.lower[at]), ""]
    return "\n".join(parts).rstrip() + "\n"


def dpd_text(s: Scheme, index: int) -> str:
    """The DPD range of bucket `index`: '0', '31–60', or '≥ 181' for the open-ended last one."""
    lo, hi = s.dpd_range(index)
    if hi is None:
        return f"≥ {lo}"
    return str(lo) if lo == hi else f"{lo}–{hi}"


def read_dictionary(root: Path) -> str:
    """The text of docs/metrics.md under the project `root`."""
    return (root / "docs" / "metrics.md").read_text(encoding="utf-8")


def dictionary(text: str, defs: Definitions, lang: str) -> str:
    """The `lang` section of docs/metrics.md, with its bucket tables regenerated from `defs`."""
    blocks = {m.group(1): m.group(2) for m in _LANG_BLOCK.finditer(text)}
    body = blocks.get(lang) or blocks.get("en") or text
    body = _TABLES_BLOCK.sub(lambda m: bucket_tables(defs, m.group(1), m.group(2)), body)
    # the page titles the dictionary with a subheader: its sections sit two levels below
    return re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", body, flags=re.M).strip() + "\n"


def tables_block(defs: Definitions, lang: str, which: str) -> str:
    """A marked block of docs/metrics.md holding generated tables (the file keeps a copy, so it
    reads on its own; a test keeps that copy equal to this)."""
    return f"<!-- tables:{lang}:{which} -->\n\n{bucket_tables(defs, lang, which)}\n<!-- /tables -->"


# --- plain-language summary --------------------------------------------------------------------
