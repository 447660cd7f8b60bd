"""Figures of the Vintage page: curves by cohort over months on book, and the cohort × MOB heatmap with
immature cells masked and unreached cells blank."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from ..i18n import t
from ..views_vintage import grid
from .base import SEVERITY_COLORS, empty_figure, themed

IMMATURE_FILL = "#E5E7EB"
IMMATURE_HATCH = "#9CA3AF"
# the hover's customdata, in order: cohort, snapshot month, then the cell's numbers
CUSTOM = ("cohort_text", "month", "level_exposure", "principal", "ever_loans", "cohort_loans")
RATE_SCALE = [[0.0, "#FFF7D6"], [0.15, "#FEE391"], [0.35, "#FDB863"], [0.6, "#F0803C"],
              [0.85, "#D7301F"], [1.0, "#8C1D18"]]


def cohort_colors(labels) -> dict[str, str]:
    """Oldest cohort light green through newest dark purple (viridis), so age reads at a glance."""
    ordered = sorted(set(labels))
    if len(ordered) == 1:
        return {ordered[0]: sample_colorscale("Viridis", [0.3])[0]}
    return dict(zip(ordered, sample_colorscale("Viridis", list(np.linspace(0.82, 0.0, len(ordered))))))


def _hover(basis: str, level: str, lang: str, axis: str = "y") -> str:
    """Exact hover of a vintage cell; customdata = [cohort, month, level exposure, principal,
    ever loans, cohort loans] (see `_custom`), the value on `axis` ('y' for curves, 'z' for cells)."""
    head = f"{t('Cohort', lang)} %{{customdata[0]}} · MOB %{{x}} (%{{customdata[1]}})<br>"
    if basis == "balance":
        return head + (f"{level} {t('balance / principal', lang)}: %{{{axis}:.2%}}<br>"
                       f"¥%{{customdata[2]:,.2f}} / ¥%{{customdata[3]:,.2f}}<extra></extra>")
    return head + (f"{t('Ever', lang)} {level}: %{{{axis}:.2%}}<br>"
                   f"%{{customdata[4]:,.0f}} / %{{customdata[5]:,.0f}} {t('loans', lang)}<extra></extra>")


def _custom(d: pd.DataFrame) -> np.ndarray:
    return np.column_stack([d["label"], pd.to_datetime(d["snapshot_month"]).dt.strftime("%Y-%m"),
                            *(d[c] for c in CUSTOM[2:])])


def vintage_curves(points: pd.DataFrame, basis: str, level: str, k: int, title: str, sub: str,
                   lang: str = "zh", panels: list[tuple[str, str]] | None = None, height: int = 480) -> go.Figure:
    """One line per cohort of `points` (views_vintage.curve_points): x = MOB, y = value; colour by
    cohort age; MOB < k (immature, left out) shaded. `panels` [(grp, panel title)] draws one panel
    per group with shared axes."""
    if points.empty or points["value"].notna().sum() == 0:
        return empty_figure(t("No mature vintage points for the chosen cohorts.", lang))
    panels = panels or [(str(points["grp"].iloc[0]), "")]
    cols = min(3, len(panels))
    rows = -(-len(panels) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=True,
                        vertical_spacing=0.14 if rows > 1 else 0.0, horizontal_spacing=0.03,
                        subplot_titles=[p[1] for p in panels] if len(panels) > 1 else None)
    colors = cohort_colors(points["label"])
    hover = _hover(basis, level, lang)
    for n, (grp, _) in enumerate(panels):
        r, c = n // cols + 1, n % cols + 1
        for label, g in points[points["grp"] == grp].groupby("label", sort=True):
            fig.add_trace(go.Scatter(
                x=g["mob"], y=g["value"], name=label, legendgroup=label, showlegend=n == 0,
                mode="lines+markers" if len(g) < 4 else "lines", line={"color": colors[label], "width": 2},
                marker={"size": 5}, customdata=_custom(g), hovertemplate=hover), row=r, col=c)
    if k > 0:  # the immature MOBs are left out, not drawn as 0: the band says why the curves start late
        fig.add_vrect(x0=-0.5, x1=k - 0.5, fillcolor=IMMATURE_FILL, opacity=0.6, line_width=0, layer="below",
                      row="all", col="all")
        fig.add_annotation(x=(k - 1) / 2, y=0.98, yref="y domain", text=t("immature", lang), showarrow=False,
                           font={"size": 10, "color": "#6B7280"}, yanchor="top", textangle=-90 if k < 3 else 0)
    # one y scale for every panel: groups are compared on the same footing
    fig.update_yaxes(tickformat=".1%", rangemode="tozero", matches="y")
    for c in range(2, cols + 1):
        fig.update_yaxes(showticklabels=False, col=c)
    fig.update_xaxes(rangemode="tozero")  # (an explicit x range breaks the y autorange of matched panels)
    fig.update_xaxes(title_text=t("Months on book (MOB)", lang), row=rows, dtick=6 if points["mob"].max() > 24 else 3)
    fig.update_layout(hovermode="closest")
    fig = themed(fig, title, sub, height=height if rows == 1 else 200 + 260 * rows)
    fig.update_layout(legend={"orientation": "v", "y": 1.0, "yanchor": "top", "x": 1.01, "xanchor": "left",
                              "title": {"text": t("Cohort", lang)}, "font": {"size": 11}, "tracegroupgap": 0})
    if len(panels) > 1:
        fig.update_layout(margin={"t": 104})
    return fig


def vintage_heatmap(cells: pd.DataFrame, basis: str, level: str, k: int, title: str, sub: str,
                    lang: str = "zh", breaches: pd.DataFrame | None = None) -> go.Figure:
    """Cohort rows (oldest at top) × MOB columns of `cells` (one group's vintage cells). Immature cells
    (MOB < k) are grey and hatched, never 0; cells a cohort has not reached stay blank. `breaches`
    (cohort label, mob, severity, text) outlines the cells that breach a vintage rule."""
    values, immature = grid(cells, basis)
    if values.empty:
        return empty_figure(t("No vintage cells in the selected filters.", lang))
    cohorts, mobs = list(values.index), list(values.columns)
    z = values.to_numpy(dtype=float)
    mask = immature.to_numpy(dtype=float) == 1
    d = cells.assign(label=pd.to_datetime(cells["cohort"]).dt.strftime("%Y-%m"),
                     month=pd.to_datetime(cells["snapshot_month"]).dt.strftime("%Y-%m"))
    d["cohort_text"] = d["label"]
    custom = np.stack([d.pivot(index="label", columns="mob", values=c).reindex(index=cohorts, columns=mobs)
                       .to_numpy(dtype=object) for c in CUSTOM], axis=-1)
    positive = z[np.isfinite(z) & (z > 0)]
    # the 98th percentile caps the colour scale, so that one outlying cell does not wash out the rest
    zmax = float(np.quantile(positive, 0.98)) if positive.size else 0.01
    small = len(mobs) <= 24  # values printed in the cells only while they stay legible
    fig = go.Figure()
    # immature cells: a grey layer under the rates, hatched by a diagonal marker in each cell
    fig.add_trace(go.Heatmap(
        z=np.where(mask, 1.0, np.nan), x=mobs, y=cohorts, colorscale=[[0, IMMATURE_FILL], [1, IMMATURE_FILL]],
        showscale=False, xgap=1, ygap=1, hoverongaps=False, customdata=custom,
        hovertemplate=f"{t('Cohort', lang)} %{{y}} · MOB %{{x}}: {t('immature', lang)} "
                      f"(MOB < {k})<extra></extra>"))
    value_name = f"{level} {t('balance / principal', lang)}" if basis == "balance" else f"{t('Ever', lang)} {level}"
    fig.add_trace(go.Heatmap(
        z=z, x=mobs, y=cohorts, customdata=custom, zmin=0, zmax=zmax, colorscale=RATE_SCALE,
        xgap=1, ygap=1, hoverongaps=False, name=value_name,
        colorbar={"title": {"text": value_name, "side": "right"}, "tickformat": ".1%", "thickness": 12},
        texttemplate="%{z:.1%}" if small else None, textfont={"size": 9},
        hovertemplate=_hover(basis, level, lang, "z")))
    ys, xs = np.nonzero(mask)
    if len(xs):
        fig.add_trace(go.Scatter(
            x=[mobs[i] for i in xs], y=[cohorts[j] for j in ys], mode="markers", hoverinfo="skip",
            name=f"{t('immature', lang)} (MOB < {k})", showlegend=True,
            marker={"symbol": "line-ne", "size": 9, "line": {"width": 1.2, "color": IMMATURE_HATCH}}))
    for sev in ("warn", "critical"):
        b = breaches[breaches["severity"] == sev] if breaches is not None and len(breaches) else None
        if b is not None and not b.empty:
            fig.add_trace(go.Scatter(
                x=b["mob"], y=b["cohort"], mode="markers", name=t(sev, lang), hovertext=b["text"],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={"symbol": "square-open", "size": 16, "line": {"width": 2.5},
                        "color": SEVERITY_COLORS[sev]}))
    fig.update_yaxes(autorange="reversed", type="category", title_text=t("Cohort (origination month)", lang),
                     showgrid=False, dtick=1 if len(cohorts) <= 40 else 3)
    fig.update_xaxes(title_text=t("Months on book (MOB)", lang), showgrid=False, dtick=1 if small else 3,
                     side="top", range=[mobs[0] - 0.5, mobs[-1] + 0.5])
    fig = themed(fig, title, sub, height=190 + 19 * len(cohorts))
    fig.update_layout(margin={"t": 130, "b": 40}, plot_bgcolor="#FFFFFF",
                      legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0, "xanchor": "left"})
    return fig
