"""The monthly report as an Excel workbook (xlsxwriter) for risk managers' own analysis: a first sheet
with the source, month, filters, scheme and generation time, then one sheet per table (by product,
bucket distribution, transition matrix by count and by balance, breaches, movers, trend) with plain
numbers, % and CNY formats, frozen headers, and conditional formatting on the cells the month's
breach records point at.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

import pandas as pd
import xlsxwriter

from ..alerts import SEVERITY_ORDER
from ..definitions import load_definitions
from ..i18n import DIM_LABELS, t
from . import text
from .model import MonthlySummary

PCT, SHARE, CNY, COUNT = "0.00%", "0.0%", '"¥"#,##0.00', "#,##0"
PP = '+0.00" pp";-0.00" pp";0.00" pp"'  # a change of rate, stored in percentage points
NUMBER_WIDTH = {"pct": 10, "share": 9, "cny": 17, "count": 10, "pp": 11, "months": 11, "bp": 9,
                "sigma": 8, "num": 10}
SEVERITY_FILL = {"critical": ("#FEE2E2", "#B91C1C"), "warn": ("#FEF3C7", "#92400E")}


# --- which cells a breach points at ---------------------------------------------------------------
def breach_cells(s: MonthlySummary) -> dict[tuple[str, str], list[dict]]:
    """(product or 'ALL', level) -> the month's breach records whose value is that cell of the
    product table: overdue-rate rules (by balance, coincident) on the whole book or on one product,
    and only where the cell holds the rule's value (under a filter the cell is another number)."""
    out: dict[tuple[str, str], list[dict]] = {}
    rates = s.table_all.set_index("grp") if len(s.table_all) else None
    for b in s.breaches.to_dict("records"):
        parts = str(b["metric"]).split()
        if rates is None or parts[:1] != ["overdue_rate"] or "lagged" in parts or parts[2:3] != ["balance"]:
            continue
        level = parts[1]
        scope = str(b["scope"])
        grp = "ALL" if scope == "ALL" else scope.removeprefix("product=") if scope.count("=") == 1 \
            and scope.startswith("product=") else None
        if grp is None or grp not in rates.index or level not in rates.columns:
            continue
        cell = rates.at[grp, level]
        if pd.notna(cell) and abs(float(cell) - float(b["value"])) < 1e-9:
            out.setdefault((grp, level), []).append(b)
    for v in out.values():
        v.sort(key=lambda b: SEVERITY_ORDER[b["severity"]])
    return out


# --- writing helpers ---------------------------------------------------------------------------------
def _width(value) -> int:
    """Display width of a cell: CJK characters count two."""
    s = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


class _Book:
    """A workbook with the house formats."""

    def __init__(self, buffer: io.BytesIO):
        self.wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True,
                                               "default_date_format": "yyyy-mm"})
        font = {"font_name": "Microsoft YaHei", "font_size": 10}
        self.head = self.wb.add_format({**font, "bold": True, "bg_color": "#0F2A4A", "font_color": "#FFFFFF",
                                        "text_wrap": True, "valign": "top", "border": 1, "border_color": "#CBD5E1"})
        self.title = self.wb.add_format({**font, "bold": True, "font_size": 14, "font_color": "#0F2A4A"})
        self.label = self.wb.add_format({**font, "bold": True, "font_color": "#4B5563", "valign": "top"})
        self.text = self.wb.add_format({**font, "valign": "top"})
        self.wrap = self.wb.add_format({**font, "text_wrap": True, "valign": "top"})
        self.bold = self.wb.add_format({**font, "bold": True})
        self.fmt = {k: self.wb.add_format({**font, "num_format": v})
                    for k, v in (("pct", PCT), ("share", SHARE), ("cny", CNY), ("count", COUNT), ("pp", PP),
                                 ("months", '0" months"'), ("bp", '0" bp"'), ("sigma", '0.0"σ"'),
                                 ("num", "0.####"))}
        self.sev = {k: self.wb.add_format({"bg_color": bg, "font_color": fg, "bold": True})
                    for k, (bg, fg) in SEVERITY_FILL.items()}

    def table(self, name: str, df: pd.DataFrame, kinds: Sequence[str | None], note: str = "",
              freeze_cols: int = 1):
        """A sheet: header row (frozen), rows of `df`, per-column number format `kinds`."""
        ws = self.wb.add_worksheet(name)
        top = 0
        if note:
            ws.write(0, 0, note, self.bold)
            top = 1
        for j, col in enumerate(df.columns):
            ws.write(top, j, col, self.head)
        for i, row in enumerate(df.itertuples(index=False), start=top + 1):
            for j, (v, kind) in enumerate(zip(row, kinds)):
                if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                    ws.write_blank(i, j, None, self.text)
                elif isinstance(v, str):
                    ws.write_string(i, j, v, self.text)
                elif kind:
                    # money to the cent, as the CLI's records: no float noise in the cells
                    ws.write_number(i, j, round(float(v), 2) if kind == "cny" else float(v), self.fmt[kind])
                else:
                    ws.write(i, j, v, self.text)
        ws.freeze_panes(top + 1, freeze_cols)
        for j, col in enumerate(df.columns):
            head = _width(col) // 2 + 2  # headers wrap onto two lines
            if kinds[j] is not None:
                ws.set_column(j, j, max(NUMBER_WIDTH[kinds[j]], head))
            else:
                texts = [_width(v) + 2 for v in df.iloc[:200, j].astype(str)]
                ws.set_column(j, j, min(max([head, 8, *texts]), 60))
        if len(df):
            ws.autofilter(top, 0, top + len(df), len(df.columns) - 1)
        return ws, top


