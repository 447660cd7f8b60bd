"""Figures of the Collections page: cure rate by action × bucket, outcome mix per action, outcome
trend with the action mix, re-default after restructuring, and the loss projection with its backtest."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..collections import ACTION_LABELS, OUTCOME_LABELS, OUTCOMES, action_order
from ..i18n import t
from .base import ALL_COLOR, GROUP_PALETTE, SPECIAL_COLORS, bucket_color, empty_figure, money_scale, themed

ACTION_COLORS = {"none": "#9E9E9E", "sms": "#1E88E5", "phone": "#F4511E", "outsourced": "#6D4C41",
                 "legal": "#3949AB", "ALL": ALL_COLOR}
# cured in M0's green, a partial cure paler, staying grey, rolling in M4's red, exits as everywhere
OUTCOME_COLORS = {"cured": bucket_color(0), "rolled_back": "#A5D6A7", "stayed": "#CFD8DC",
                  "rolled": bucket_color(4), "exited": SPECIAL_COLORS["exited"]}
EVENT_COLORS = {"restructured": bucket_color(4), "cured": bucket_color(0)}
_CURE_STOPS = [(0.0, "#FFFFFF"), (0.02, "#F1F8E9"), (0.1, "#C5E1A5"), (0.3, "#7CB342"), (0.6, "#2E7D32"),
               (1.0, "#1B5E20")]


def action_color(action: str) -> str:
    if action in ACTION_COLORS:
        return ACTION_COLORS[action]
    return GROUP_PALETTE[sum(map(ord, action)) % len(GROUP_PALETTE)]


def action_label(action: str, lang: str) -> str:
    """'phone' -> 'Phone call' / '电话'; values the data adds are shown as they are."""
    return t("All actions", lang) if action == "ALL" else t(ACTION_LABELS.get(action, action), lang)


def cure_heatmap(grid: pd.DataFrame, title: str, sub: str, lang: str = "zh", height: int = 380) -> go.Figure:
    """Cure rate of each action (rows, 'All actions' on top) in each from-bucket (columns) of `grid`
    (collections.cure_grid); every cell shows the rate and the loans it rests on."""
    if grid.empty:
        return empty_figure(t("No delinquent loans in the selected filters.", lang))
    actions = action_order(grid["action"].unique())
    cols = grid.drop_duplicates("from_idx").sort_values("from_idx")["from_bucket"].astype(str).tolist()
    wide = {c: grid.pivot_table(index="action", columns="from_bucket", values=c, aggfunc="sum", observed=True,
                                dropna=False).reindex(index=actions, columns=cols)
            for c in ("cure_rate", "loans", "exposure", "cured_loans")}
    z = wide["cure_rate"].to_numpy(dtype=float)
    loans = wide["loans"].to_numpy(dtype=float)
    z = np.where(loans > 0, z, np.nan)
    custom = np.stack([loans, wide["exposure"].to_numpy(dtype=float), wide["cured_loans"].to_numpy(dtype=float)],
                      axis=-1)
    text = [["" if np.isnan(r) else f"{r:.1%}<br><span style='font-size:10px'>n={int(n):,}</span>"
             for r, n in zip(zr, nr)] for zr, nr in zip(z, loans)]
    y = [action_label(a, lang) for a in actions]
    hover = (f"%{{y}} · %{{x}}<br>{t('Cure rate', lang)}: %{{z:.2%}}<br>{t('Loans', lang)}: %{{customdata[0]:,.0f}}"
             f"<br>{t('Cured loans', lang)}: %{{customdata[2]:,.0f}}<br>{t('Exposure at t−1', lang)}: "
             f"¥%{{customdata[1]:,.2f}}<extra></extra>")
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=y, customdata=custom, zmin=0, zmax=max(float(np.nanmax(z)) if np.isfinite(z).any() else 1, 0.05),
        colorscale=[[p, c] for p, c in _CURE_STOPS], showscale=False, xgap=2, ygap=2, hoverongaps=False,
        hovertemplate=hover, text=text, texttemplate="%{text}", textfont={"size": 12}))
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_xaxes(side="top", showgrid=False, ticks="", title_text=t("Bucket at t−1", lang))
    fig = themed(fig, title, sub, height=height, legend=False)
    fig.update_layout(margin={"t": 128})
    return fig


def outcome_bars(mix: pd.DataFrame, basis: str, title: str, sub: str, lang: str = "zh") -> go.Figure:
    """One horizontal bar per action of `mix` (collections.outcome_mix, one from-bucket), split into
    the next month's outcomes as shares of the action's loans (or t−1 exposure)."""
    if mix.empty:
        return empty_figure(t("No loans in this bucket in the selected filters.", lang))
    actions = action_order(mix["action"].unique())
    labels = {a: f"{action_label(a, lang)} <span style='font-size:11px;color:#6B7280'>(n={n:,})</span>"
              for a, n in mix.drop_duplicates("action").set_index("action")["loans"].items()}
    fig = go.Figure()
    value_fmt = "%{customdata[0]:,.0f}" if basis == "count" else "¥%{customdata[0]:,.2f}"
    for o in OUTCOMES:
        d = mix[mix["outcome"] == o].set_index("action").reindex(actions)
        name = t(OUTCOME_LABELS[o], lang)
        fig.add_trace(go.Bar(
            y=[labels[a] for a in actions], x=d["share"], name=name, orientation="h",
            marker_color=OUTCOME_COLORS[o], customdata=np.stack([d["value"].to_numpy(float)], axis=-1),
            text=[f"{s:.0%}" if s >= 0.06 else "" for s in d["share"].fillna(0)], textposition="inside",
            insidetextanchor="middle",
            hovertemplate=f"%{{y}}<br>{name}: %{{x:.2%}} ({value_fmt})<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig = themed(fig, title, sub, height=200 + 46 * len(actions))
    # the legend reads in outcome order (best to worst), below the axis labels
    fig.update_layout(legend={"traceorder": "normal", "y": -0.2, "yanchor": "top"}, margin={"b": 70})
    return fig


def outcome_trend(trend: pd.DataFrame, rate_name: str, basis: str, title: str, sub: str, lang: str = "zh",
                  height: int = 520) -> go.Figure:
    """Top: the outcome's rate per action and for all actions (bold) by to-month; bottom: each action's
    share of the bucket (the action mix), so that a change of policy and its effect read together."""
    if trend.empty or trend["rate"].notna().sum() == 0:
        return empty_figure(t("No loans in this bucket in the selected filters.", lang))
    actions = action_order(trend["action"].unique())
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.6, 0.4],
                        subplot_titles=[rate_name, t("Action mix: share of the bucket's loans", lang)
                                        if basis == "count" else t("Action mix: share of the bucket's exposure", lang)])
    for a in [x for x in actions if x != "ALL"] + (["ALL"] if "ALL" in actions else []):
        d = trend[trend["action"] == a].sort_values("to_month")
        name = action_label(a, lang)
        fig.add_trace(go.Scatter(
            x=d["to_month"], y=d["rate"], name=name, mode="lines+markers", legendgroup=a,
            line={"color": action_color(a), "width": 3.5 if a == "ALL" else 2}, marker={"size": 4},
            customdata=np.stack([d["loans"].to_numpy(float), d["from_month"].astype(str).str[:7]], axis=-1),
            hovertemplate=f"{name} · %{{customdata[1]}} → %{{x|%Y-%m}}: %{{y:.2%}} "
                          f"(n=%{{customdata[0]:,.0f}})<extra></extra>"), row=1, col=1)
        if a != "ALL":
            fig.add_trace(go.Bar(
                x=d["to_month"], y=d["mix"], name=name, legendgroup=a, showlegend=False,
                marker_color=action_color(a),
                hovertemplate=f"{name} · %{{x|%Y-%m}}: %{{y:.1%}}<extra></extra>"), row=2, col=1)
    fig.update_layout(barmode="stack", bargap=0.15, hovermode="closest")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1], row=2, col=1)
    fig.update_xaxes(tickformat="%Y-%m", dtick="M3")
    fig.update_annotations(font={"size": 12, "color": "#374151"}, x=0, xanchor="left")
    fig = themed(fig, title, sub, height=height)
    fig.update_layout(margin={"t": 100})
    return fig


def redefault_lines(curve: pd.DataFrame, title: str, sub: str, lang: str = "zh", height: int = 400) -> go.Figure:
    """Cumulative re-default rate by months since the event: restructured loans against loans that
    cured without a repayment plan (collections.redefault_curve)."""
    if curve.empty or curve["redefault_rate"].notna().sum() == 0:
        return empty_figure(t("No restructured loans in the selected filters.", lang))
    fig = go.Figure()
    names = {"restructured": t("Restructured", lang), "cured": t("Cured without restructuring", lang)}
    for event in ("restructured", "cured"):
        d = curve[curve["event"] == event].sort_values("k")
        if d.empty:
            continue
        fig.add_trace(go.Scatter(
            x=d["k"], y=d["redefault_rate"], name=names[event], mode="lines+markers",
            line={"color": EVENT_COLORS[event], "width": 2.5}, marker={"size": 6},
            customdata=np.stack([d["at_risk"], d["reached_at"], d["observed"]], axis=-1),
            hovertemplate=f"{names[event]} · k = %{{x}}: %{{y:.2%}}<br>{t('At risk', lang)}: %{{customdata[0]:,}}"
                          f" · {t('re-defaulted at k', lang)}: %{{customdata[1]:,}}"
                          f" · {t('observed', lang)}: %{{customdata[2]:,}}<extra></extra>"))
    fig.update_xaxes(title_text=t("Months since the event", lang), dtick=1)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_layout(hovermode="closest")
    fig = themed(fig, title, sub, height=height)
    # inside the plot's top-left corner: the curves start low there, and the axis title stays clear
    fig.update_layout(legend={"orientation": "v", "x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top",
                              "bgcolor": "rgba(255,255,255,0.85)"})
    return fig


def projection_chart(history: pd.DataFrame, projected: pd.DataFrame, names: dict[str, str], title: str,
                     sub: str, lang: str = "zh", height: int = 400) -> go.Figure:
    """Actual exposure (solid) and its projection (dashed, from the last actual month) of the two
    targets: 'last' (write-off bucket) and 'npl' (M4+). Both frames: month, target, exposure."""
    if projected.empty:
        return empty_figure(t("No flow rates: they need two consecutive months.", lang))
    peak = float(pd.concat([history["exposure"], projected["exposure"]]).abs().max() or 0)
    div, unit = money_scale(peak, lang)
    colors = {"last": bucket_color(7), "npl": bucket_color(4)}
    fig = go.Figure()
    for target in ("npl", "last"):
        h = history[history["target"] == target].sort_values("month")
        p = projected[projected["target"] == target].sort_values("month")
        for d, dash, suffix in ((h, None, ""), (p, "dash", f" · {t('projected', lang)}")):
            fig.add_trace(go.Scatter(
                x=d["month"], y=d["exposure"] / div, customdata=d["exposure"], name=names[target] + suffix,
                mode="lines+markers", line={"color": colors[target], "width": 2.5, "dash": dash},
                marker={"size": 5, "symbol": "circle-open" if dash else "circle"},
                hovertemplate=f"{names[target]}{suffix} · %{{x|%Y-%m}}: ¥%{{customdata:,.2f}}<extra></extra>"))
    fig.update_xaxes(tickformat="%Y-%m", dtick="M2")
    fig.update_yaxes(tickformat=",.3~r", ticksuffix=unit, rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return themed(fig, title, sub, height=height)


def backtest_errors(summary: pd.DataFrame, names: dict[str, str], title: str, sub: str, lang: str = "zh",
                    height: int = 360) -> go.Figure:
    """Mean absolute % error (bars) and bias (markers) of the projection by horizon k, per target."""
    if summary.empty:
        return empty_figure(t("Not enough months to backtest the projection.", lang))
    colors = {"last": bucket_color(7), "npl": bucket_color(4)}
    fig = go.Figure()
    for target in ("npl", "last"):
        d = summary[summary["target"] == target].sort_values("k")
        fig.add_trace(go.Bar(
            x=d["k"], y=d["mape"], name=f"{names[target]} · {t('mean absolute error', lang)}",
            marker_color=colors[target], offsetgroup=target, customdata=d["origins"],
            hovertemplate=f"{names[target]} · k = %{{x}}: %{{y:.2%}} (%{{customdata}} {t('origins', lang)})"
                          "<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=d["k"], y=d["bias"], name=f"{names[target]} · {t('bias', lang)}", mode="markers",
            marker={"color": colors[target], "symbol": "diamond-open", "size": 11, "line": {"width": 2}},
            hovertemplate=f"{names[target]} · k = %{{x}} · {t('bias', lang)}: %{{y:+.2%}}<extra></extra>"))
    fig.add_hline(y=0, line_color="#9CA3AF", line_width=1)
    fig.update_xaxes(dtick=1, tickprefix="k = ")
    fig.update_yaxes(tickformat=".0%")
    fig.update_layout(barmode="group", hovermode="closest")
    return themed(fig, title, sub, height=height)


def backtest_lines(bt: pd.DataFrame, k: int, names: dict[str, str], title: str, sub: str, lang: str = "zh",
                   height: int = 360) -> go.Figure:
    """Actual exposure per month against the projection made k months earlier, per target."""
    d = bt[bt["k"] == k]
    if d.empty:
        return empty_figure(t("Not enough months to backtest the projection.", lang))
    div, unit = money_scale(float(d[["actual", "projected"]].abs().max().max()), lang)
    colors = {"last": bucket_color(7), "npl": bucket_color(4)}
    fig = go.Figure()
    for target in ("npl", "last"):
        g = d[d["target"] == target].sort_values("month")
        for col, dash, suffix in (("actual", None, t("actual", lang)),
                                  ("projected", "dash", t("projected {k} months earlier", lang, k=k))):
            fig.add_trace(go.Scatter(
                x=g["month"], y=g[col] / div, name=f"{names[target]} · {suffix}", mode="lines+markers",
                line={"color": colors[target], "width": 2, "dash": dash}, marker={"size": 4},
                customdata=np.stack([g[col], g["pct_error"]], axis=-1),
                hovertemplate=f"{names[target]} · {suffix} · %{{x|%Y-%m}}: ¥%{{customdata[0]:,.2f}}"
                              + (f" ({t('error', lang)} %{{customdata[1]:+.2%}})" if dash else "")
                              + "<extra></extra>"))
    fig.update_xaxes(tickformat="%Y-%m", dtick="M6")
    fig.update_yaxes(tickformat=",.3~r", ticksuffix=unit, rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return themed(fig, title, sub, height=height)
