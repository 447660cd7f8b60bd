"""Figures of the Bucket migration page: the transition matrix heatmap, roll and cure rate lines per
bucket, and the early flow rates over time."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import fmt
from ..i18n import t
from .base import add_breach_points, add_thresholds, bucket_color, empty_figure, themed

MEASURE_LABELS = {"loans": "Loans", "exposure_from": "Balance at t−1", "share_loans": "Row % by count",
                  "share_exposure": "Row % by balance"}
MEASURES = tuple(MEASURE_LABELS)
# Counts and balances span five orders of magnitude (M0→M0 against one loan rolling M5→M6): the
# colour stops sit on a log scale of the largest cell so that small moves stay visible, while the
# cell values (z) stay exact.
_LOG_STOPS = [(0.0, "#FFFFFF"), (1e-5, "#EEF4FB"), (1e-4, "#D6E6F4"), (1e-3, "#ABCFE6"),
              (1e-2, "#6AAED6"), (1e-1, "#2F7EBC"), (1.0, "#08306B")]
_SHARE_STOPS = [(0.0, "#FFFFFF"), (0.02, "#EEF4FB"), (0.1, "#C6DBEF"), (0.3, "#6AAED6"),
                (0.6, "#2F7EBC"), (1.0, "#08306B")]


def _cell_text(v: float, measure: str, lang: str) -> str:
    if not v or pd.isna(v):
        return ""
    if measure == "loans":
        return f"{int(v):,}"
    if measure == "exposure_from":
        return fmt.money(v, lang)
    return f"{v:.1%}" if v < 0.9995 else "100%"


def _row_label(bucket: str, loans: int, exposure: float, measure: str, lang: str) -> str:
    total = fmt.money(exposure, lang) if measure in ("exposure_from", "share_exposure") else f"{loans:,}"
    return f"{bucket} <span style='font-size:11px;color:#6B7280'>({total})</span>"


def transition_heatmap(cells: pd.DataFrame, measure: str, title: str, sub: str, from_label: str,
                       to_label: str, lang: str = "zh", height: int = 470) -> go.Figure:
    """The t−1 → t matrix of `cells` (views_migration.matrix_cells): from-bucket rows in scheme order,
    to-bucket columns plus exited; z is `measure`, every cell's hover gives all four values."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}")
    if cells.empty or cells["loans"].sum() == 0:
        return empty_figure(t("No loans at t−1 in the selected filters.", lang))
    rows = cells.drop_duplicates("from_idx").sort_values("from_idx")
    cols = cells.drop_duplicates("to_idx")
    cols = cols.assign(order=np.where(cols["to_idx"] < 0, 1_000, cols["to_idx"])).sort_values("order")
    wide = {m: cells.pivot(index="from_idx", columns="to_idx", values=m)
            .reindex(index=rows["from_idx"], columns=cols["to_idx"]) for m in MEASURES}
    z = wide[measure].to_numpy(dtype=float)
    custom = np.stack([wide[m].to_numpy(dtype=float) for m in MEASURES], axis=-1)
    totals = cells.groupby("from_idx")[["loans", "exposure_from"]].sum()
    y = rows["from_bucket"].tolist()
    ticks = [_row_label(r.from_bucket, int(totals.at[r.from_idx, "loans"]),
                        float(totals.at[r.from_idx, "exposure_from"]), measure, lang) for r in rows.itertuples()]
    x = [t(b, lang) for b in cols["to_bucket"]]
    share = measure.startswith("share")
    stops = _SHARE_STOPS if share else _LOG_STOPS
    zmax = 1.0 if share else max(float(np.nanmax(z)), 1.0)
    hover = (f"{t('From', lang)} %{{y}} → {t('to', lang)} %{{x}}<br>"
             f"{t('Loans', lang)}: %{{customdata[0]:,.0f}}<br>"
             f"{t('Balance at t−1', lang)}: ¥%{{customdata[1]:,.2f}}<br>"
             f"{t('Share of row by count', lang)}: %{{customdata[2]:.2%}}<br>"
             f"{t('Share of row by balance', lang)}: %{{customdata[3]:.2%}}<extra></extra>")
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, customdata=custom, zmin=0, zmax=zmax, colorscale=[[p, c] for p, c in stops],
        showscale=False, xgap=2, ygap=2, hovertemplate=hover, hoverongaps=False,
        text=[[_cell_text(v, measure, lang) for v in row] for row in z], texttemplate="%{text}",
        textfont={"size": 12}))
    # the diagonal (stayed in the same bucket) is outlined so that cures read left of it, rolls right
    for i in range(min(len(rows), len(cols) - 1)):
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line={"color": "#374151", "width": 1.2}, layer="above")
    # each row label carries the row total (the base of the row shares)
    fig.update_yaxes(autorange="reversed", title_text=from_label, showgrid=False, ticks="",
                     tickvals=y, ticktext=ticks)
    fig.update_xaxes(side="top", title_text=to_label, showgrid=False, ticks="")
    fig = themed(fig, title, sub, height=height, legend=False)
    fig.update_layout(margin={"t": 118})
    return fig


def _month_dtick(n_months: int, across: int = 1) -> str:
    """A month tick step that keeps 'YYYY-MM' labels apart in a panel 1/`across` of the page wide."""
    for step in (1, 2, 3, 6, 12):
        if n_months * across / step <= 14:
            return f"M{step}"
    return "M24"


