"""Reshaping for the Overdue trends page: the month x group rate table and its breach styling."""
from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from .charts.base import SEVERITY_COLORS
from .i18n import t

_CELL = {"warn": f"background-color: {SEVERITY_COLORS['warn']}33; font-weight: 600",
         "critical": f"background-color: {SEVERITY_COLORS['critical']}33; font-weight: 700; color: #991B1B"}


def rate_table(df: pd.DataFrame, value: str, lang: str = "zh") -> pd.DataFrame:
    """Months (rows, 'YYYY-MM') x groups (columns, 'ALL' first) of `value`."""
    order = ["ALL"] + [g for g in dict.fromkeys(df["grp"]) if g != "ALL"]
    table = df.pivot_table(index="snapshot_month", columns="grp", values=value, sort=True)
    table = table[[g for g in order if g in table.columns]]
    table.index = pd.to_datetime(table.index).strftime("%Y-%m")
    table.index.name = t("Month", lang)
    table.columns = [t("All", lang) if g == "ALL" else g for g in table.columns]
    return table


def breach_styler(table: pd.DataFrame, points: pd.DataFrame, lang: str = "zh") -> Styler:
    """Format rates as % and colour the cells whose (month, group) breaches a rule."""
    css = pd.DataFrame("", index=table.index, columns=table.columns)
    rank = {"warn": 1, "critical": 2}
    for p in points.itertuples():
        row, col = f"{pd.Timestamp(p.x):%Y-%m}", t("All", lang) if p.grp == "ALL" else p.grp
        if row in css.index and col in css.columns:
            old = css.loc[row, col]
            if not old or rank[p.severity] > rank["critical" if "700" in old else "warn"]:
                css.loc[row, col] = _CELL[p.severity]
    return table.style.format("{:.2%}", na_rep="—").apply(lambda _: css, axis=None)
