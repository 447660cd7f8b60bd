"""The load checks' findings as Issues (DESIGN §1): refusals, duplicates and data-quality warnings.

The counts come from one pass (check_flags in loan_snapshots, one aggregation keyed by loan, one
small join per month for DPD jumps); the example rows of a finding are looked up in the source
only when that finding occurs, so a clean book is never re-read.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

import duckdb

from . import db
from .checks import BY_CODE, ROW_CHECKS, Check
from .errors import Issue
from .sources import Source

# The examples are written in English (they also go to the CLI's JSON); the Chinese message reads
# them with these phrases in Chinese. Each pattern is one of the example shapes built in this module
# or by Source.locate.
_ZH_EXAMPLE = (
    (re.compile(r"\bline (\d+)"), r"第 \1 行"),
    (re.compile(r"\b(\S+\.parquet) row (\d+)"), r"\1 第 \2 行"),
    (re.compile(r"^row (\d+)"), r"第 \1 行"),
    (re.compile(r" in a (\d+)-day month"), r"（当月 \1 天）"),
    (re.compile(r": (\d+) month\(s\) missing between (\d{4}-\d{2}) and (\d{4}-\d{2})"),
     r"：\2 至 \3 之间缺 \1 个月"),
    (re.compile(r" in (\d{4}-\d{2}) at "), r"（\1）位于 "),
)


def zh_example(example: str) -> str:
    """An example of a finding ('line 7: -116.32', 'LN1 2024-02: 31 → 61 in a 29-day month') in Chinese."""
    for pattern, repl in _ZH_EXAMPLE:
        example = pattern.sub(repl, example)
    return example


def issue(check: Check, source: str, count: int, examples: list[str]) -> Issue:
    ex = "; ".join(examples) if examples else "—"
    ex_zh = "；".join(map(zh_example, examples)) if examples else "—"
    en = f"{source}: column '{check.column}': " + check.en.format(n=f"{count:,}", examples="e.g. " + ex)
    zh = f"{source}：列 '{check.column}'：" + check.zh.format(n=f"{count:,}", examples="例如 " + ex_zh)
    return Issue(check.code, check.column, count, tuple(examples), en, zh)


def _show(value: str) -> str:
    """A value as the user typed it: numbers bare, text quoted so stray spaces show."""
    return value if re.fullmatch(r"[-+]?[\d.eE+]+( > .*)?", value) else repr(value)


@contextmanager
def _in_source_order(con: duckdb.DuckDBPyConnection):
    """Examples are the first rows of the source: keep its order while a LIMIT finds them (the scan
    still stops as soon as they are found)."""
    con.execute("set preserve_insertion_order = true")
    try:
        yield
    finally:
        con.execute("set preserve_insertion_order = false")


def _row_examples(con, src: Source, code: str) -> list[str]:
    with _in_source_order(con):
        df = db.run(con, "load/check_examples", check=code)
    out = []
    for r in df.itertuples():
        where = src.locate(r._1, int(r._2))
        out.append(where if r.value is None else f"{where}: {_show(r.value)}")
    return out


def refusals(con, src: Source, counts: dict) -> list[Issue]:
    """One Issue per refusing row check (a source with no rows is one refusal)."""
    if counts["rows"] == 0:
        return [Issue("no_rows", None, 0, (), f"{src.path}: the source has a header but no rows. "
                      "Export the snapshot again.", f"{src.path}：只有表头，没有数据行。请重新导出。")]
    return [issue(BY_CODE[code], src.path, counts[code], _row_examples(con, src, code))
            for code in ROW_CHECKS if BY_CODE[code].refuse and counts[code]]


def duplicates(con, src: Source) -> list[Issue]:
    """The duplicate-pair refusal with up to 5 pairs and their source rows."""
    dup = db.run(con, "load/duplicate_keys")
    if dup.empty:
        return []
    examples = []
    with _in_source_order(con):
        for r in dup.itertuples():
            rows = db.run(con, "load/duplicate_rows", month=r.snapshot_month, loan_id=r.loan_id)
            where = ", ".join(src.locate(f, int(n)) for f, n in zip(rows["_file"], rows["_row"]))
            examples.append(f"{r.loan_id} in {r.snapshot_month:%Y-%m} at {where}")
    return [issue(BY_CODE["duplicate"], src.path, int(dup["pairs"].iloc[0]), examples)]


def loan_checks(con, first: date | None, last: date | None) -> dict:
    """Loans, rows beyond one per loan-month (duplicates) and gapped loans with up to 5 examples."""
    if first is None:
        return {"loans": 0, "extra_rows": 0, "gapped_loans": 0, "gap_examples": []}
    span = (last.year - first.year) * 12 + last.month - first.month
    df = db.run(con, "load/loan_checks", first_month=first, span=span)
    head = df.iloc[0]
    examples = [f"{r.loan_id}: {r.months_missing} month(s) missing between {r.first_month:%Y-%m} "
                f"and {r.last_month:%Y-%m}" for r in df.itertuples() if r.loan_id is not None]
    return {"loans": int(head["loans"]), "extra_rows": int(head["extra_rows"]),
            "gapped_loans": int(head["gapped_loans"]), "gap_examples": examples}


def _jump_examples(con, month: date, wanted: int) -> tuple[int, list[str]]:
    jumps = db.run(con, "load/warn_dpd_jumps", month=month)
    if jumps.empty:
        return 0, []
    return int(jumps["loan_months"].iloc[0]), [
        f"{r.loan_id} {r.snapshot_month:%Y-%m}: {r.prev_dpd} → {r.days_past_due} in a "
        f"{r.days_in_month}-day month" for r in jumps.itertuples()][:wanted]


def _dpd_jumps(con, months: list[date]) -> tuple[int, list[str]]:
    """Month by month against the month before: total loan-months and the first 5 examples."""
    total, examples = 0, []
    present = set(months)
    for month in months:
        prev = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        if prev in present:
            n, ex = _jump_examples(con, month, 5 - len(examples))
            total, examples = total + n, examples + ex
    return total, examples


def dpd_jumps_from_cube(con, source: str, first: date = date(1900, 1, 1),
                        last: date = date(2200, 12, 1)) -> list[Issue]:
    """The DPD-jump warning (into to-months first … last) from the counts the transition cube made
    while it paired the months; only months with jumps are read again, for up to 5 examples."""
    total, examples = 0, []
    for month, n in db.run(con, "load/jumps_by_month", from_month=first, to_month=last).itertuples(index=False):
        total += int(n)
        if len(examples) < 5:
            examples += _jump_examples(con, month, 5 - len(examples))[1]
    return [issue(BY_CODE["dpd_jumps"], source, total, examples)] if total else []


def warnings(con, src: Source, counts: dict, loans: dict, months: list[date] | None) -> list[Issue]:
    """Every data-quality warning of a load that was not refused, in the order of checks.py
    (months None: DPD jumps are left to the cube build, see dpd_jumps_from_cube)."""
    out = [issue(BY_CODE[code], src.path, counts[code], _row_examples(con, src, code))
           for code in ROW_CHECKS if not BY_CODE[code].refuse and counts[code]]
    if loans["gapped_loans"]:
        out.append(issue(BY_CODE["gaps"], src.path, loans["gapped_loans"], loans["gap_examples"]))
    jumps, examples = _dpd_jumps(con, months) if months is not None else (0, [])
    if jumps:
        out.append(issue(BY_CODE["dpd_jumps"], src.path, jumps, examples))
    return out
