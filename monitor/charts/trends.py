"""Figures of the Overdue trends page: rate lines per group, stacked bars per bucket."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t
from .base import (
    add_breach_points,
    add_thresholds,
    bucket_color,
    empty_figure,
    group_colors,
    money_scale,
    month_axis,
    themed,
)


def rate_lines(df: pd.DataFrame, value: str, title: str, sub: str, lang: str = "zh",
               thresholds=None, breaches=None, height: int = 420) -> go.Figure:
    """One line per group of `df` (snapshot_month, grp, value); 'ALL' drawn bold on top."""
    if df.empty or df[value].notna().sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    colors = group_colors(df["grp"].unique())
    fig = go.Figure()
    groups = [g for g in df["grp"].unique() if g != "ALL"] + (["ALL"] if "ALL" in set(df["grp"]) else [])
    for grp in groups:
        d = df[df["grp"] == grp]
        name = t("All", lang) if grp == "ALL" else t(grp, lang)
        fig.add_trace(go.Scatter(
            x=d["snapshot_month"], y=d[value], name=name, mode="lines+markers",
            line={"color": colors[grp], "width": 3.5 if grp == "ALL" else 2},
            marker={"size": 5 if grp == "ALL" else 4},
            hovertemplate=f"{name}<br>%{{x|%Y-%m}}: %{{y:.2%}}<extra></extra>"))
    add_thresholds(fig, thresholds, lang)
    add_breach_points(fig, breaches, lang)
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    month_axis(fig, df["snapshot_month"].nunique())
    fig.update_layout(hovermode="closest")
    return themed(fig, title, sub, height=height)


def bucket_stack(df: pd.DataFrame, value: str, title: str, sub: str, lang: str = "zh",
                 min_idx: int = 1, height: int = 380) -> go.Figure:
    """Stacked bars per month of `value` by bucket (bucket_idx >= min_idx), one colour per bucket."""
    d = df[df["bucket_idx"] >= min_idx]
    if d.empty or d[value].fillna(0).sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    fig = go.Figure()
    div, unit = money_scale(d.groupby("snapshot_month")[value].sum().max(), lang)
    for (idx, bucket), g in d.groupby(["bucket_idx", "bucket"], sort=True):
        fig.add_trace(go.Bar(
            x=g["snapshot_month"], y=g[value] / div, name=bucket, marker_color=bucket_color(idx),
            customdata=g[value], hovertemplate=f"{bucket}<br>%{{x|%Y-%m}}: ¥%{{customdata:,.2f}}<extra></extra>"))
    fig.update_layout(barmode="stack", hovermode="closest", bargap=0.15, legend_traceorder="normal")
    month_axis(fig, d["snapshot_month"].nunique())
    fig.update_yaxes(tickformat=",.3~r", ticksuffix=unit)
    return themed(fig, title, sub, height=height)
