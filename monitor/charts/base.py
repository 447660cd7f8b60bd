"""The shared look: theme, bucket and group colours, subtitles and threshold overlays."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from ..i18n import t

FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, Helvetica, Arial, sans-serif"

# One colour per bucket index everywhere (M0 green through M7 charcoal); exited / new apart.
BUCKET_COLORS = {
    0: "#2E7D32", 1: "#F9A825", 2: "#EF6C00", 3: "#D84315",
    4: "#C62828", 5: "#8E24AA", 6: "#5E35B1", 7: "#37474F",
}
SPECIAL_COLORS = {"exited": "#90A4AE", "new": "#4FC3F7"}
GROUP_PALETTE = ("#1565C0", "#E65100", "#2E7D32", "#AD1457", "#6A1B9A", "#00838F", "#9E9D24",
                 "#4E342E", "#546E7A", "#D81B60", "#3949AB", "#00897B")
SEVERITY_COLORS = {"warn": "#F59E0B", "critical": "#DC2626"}
ALL_COLOR = "#111827"


def bucket_color(idx: int, name: str | None = None) -> str:
    if name in SPECIAL_COLORS:
        return SPECIAL_COLORS[name]
    return BUCKET_COLORS.get(int(idx), "#616161")


def group_colors(groups) -> dict[str, str]:
    """A stable colour per group name ('ALL' is always near-black); order-independent."""
    names = sorted({str(g) for g in groups if str(g) != "ALL"})
    out = {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(names)}
    out["ALL"] = ALL_COLOR
    return out


def subtitle(*parts: str) -> str:
    """'M2+ · by balance · coincident · China (M1 = DPD 1–30)'."""
    return " · ".join(p for p in parts if p)


def _house_template() -> go.layout.Template:
    """plotly_white, cut to the trace types we draw, with the house font and axes. A template is
    applied by plotly.js to every axis and trace, so a figure carries one small object instead of
    each figure validating its own copy of plotly_white (~20 ms of Python a figure, ×5–10 a page)."""
    white = pio.templates["plotly_white"]
    tpl = go.layout.Template(layout=white.layout)
    for kind in ("scatter", "bar", "heatmap"):
        setattr(tpl.data, kind, getattr(white.data, kind))
    tpl.layout.update(
        font={"family": FONT, "size": 13, "color": "#1F2937"},
        hoverlabel={"font": {"family": FONT}},
        separators=".,",
        xaxis={"showgrid": False, "automargin": True},
        yaxis={"gridcolor": "#E5E7EB", "automargin": True, "zeroline": False},
    )
    return tpl


HOUSE = "loan_monitor"
pio.templates[HOUSE] = _house_template()


def themed(fig: go.Figure, title: str, sub: str = "", height: int = 380,
           legend: bool = True) -> go.Figure:
    """Apply the house theme, a title and a subtitle naming level, basis and scheme."""
    fig.update_layout(
        template=HOUSE,
        title={"text": title, "subtitle": {"text": sub, "font": {"size": 12, "color": "#6B7280"}},
               "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 72 if sub else 50, "b": 10},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
    )
    return fig


def add_thresholds(fig: go.Figure, thresholds, lang: str = "zh", yformat: str = ".2%", **cell) -> go.Figure:
    """Draw a rule's warn and critical limits as horizontal lines (`cell`: row=, col= of a subplot).

    `thresholds`: iterable of dicts {value, severity ('warn'|'critical'), label}."""
    for th in thresholds or ():
        sev = th["severity"]
        fig.add_hline(**cell,
            y=th["value"], line_dash="dash" if sev == "warn" else "solid", line_width=1.5,
            line_color=SEVERITY_COLORS[sev],
            annotation_text=f"{th.get('label') or t(sev, lang)} {th['value']:{yformat}}",
            # critical above its line, warn below its line: the two labels never overlap
            annotation_position="top right" if sev == "critical" else "bottom right",
            annotation_font={"color": SEVERITY_COLORS[sev], "size": 11})
    return fig


def add_breach_points(fig: go.Figure, points, lang: str = "zh", yformat: str = ".2%",
                      showlegend: bool = True, **cell) -> go.Figure:
    """Mark breaching points. `points`: DataFrame with x, y, severity (and optional text);
    `cell`: row=, col= of a subplot."""
    if points is None or len(points) == 0:
        return fig
    for sev in ("warn", "critical"):
        p = points[points["severity"] == sev]
        if p.empty:
            continue
        fig.add_trace(go.Scatter(
            x=p["x"], y=p["y"], mode="markers", name=t(sev, lang),
            marker={"symbol": "circle-open", "size": 13, "line": {"width": 2.5},
                    "color": SEVERITY_COLORS[sev]},
            hovertext=p.get("text"), hovertemplate="%{hovertext}<extra></extra>"
            if "text" in p else f"%{{y:{yformat}}}<extra></extra>", showlegend=showlegend,
            legendgroup=f"breach_{sev}"), **cell)
    return fig


def empty_figure(message: str, height: int = 260) -> go.Figure:
    """A figure that says plainly why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6B7280"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return themed(fig, "", height=height, legend=False)


def money_scale(peak: float, lang: str) -> tuple[float, str]:
    """Divisor and unit for a CNY axis whose largest value is `peak`: 亿 / 万 in Chinese,
    B / M / K in English."""
    steps = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    return next(((d, u) for d, u in steps if abs(peak) >= d), (1.0, "元" if lang == "zh" else ""))


def month_axis(fig: go.Figure, n_months: int) -> go.Figure:
    """Readable month ticks: every month for short ranges, quarters or half-years for long ones."""
    dtick = "M1" if n_months <= 8 else "M3" if n_months <= 30 else "M6"
    fig.update_xaxes(tickformat="%Y-%m", dtick=dtick, tickangle=0)
    return fig