# --- the sheets ----------------------------------------------------------------------------------------
def _info(bk: _Book, s: MonthlySummary, lang: str) -> None:
    scheme = load_definitions().scheme(s.scope.scheme)
    ws = bk.wb.add_worksheet(t("Report", lang))
    ws.write(0, 0, f"{t('Monthly delinquency report', lang)} {s.month:%Y-%m}", bk.title)
    rows = [
        (t("Report month", lang), f"{s.month:%Y-%m}"),
        (t("Data source", lang), s.source),
        (t("Generated", lang), f"{s.generated:%Y-%m-%d %H:%M:%S}"),
        (t("Bucket scheme", lang), f"{scheme.label(lang)} ({scheme.key})"),
        (t("Filters", lang), text.filters_text(s.scope, lang)),
        (t("Basis", lang), t("Rates by balance, coincident; MoM vs {prev}, YoY vs {year}", lang,
                             prev=f"{s.prev_month:%Y-%m}", year=f"{s.year_month:%Y-%m}")),
        (t("Breaches", lang), t("Each rule is evaluated on its own scope over the whole book; the filters "
                                 "above do not apply to it.", lang)),
        (t("Units", lang), t("Rates and shares as fractions shown in %; amounts in CNY; changes of rates "
                             "in percentage points (pp).", lang)),
    ]
    for i, (k, v) in enumerate(rows, start=2):
        ws.write(i, 0, k, bk.label)
        ws.write(i, 1, v, bk.wrap)
    at = len(rows) + 3
    ws.write(at, 0, t("Summary", lang), bk.label)
    for i, sentence in enumerate(text.summary(s, lang)):
        ws.write(at + i, 1, sentence, bk.wrap)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 110)


def product_frame(s: MonthlySummary, lang: str) -> tuple[pd.DataFrame, list[str | None]]:
    """The summary by product of the month (every level of the scheme): the same numbers as the
    CLI's `summary` (loans, balance, overdue amount, overdue balance and rate per level) plus the
    month-on-month and year-on-year changes in pp."""
    r = s.month_rates
    head = r.groupby("grp", sort=False)[["loans", "balance", "overdue_amount"]].first()
    ob = r.pivot_table(index="grp", columns="level", values="overdue_balance", sort=False)
    rows = []
    for _, row in s.table_all.iterrows():
        g = row["grp"]
        rec = {t("Product", lang): t("All", lang) if g == "ALL" else g,
               t("Loans", lang): head.at[g, "loans"], t("Exposure", lang): head.at[g, "balance"],
               t("Overdue amount", lang): head.at[g, "overdue_amount"] if s.has_amount else None}
        for lv in s.all_levels:
            rec[f"{lv} {t('Overdue balance', lang)}"] = ob.at[g, lv] if lv in ob.columns else None
        for lv in s.all_levels:
            rec[f"{lv} {t('Overdue rate', lang)}"] = row[lv]
            rec[f"{lv} {t('MoM', lang)} (pp)"] = row[f"{lv} MoM"] * 100 if pd.notna(row[f"{lv} MoM"]) else None
            rec[f"{lv} {t('YoY', lang)} (pp)"] = row[f"{lv} YoY"] * 100 if pd.notna(row[f"{lv} YoY"]) else None
        rows.append(rec)
    kinds = ["count", "cny", "cny"] + ["cny"] * len(s.all_levels) + ["pct", "pp", "pp"] * len(s.all_levels)
    return pd.DataFrame(rows), [None, *kinds]


