"""Table exports that stand on their own: file names that name the filters in force, and a small
Excel workbook (the filters on its first sheet, the table on the second) beside every CSV."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pandas as pd
import xlsxwriter

from ..metrics import Scope

#: Characters kept in a file name besides letters and digits (CJK included): safe on every OS.
SAFE = "-_+."
#: At most this many values of one filter are spelled out in a file name; the rest are counted.
NAMED_VALUES = 2
MAX_VALUE, MAX_STEM = 12, 150


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in SAFE else "_" for c in text)


def filters_slug(scope: Scope) -> str:
    """The non-default filters, short and filename-safe: 'product-信用卡+消费分期_region-上海+北京+3more'
    ('' when nothing is filtered). A segment dimension without values reads 'age_band-all'."""
    parts = []
    picked = [("product", scope.products), ("region", scope.regions), ("channel", scope.channels)]
    if scope.seg_dim != "all":
        picked.append((scope.seg_dim, scope.seg_values or ("all",)))
    for dim, vals in picked:
        if not vals:
            continue
        shown = [_safe(str(v))[:MAX_VALUE] for v in vals[:NAMED_VALUES]]
        more = len(vals) - NAMED_VALUES
        parts.append(f"{dim}-{'+'.join(shown)}" + (f"+{more}more" if more > 0 else ""))
    return "_".join(parts)


def file_stem(name: str, scope: Scope, month_range: bool = True) -> str:
    """'{name}_{from}-{to}_{scheme}[_{filters}]', filename-safe and at most MAX_STEM characters
    (`month_range` False: the name already holds its month)."""
    months = f"_{scope.from_month:%Y%m}-{scope.to_month:%Y%m}" if month_range and scope.from_month else ""
    slug = filters_slug(scope)
    stem = _safe(f"{name}{months}_{scope.scheme}") + (f"_{slug}" if slug else "")
    return stem[:MAX_STEM]


def csv_header(meta: Sequence[tuple[str, str]]) -> str:
    """'# key: value' lines that head a CSV download."""
    return "".join(f"# {k}: {v}\n" for k, v in meta)


def table_workbook(df: pd.DataFrame, meta: Sequence[tuple[str, str]], sheet: str = "Data",
                   info_sheet: str = "Filters") -> bytes:
    """An .xlsx with `meta` (source, filters …) on its first sheet and `df` on the second (frozen
    header, autofilter, columns sized to their content)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#0F2A4A", "font_color": "#FFFFFF", "text_wrap": True})
    info = wb.add_worksheet(info_sheet[:31])
    for i, (k, v) in enumerate(meta):
        info.write(i, 0, k, bold)
        info.write(i, 1, v)
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 100)
    ws = wb.add_worksheet(sheet[:31])
    for j, col in enumerate(df.columns):
        ws.write(0, j, str(col), head)
        values = df.iloc[:, j]
        for i, v in enumerate(values, start=1):
            if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, date):  # Timestamps too: a month or a day, as text that sorts
                ws.write_string(i, j, f"{v:%Y-%m-%d}")
            elif isinstance(v, int | float) or pd.api.types.is_number(v):
                ws.write_number(i, j, float(v))
            else:
                ws.write_string(i, j, str(v))
        width = max([len(str(col)) + 2, *(len(str(v)) + 2 for v in values.head(200))], default=10)
        ws.set_column(j, j, min(max(width, 8), 50))
    ws.freeze_panes(1, 0)
    if len(df):
        ws.autofilter(0, 0, len(df), max(len(df.columns) - 1, 0))
    wb.close()
    return buffer.getvalue()
