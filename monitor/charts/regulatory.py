"""Figures of the regulatory views: the five-tier classification and IFRS 9 stage mix over time (the
classes beyond the first, stacked as shares of exposure, with the NPL ratio), and the stage 2 / 3
transfer rates."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..definitions import Scheme, load_definitions
from ..i18n import t
from .base import ALL_COLOR, bucket_color, empty_figure, themed


def class_colors(classes: Scheme, scheme: str | None = None) -> dict[int, str]:
    """A class takes the colour of the delinquency bucket (default scheme) its first DPD falls in, so
    that 次级 (DPD 91+) is M4's red and Stage 2 (DPD 31+) M2's orange on every chart."""
    buckets = load_definitions().scheme(scheme)
    return {i: bucket_color(buckets.bucket_index(lo)) for i, lo in enumerate(classes.lower)}


def class_share_bars(mix: pd.DataFrame, classes: Scheme, title: str, sub: str, lang: str = "zh",
                     npl: pd.DataFrame | None = None, grp: str = "ALL", height: int = 380,
                     dtick: str = "M3") -> go.Figure:
    """Per month, the exposure share of every class but the first (正常 / Stage 1 is the rest), stacked,
    with the NPL ratio as a line when `npl` is given. `mix`: regulatory.class_mix rows."""
    d = mix[(mix["grp"] == grp) & (mix["bucket_idx"] > 0)]
    if d.empty or d["share"].notna().sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    colors = class_colors(classes)
    fig = go.Figure()
    for (idx, bucket), g in d.groupby(["bucket_idx", "bucket"], sort=True):
        g, name = g.sort_values("snapshot_month"), t(bucket, lang)
        fig.add_trace(go.Bar(
            x=g["snapshot_month"], y=g["share"], name=f"{name} ({classes.range_text(int(idx))})",
            marker_color=colors[int(idx)], customdata=g["exposure"],
            hovertemplate=f"{name} · %{{x|%Y-%m}}: %{{y:.2%}} (¥%{{customdata:,.2f}})<extra></extra>"))
    if npl is not None and len(npl):
        n = npl[npl["grp"] == grp].sort_values("snapshot_month")
        fig.add_trace(go.Scatter(
            x=n["snapshot_month"], y=n["npl_ratio"], name=t("NPL ratio", lang), mode="lines+markers",
            line={"color": ALL_COLOR, "width": 2}, marker={"size": 4}, customdata=n["npl_exposure"],
            hovertemplate=f"{t('NPL ratio', lang)} · %{{x|%Y-%m}}: %{{y:.2%}} (¥%{{customdata:,.2f}})"
                          "<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.2, hovermode="closest")
    fig.update_xaxes(tickformat="%Y-%m", dtick=dtick)
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    return themed(fig, title, sub, height=height)


def transfer_lines(transfers: pd.DataFrame, title: str, sub: str, lang: str = "zh", grp: str = "ALL",
                   height: int = 380, dtick: str = "M6") -> go.Figure:
    """Stage 2 and stage 3 transfer rates month on month, one panel each (their scales differ
    fifty-fold), in the colour of the stage they flow into."""
    d = transfers[transfers["grp"] == grp].sort_values("to_month")
    if d.empty or d[["stage2_transfer_rate", "stage3_transfer_rate"]].notna().sum().sum() == 0:
        return empty_figure(t("No transfer rates: they need two consecutive months.", lang))
    stages = load_definitions().classifications["ifrs9"]
    colors = class_colors(stages)
    names = {"stage2_transfer_rate": t("Stage 1 → 2", lang), "stage3_transfer_rate": t("Stage 2 → 3", lang)}
    bases = {"stage2_transfer_rate": "stage1_prev", "stage3_transfer_rate": "stage2_prev"}
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14, subplot_titles=list(names.values()))
    for row, (col, name) in enumerate(names.items(), start=1):
        fig.add_trace(go.Scatter(
            x=d["to_month"], y=d[col], name=name, mode="lines+markers", customdata=d[bases[col]],
            line={"color": colors[row], "width": 2}, marker={"size": 4},
            hovertemplate=f"{name} · %{{x|%Y-%m}}: %{{y:.2%}}<br>{t('Exposure at t−1', lang)}: "
                          f"¥%{{customdata:,.2f}}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(tickformat=".1%" if row == 1 else ".0%", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(tickformat="%Y-%m", dtick=dtick)
    fig.update_annotations(font={"size": 12, "color": "#374151"}, x=0, xanchor="left")
    fig.update_layout(hovermode="closest")
    fig = themed(fig, title, sub, height=height, legend=False)
    fig.update_layout(margin={"t": 100})  # the first panel's title sits below the subtitle
    return fig