def _products(bk: _Book, s: MonthlySummary, lang: str) -> None:
    df, kinds = product_frame(s, lang)
    ws, top = bk.table(t("By product", lang), df, kinds)
    # the month's breach records on their cells: the rule's limit as a live condition for level
    # rules, a plain mark for trend rules (their condition is not a cell value); the sentences as a note
    groups = list(s.table_all["grp"])
    for (grp, level), found in breach_cells(s).items():
        row = top + 1 + groups.index(grp)
        col = list(df.columns).index(f"{level} {t('Overdue rate', lang)}")
        worst = found[0]
        style = bk.sev[worst["severity"]]
        if worst["kind"] == "level":
            side = ">" if _direction(worst) == "above" else "<"
            ws.conditional_format(row, col, row, col, {"type": "cell", "criteria": side,
                                                       "value": float(worst["limit"]), "format": style})
        else:
            ws.conditional_format(row, col, row, col, {"type": "formula", "criteria": "=TRUE", "format": style})
        note = "\n".join(f"[{text.severity_label(b['severity'], lang)}] "
                         f"{b['message_zh'] if lang == 'zh' else b['message']}" for b in found)
        ws.write_comment(row, col, note, {"x_scale": 3, "y_scale": 1.5})


def _direction(b: dict) -> str:
    """Which side of the limit the value is on (a level rule's direction)."""
    return "above" if float(b["value"]) > float(b["limit"]) else "below"


def _buckets(bk: _Book, s: MonthlySummary, lang: str) -> None:
    scheme = load_definitions().scheme(s.scope.scheme)
    b = s.buckets
    df = pd.DataFrame({
        t("Product", lang): b["grp"].map(lambda g: t("All", lang) if g == "ALL" else g),
        t("Bucket", lang): b["bucket"],
        t("DPD", lang): b["bucket_idx"].map(lambda i: scheme.range_text(int(i))),
        t("Loans", lang): b["loans"], t("Exposure", lang): b["exposure"],
        t("Share of exposure", lang): b["exposure_share"], t("Share of loans", lang): b["loan_share"],
        t("Overdue amount", lang): b["overdue_amount"] if s.has_amount else None})
    bk.table(t("Buckets", lang), df, [None, None, None, "count", "cny", "share", "share", "cny"], freeze_cols=2)


def transition_frame(s: MonthlySummary, value: str, lang: str) -> pd.DataFrame:
    """The month's matrix (rows: from-bucket at t-1, then loans new at t; columns: to-bucket at t,
    then exited, then the row total) in `value`: 'loans' or 'exposure' (t-1 exposure; the new
    loans' row holds their exposure at t)."""
    tm = s.transition
    scheme = load_definitions().scheme(s.scope.scheme)
    to_cols = [*scheme.buckets, "exited"]
    from_rows = [*scheme.buckets, "new"]
    grid = pd.DataFrame(0.0, index=from_rows, columns=to_cols)
    for r in tm[tm["grp"] == "ALL"].itertuples():
        v = r.loans if value == "loans" else (r.exposure_to if r.from_bucket == "new" else r.exposure_from)
        if r.from_bucket in grid.index and r.to_bucket in grid.columns:
            grid.at[r.from_bucket, r.to_bucket] += float(v)
    grid[t("Total", lang)] = grid.sum(axis=1)
    grid = grid.rename(index={"new": t("new", lang)}, columns={"exited": t("exited", lang)})
    return grid.reset_index(names=t("From \\ to", lang))


def _transition(bk: _Book, s: MonthlySummary, value: str, lang: str) -> None:
    name = t("Transition count", lang) if value == "loans" else t("Transition balance", lang)
    if s.transition is None or s.transition.empty:
        ws = bk.wb.add_worksheet(name)
        ws.write(0, 0, t("No previous month: no transition ends in {month}.", lang, month=f"{s.month:%Y-%m}"),
                 bk.bold)
        return
    df = transition_frame(s, value, lang)
    basis = t("by count", lang) if value == "loans" else t("by balance (exposure at t-1)", lang)
    note = f"{s.prev_month:%Y-%m} → {s.month:%Y-%m} · {basis} · {text.filters_text(s.scope, lang)}"
    kind = "count" if value == "loans" else "cny"
    bk.table(name, df, [None, *[kind] * (len(df.columns) - 1)], note=note)


