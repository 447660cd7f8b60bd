"""Figures of the Overview page: compact 12-month trend lines under the headline cards."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t
from .base import ALL_COLOR, bucket_color, empty_figure, money_scale, themed


def kpi_trend(df: pd.DataFrame, value: str, title: str, sub: str, lang: str = "zh",
              kind: str = "rate", level_idx: int | None = None, height: int = 250) -> go.Figure:
    """A small line of `value` per month of `df` (snapshot_month, value), the last month marked and
    labelled. `kind` "rate" (fractions, % axis) or "money" (axis in 万/亿 or M, hover to the cent).
    A level's line takes its bucket colour (`level_idx`); money lines are near-black."""
    d = df[["snapshot_month", value]].dropna() if value in df else pd.DataFrame()
    if d.empty:
        return empty_figure(t("No data in the selected filters.", lang), height=height)
    color = bucket_color(level_idx) if level_idx is not None else ALL_COLOR
    x, y = pd.to_datetime(d["snapshot_month"]), d[value].astype(float)
    if kind == "rate":
        shown, hover, last = y, "%{x|%Y-%m}: %{y:.2%}<extra></extra>", f"{y.iloc[-1]:.2%}"
        axis = {"tickformat": ".1%"}
    else:
        div, unit = money_scale(y.abs().max(), lang)
        shown = y / div
        hover = "%{x|%Y-%m}: ¥%{customdata:,.2f}<extra></extra>"
        last = f"{shown.iloc[-1]:,.2f}{unit}"
        axis = {"tickformat": ",.3~r", "ticksuffix": unit}
    fig = go.Figure(go.Scatter(
        x=x, y=shown, customdata=y, mode="lines+markers", name=title,
        line={"color": color, "width": 2.5}, marker={"size": 5, "color": color},
        fill="tozeroy", fillcolor=_tint(color), hovertemplate=hover))
    # the label sits above the last point when the line rose into it, below when it fell
    rose = len(y) < 2 or y.iloc[-1] >= y.iloc[-2]
    fig.add_trace(go.Scatter(
        x=x.iloc[-1:], y=shown.iloc[-1:], customdata=y.iloc[-1:], mode="markers+text",
        text=[last], textposition="top left" if rose else "bottom left", textfont={"size": 12, "color": color},
        marker={"size": 9, "color": color, "line": {"color": "white", "width": 1.5}},
        hovertemplate=hover, showlegend=False))
    # from zero, with headroom for the last month's label
    fig.update_yaxes(**axis, nticks=4, range=[min(0.0, shown.min() * 1.3), max(shown.max() * 1.3, 1e-9)])
    fig.update_xaxes(tickformat="%Y-%m", dtick=_dtick(len(x)), tick0=x.min(), tickangle=0, range=_x_range(x))
    fig.update_layout(hovermode="x")
    fig = themed(fig, title, sub, height=height, legend=False)
    # two-line subtitle (basis and mode, then the scheme): the small charts are narrow
    fig.update_layout(margin={"l": 6, "r": 14, "t": 84, "b": 6}, title={"font": {"size": 14}})
    return fig


def _dtick(months: int) -> str:
    """Month ticks that fit a narrow chart: two or three labels."""
    return "M1" if months <= 3 else "M3" if months <= 8 else "M6"


def _x_range(x: pd.Series) -> list:
    """Pad half a month each side so the first and last markers and the label are not clipped."""
    pad = pd.Timedelta(days=16)
    return [x.min() - pad, x.max() + pad]


def _tint(hex_color: str, alpha: float = 0.08) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