def roll_cure_panels(df: pd.DataFrame, titles: dict[int, str], title: str, sub: str, lang: str = "zh",
                     cols: int = 4, marks: dict[str, dict] | None = None) -> go.Figure:
    """Small multiples, one panel per from-bucket of `df` (views_migration.roll_cure_series): its roll
    rate as a solid line in the bucket's colour, its cure rate dotted in M0's colour (cured = back
    to M0). Each panel has its own scale: M0 rolls ~2% while M6 rolls ~90%."""
    if df.empty or df[["roll_rate", "cure_rate"]].notna().sum().sum() == 0:
        return empty_figure(t("No data in the selected filters.", lang))
    buckets = df.drop_duplicates("from_idx").sort_values("from_idx")
    rows = -(-len(buckets) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=True, vertical_spacing=0.12,
                        horizontal_spacing=0.045,
                        subplot_titles=[titles.get(i, b) for i, b in zip(buckets["from_idx"], buckets["from_bucket"])])
    roll_name, cure_name = t("Roll rate", lang), t("Cure rate", lang)
    for n, (idx, bucket) in enumerate(zip(buckets["from_idx"], buckets["from_bucket"])):
        g = df[df["from_idx"] == idx]
        r, c = n // cols + 1, n % cols + 1
        for col, name, line in (("roll_rate", roll_name, {"color": bucket_color(idx), "width": 2}),
                                ("cure_rate", cure_name, {"color": bucket_color(0), "width": 2, "dash": "dot"})):
            if g[col].notna().any():
                fig.add_trace(go.Scatter(
                    x=g["to_month"], y=g[col], name=name, mode="lines+markers", line=line,
                    marker={"size": 3}, legendgroup=col, showlegend=False,
                    hovertemplate=f"{bucket} {name} · %{{x|%Y-%m}}: %{{y:.2%}}<extra></extra>"), row=r, col=c)
        mark = (marks or {}).get(bucket)
        if mark:  # the rules watching this bucket's roll or cure rate: limits and breaching points
            add_thresholds(fig, mark["thresholds"], lang, row=r, col=c)
            add_breach_points(fig, mark["points"], lang, showlegend=False, row=r, col=c)
        top = float(g[["roll_rate", "cure_rate"]].max().max())
        fig.update_yaxes(tickformat=".1%" if 0 < top < 0.1 else ".0%", rangemode="tozero", row=r, col=c)
    # legend keys only: what solid and dotted mean
    for name, line in ((roll_name, {"color": "#4B5563", "width": 2}),
                       (cure_name, {"color": bucket_color(0), "width": 2, "dash": "dot"})):
        fig.add_trace(go.Scatter(x=[None], y=[None], name=name, mode="lines", line=line,
                                 hoverinfo="skip"), row=1, col=1)
    fig.update_xaxes(tickformat="%Y-%m", dtick=_month_dtick(df["to_month"].nunique(), cols))
    fig.update_annotations(font={"size": 12, "color": "#374151"})
    fig.update_layout(hovermode="closest")
    fig = themed(fig, title, sub, height=200 + 210 * rows)
    fig.update_layout(margin={"t": 104, "b": 40}, legend={"y": -0.06})
    return fig


def early_flow_lines(fr: pd.DataFrame, title: str, sub: str, lang: str = "zh", steps: int = 2,
                     height: int = 380, marks: dict[str, dict] | None = None) -> go.Figure:
    """The first `steps` flow rates (M0→M1, M1→M2) over time, one panel each (their scales differ
    twenty-fold), in the colour of the bucket they flow into."""
    d = fr[(fr["grp"] == "ALL") & (fr["from_idx"] < steps)]
    if d.empty or d["flow_rate"].notna().sum() == 0:
        return empty_figure(t("No flow rates: they need two consecutive months.", lang))
    names = [f"{a}→{b}" for a, b in d.drop_duplicates("from_idx").sort_values("from_idx")[
        ["from_bucket", "to_bucket"]].itertuples(index=False)]
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.1)
    for i, ((idx, _), g) in enumerate(d.groupby(["from_idx", "from_bucket"], sort=True)):
        fig.add_trace(go.Scatter(
            x=g["snapshot_month"], y=g["flow_rate"], name=names[i], mode="lines+markers",
            line={"color": bucket_color(idx + 1), "width": 2}, marker={"size": 4},
            hovertemplate=f"{names[i]} · %{{x|%Y-%m}}: %{{y:.2%}}<extra></extra>"), row=i + 1, col=1)
        mark = (marks or {}).get(g["from_bucket"].iloc[0])
        if mark:
            add_thresholds(fig, mark["thresholds"], lang, row=i + 1, col=1)
            add_breach_points(fig, mark["points"], lang, showlegend=False, row=i + 1, col=1)
        fig.update_yaxes(title_text=names[i], tickformat=".1%" if idx == 0 else ".0%",
                         rangemode="tozero", row=i + 1, col=1)
    fig.update_xaxes(tickformat="%Y-%m", dtick=_month_dtick(d["snapshot_month"].nunique(), 3))
    fig.update_layout(hovermode="closest")
    return themed(fig, title, sub, height=height, legend=False)