def breach_frame(s: MonthlySummary, lang: str) -> tuple[pd.DataFrame, list[str | None]]:
    b = s.breaches
    df = pd.DataFrame({
        t("Month", lang): b["month"].map(lambda d: f"{d:%Y-%m}"),
        t("Severity", lang): b["severity"].map(lambda x: text.severity_label(x, lang)),
        t("Rule", lang): b["rule"], t("Name", lang): b["name_zh"] if lang == "zh" else b["name_en"],
        t("Scope", lang): b["scope"], t("Metric", lang): b["metric"], t("Value", lang): b["value"],
        t("Limit", lang): b["limit"],
        t("Since", lang): b["since"].map(lambda d: f"{d:%Y-%m}" if d is not None and not pd.isna(d) else ""),
        t("Owner", lang): b["rule"].map(lambda r: s.owners.get(r, "")),
        t("Message", lang): b["message_zh"] if lang == "zh" else b["message"]})
    return df, [None, None, None, None, None, None, "num", "num", None, None, None]


def _breach_sheet(bk: _Book, s: MonthlySummary, lang: str) -> None:
    df, kinds = breach_frame(s, lang)
    name = t("Breaches", lang)
    if df.empty:
        ws = bk.wb.add_worksheet(name)
        ws.write(0, 0, t("No rule was breached in {month}.", lang, month=f"{s.month:%Y-%m}"), bk.bold)
        return
    ws, top = bk.table(name, df, kinds, freeze_cols=2)
    # value and limit in the rule's own unit: a rate, money, months in a row, bp or σ
    for i, b in enumerate(s.breaches.to_dict("records"), start=top + 1):
        value_kind, limit_kind = _units(b)
        ws.write_number(i, 6, float(b["value"]), bk.fmt[value_kind])
        ws.write_number(i, 7, float(b["limit"]), bk.fmt[limit_kind])
    ws.set_column(10, 10, 90)
    last = top + len(df)
    for sev, style in bk.sev.items():
        ws.conditional_format(top + 1, 1, last, 1, {"type": "cell", "criteria": "==",
                                                     "value": f'"{text.severity_label(sev, lang)}"', "format": style})


def _units(b: dict) -> tuple[str, str]:
    value = "cny" if str(b["metric"]).startswith("overdue_amount") else "pct"
    if b["kind"] == "level":
        return value, value
    if b["kind"] == "rising":
        return value, "months"
    if b["kind"] == "outlier":
        return value, "sigma"
    return value, "bp" if float(b["limit"]) >= 1 else "pct"


def _movers(bk: _Book, s: MonthlySummary, lang: str) -> None:
    mv = s.movers
    df = pd.DataFrame({
        t("Dimension", lang): mv["dim"].map(lambda d: t(DIM_LABELS.get(d, d), lang)),
        t("Dimension value", lang): mv["value"], t("Exposure", lang): mv["exposure"],
        t("Share of exposure", lang): mv["share"],
        "M1+": mv["M1+"], f"M1+ {t('MoM', lang)} (pp)": mv["M1+ MoM"] * 100,
        "M2+": mv["M2+"], f"M2+ {t('MoM', lang)} (pp)": mv["M2+ MoM"] * 100})
    bk.table(t("Movers", lang), df, [None, None, "cny", "share", "pct", "pp", "pct", "pp"], freeze_cols=2)


def _trend(bk: _Book, s: MonthlySummary, lang: str) -> None:
    tr = s.trend
    df = pd.DataFrame({t("Month", lang): pd.to_datetime(tr["snapshot_month"]).dt.strftime("%Y-%m"),
                       t("Exposure", lang): tr["exposure"],
                       t("Overdue amount", lang): tr["overdue_amount"] if s.has_amount else None,
                       **{lv: tr[lv] for lv in s.levels}})
    bk.table(t("Trend", lang), df, [None, "cny", "cny", *["pct"] * len(s.levels)])


def workbook(s: MonthlySummary, lang: str) -> bytes:
    """The report as .xlsx bytes."""
    buffer = io.BytesIO()
    bk = _Book(buffer)
    _info(bk, s, lang)
    if s.has_data:
        _products(bk, s, lang)
        _buckets(bk, s, lang)
        _transition(bk, s, "loans", lang)
        _transition(bk, s, "exposure", lang)
    _breach_sheet(bk, s, lang)
    if s.has_data:
        _movers(bk, s, lang)
        _trend(bk, s, lang)
    bk.wb.close()
    return buffer.getvalue()
