"""Figures of the Alerts page: the month x rule history of breaches."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t
from .base import SEVERITY_COLORS, empty_figure, month_axis, themed

_LEVEL = {"warn": 1, "critical": 2}


def history_heatmap(breaches: pd.DataFrame, rules, months, lang: str = "zh",
                    title: str = "", sub: str = "") -> go.Figure:
    """Rules (rows) x months (columns): blank = no breach, amber = warn, red = critical."""
    if not rules:
        return empty_figure(t("No rules are loaded.", lang))
    names = {r.id: r.name(lang) for r in rules}
    ids = [r.id for r in rules]
    cols = [pd.Timestamp(m) for m in months]
    z = pd.DataFrame(0, index=ids, columns=cols, dtype="float64")
    text = pd.DataFrame("", index=ids, columns=cols)
    for b in breaches.itertuples():
        ts = pd.Timestamp(b.month)
        if b.rule in z.index and ts in z.columns:
            z.loc[b.rule, ts] = _LEVEL[b.severity]
            text.loc[b.rule, ts] = b.message_zh if lang == "zh" else b.message
    zz = z.where(z > 0)  # no breach: blank, not a colour
    fig = go.Figure(go.Heatmap(
        z=zz.to_numpy(), x=cols, y=[names[i] for i in ids], customdata=text.to_numpy(),
        zmin=1, zmax=2, showscale=False, xgap=2, ygap=2,
        colorscale=[[0, SEVERITY_COLORS["warn"]], [0.5, SEVERITY_COLORS["warn"]],
                    [0.5, SEVERITY_COLORS["critical"]], [1, SEVERITY_COLORS["critical"]]],
        hovertemplate="%{y}<br>%{x|%Y-%m}<br>%{customdata}<extra></extra>"))
    month_axis(fig, len(cols))
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title, sub, height=max(260, 46 * len(ids) + 120), legend=False)
