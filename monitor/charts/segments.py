"""Figures of the Segments page: rate by value with its exposure share, and a rate heatmap."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from .base import empty_figure, themed
from .trends import rate_lines

ABOVE_COLOR = "#C2410C"  # a value whose rate is above the scope's: it pulls the book up
BELOW_COLOR = "#64748B"
SHARE_COLOR = "#94A3B8"
OVERDUE_SHARE_COLOR = "#EA580C"
BOOK_COLOR = "#111827"
HEAT_SCALE = [[0.0, "#FFF7ED"], [0.5, "#FDBA74"], [1.0, "#EA580C"]]  # dark text stays legible on every cell


def _label(value: str, lang: str) -> str:
    return t("All", lang) if value == "ALL" else t(str(value), lang)


def rate_bars(table: pd.DataFrame, book: float | None, title: str, sub: str, lang: str = "zh",
              share_label: str = "Exposure share") -> go.Figure:
    """Left: the rate of each value (highest on top, the scope's rate as a reference line); right:
    each value's share of the scope's exposure (or loans) beside its share of the overdue part.

    `table` is views_segments.month_table; every bar carries its raw value as customdata, so a
    click can be read back."""
    if table.empty or table["rate"].notna().sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    names = [_label(g, lang) for g in table["grp"]]
    raw = [[g] for g in table["grp"]]
    colors = [ABOVE_COLOR if book is not None and r > book else BELOW_COLOR for r in table["rate"].fillna(0)]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.62, 0.38],
                        horizontal_spacing=0.04)
    fig.add_trace(go.Bar(
        y=names, x=table["rate"], orientation="h", marker_color=colors, customdata=raw,
        name=t("Overdue rate", lang), showlegend=False,
        text=[f"{r:.2%}" if pd.notna(r) else "—" for r in table["rate"]], textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.2%}<extra></extra>"), row=1, col=1)
    share = t(share_label, lang)
    overdue = t("Share of overdue", lang)
    for col, label, color in (("exposure_share", share, SHARE_COLOR),
                              ("overdue_share", overdue, OVERDUE_SHARE_COLOR)):
        fig.add_trace(go.Bar(
            y=names, x=table[col], orientation="h", marker_color=color, customdata=raw, name=label,
            hovertemplate=f"%{{y}}<br>{label}: %{{x:.2%}}<extra></extra>"), row=1, col=2)
    if book is not None:
        fig.add_vline(x=book, line_dash="dash", line_color=BOOK_COLOR, line_width=1.5, layer="below",
                      row=1, col=1)
        fig.add_annotation(x=book, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{t('Whole scope', lang)} {book:.2%}",
                           font={"size": 11, "color": BOOK_COLOR})
    top = max(float(table["rate"].max(skipna=True) or 0), book or 0)
    fig.update_xaxes(tickformat=".1%", range=[0, top * 1.2 or 1], row=1, col=1,
                     title={"text": t("Overdue rate", lang), "font": {"size": 12}})
    fig.update_xaxes(tickformat=".0%", rangemode="tozero", row=1, col=2,
                     title={"text": t("Share of the scope", lang), "font": {"size": 12}})
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    fig.update_layout(barmode="group", bargap=0.25, hovermode="closest", clickmode="event+select")
    height = max(300, 150 + 30 * len(table))
    fig = themed(fig, title, sub, height=height)
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right",
                              "x": 1.0})
    return fig


def month_dtick(n_months: int) -> str:
    """A month tick step that keeps 'YYYY-MM' labels apart on a half-width chart."""
    return "M1" if n_months <= 8 else "M3" if n_months <= 18 else "M6"


def trend_lines(df: pd.DataFrame, value: str, title: str, sub: str, lang: str = "zh",
                height: int = 420) -> go.Figure:
    """The rate of each shown value over the months (the scope's 'ALL' line bold), sized for half
    the page width."""
    if not df.empty and df["snapshot_month"].nunique() < 2:
        return empty_figure(t("A trend needs at least two months: widen the sidebar's month range.", lang))
    fig = rate_lines(df, value, title, sub, lang, height=height)
    if not df.empty:
        fig.update_xaxes(dtick=month_dtick(df["snapshot_month"].nunique()), tickangle=0)
    return fig


def rate_heatmap(matrix: pd.DataFrame, title: str, sub: str, lang: str = "zh",
                 month_columns: bool = False, loans: pd.DataFrame | None = None,
                 height: int = 420) -> go.Figure:
    """Rate by row value × column value (margins 'ALL' included); exact rates (and the cell's
    loans, from `loans` of the same shape) in the hover, and in the cells while they stay legible."""
    if matrix.empty or matrix.notna().sum().sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    rows = [_label(r, lang) for r in matrix.index]
    cols = ([pd.Timestamp(c) for c in matrix.columns] if month_columns
            else [_label(c, lang) for c in matrix.columns])
    z = matrix.to_numpy(dtype=float)
    text = [[f"{v:.2%}" if pd.notna(v) else "" for v in row] for row in z]
    show_text = len(cols) <= 14 and len(rows) <= 16
    counts = (loans.reindex(index=matrix.index, columns=matrix.columns).to_numpy(dtype=float)
              if loans is not None else None)
    n_label = t("Loans", lang)
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, colorscale=HEAT_SCALE, xgap=1, ygap=1, customdata=counts,
        text=text, texttemplate="%{text}" if show_text else None, textfont={"size": 11},
        colorbar={"tickformat": ".1%", "thickness": 12, "len": 0.9},
        hovertemplate="%{y} · %{x" + ("|%Y-%m" if month_columns else "") + "}: %{text}"
        + (f"<br>{n_label}: %{{customdata:,.0f}}" if counts is not None else "") + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    if month_columns:
        fig.update_xaxes(type="date", tickformat="%Y-%m", dtick=month_dtick(len(cols)), tickangle=0)
    else:
        fig.update_xaxes(type="category", tickangle=0)
    return themed(fig, title, sub, height=max(height, 150 + 28 * len(rows)), legend=False)
