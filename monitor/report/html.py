"""The monthly report as one A4 print HTML page: masthead (month, source, generation time, scheme,
filters), the plain-language summary, the headline cards, the 12-month trends as inline vector SVG
(Plotly through kaleido), the table by product, the month's breaches and the biggest movers.

Chromium prints it to PDF (pdf.py). The CSS declares the CJK font Debian's fonts-noto-cjk installs.
"""
from __future__ import annotations

import threading
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .. import fmt
from ..charts.overview import kpi_trend
from ..definitions import load_definitions
from ..i18n import DIM_LABELS, t
from ..views_overview import Kpi, change_color, change_text, value_text
from . import text
from .model import MonthlySummary

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
#: Trend charts, in CSS pixels (96 per inch): three fit across the 182 mm text width of A4.
CHART_W, CHART_H = 224, 176
RED, GREEN, GRAY = "#B91C1C", "#15803D", "#6B7280"

# --- charts through one kaleido server per process -----------------------------------------------
_KALEIDO = threading.Lock()  # the sync server answers one call at a time: serialise callers
_started = False


def figure_svg(fig: go.Figure, width: int, height: int) -> str:
    """The figure as an SVG element (vector text and lines), rendered by the process's one kaleido
    server (started on first use, reused after: a cold start costs seconds, a warm call ~0.3 s)."""
    global _started
    import kaleido
    with _KALEIDO:
        if not _started:
            kaleido.start_sync_server(silence_warnings=True)
            _started = True
        raw = kaleido.calc_fig_sync(fig, opts={"format": "svg", "width": width, "height": height})
    svg = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    return svg[svg.find("<svg"):]


def trend_figure(s: MonthlySummary, level: str, lang: str) -> go.Figure:
    """The Overview's 12-month trend of `level`, restyled for print: the title moves into the HTML
    caption, the margins and fonts shrink to the printed size."""
    scheme = load_definitions().scheme(s.scope.scheme)
    fig = kpi_trend(s.trend, level, level, "", lang, "rate", scheme.level_index(level), height=CHART_H)
    fig.update_layout(title={"text": ""}, margin={"l": 4, "r": 10, "t": 14, "b": 4},
                      font={"size": 10}, width=CHART_W)
    fig.update_traces(textfont={"size": 10}, selector={"mode": "markers+text"})
    # quarterly ticks, held off the axes so the first month and the 0% label never touch
    fig.update_xaxes(dtick="M3", ticklabelstandoff=3)
    fig.update_yaxes(ticklabelstandoff=3)
    return fig


# --- small pieces ------------------------------------------------------------------------------------
def _e(x) -> str:
    return escape(str(x))


def _change_span(delta, kind: str, shown: str | None, up_is_bad: bool = True) -> str:
    if shown is None:
        return f'<span class="muted">{_e("—")}</span>'
    color = {"red": RED, "green": GREEN}.get(change_color(delta, kind, up_is_bad), GRAY)
    return f'<span style="color:{color}">{_e(shown)}</span>'


def _pp_cell(x) -> str:
    if x is None or pd.isna(x):
        return '<td class="num muted">—</td>'
    x = 0.0 if abs(x) < 0.00005 else float(x)
    cls = "up" if x > 0 else "down" if x < 0 else ""
    return f'<td class="num {cls}">{_e(fmt.pp(x))}</td>'


def _card(k: Kpi, label: str, lang: str, available: bool = True) -> str:
    if not available:
        return (f'<div class="card"><div class="label">{_e(label)}</div><div class="value muted">—</div>'
                f'<div class="delta muted">{_e(t("Missing column: overdue_amount", lang))}</div></div>')
    bad = k.key != "exposure"  # a larger book is neither good nor bad
    mom = change_text(k, "mom")
    yoy = change_text(k, "yoy")
    mom_html = (_change_span(k.mom, k.kind, mom, bad) if mom else
                f'<span class="muted">{_e(t("no previous month", lang) if not k.has_prev else "—")}</span>')
    yoy_html = (_change_span(k.yoy, k.kind, yoy, bad) if yoy else
                f'<span class="muted">{_e(t("no data a year earlier", lang) if not k.has_year_ago else "—")}</span>')
    return (f'<div class="card"><div class="label">{_e(label)}</div>'
            f'<div class="value">{_e(value_text(k, lang))}</div>'
            f'<div class="delta">{_e(t("MoM", lang))} {mom_html}</div>'
            f'<div class="delta">{_e(t("YoY", lang))} {yoy_html}</div></div>')


def _labels(s: MonthlySummary, lang: str) -> dict[str, str]:
    out = {"exposure": t("Exposure", lang), "overdue_amount": t("Overdue amount", lang)}
    for lv in s.levels:
        out[lv] = f"{lv} {t('Overdue rate', lang)}"
    return out


# --- sections ----------------------------------------------------------------------------------------
def _masthead(s: MonthlySummary, lang: str) -> str:
    scheme = load_definitions().scheme(s.scope.scheme)
    rows = [
        (t("Report month", lang), f"{s.month:%Y-%m}"),
        (t("Data source", lang), s.source),
        (t("Generated", lang), f"{s.generated:%Y-%m-%d %H:%M}"),
        (t("Bucket scheme", lang), scheme.label(lang)),
        (t("Filters", lang), text.filters_text(s.scope, lang)),
        (t("Basis", lang), t("Rates by balance, coincident; MoM vs {prev}, YoY vs {year}", lang,
                             prev=f"{s.prev_month:%Y-%m}", year=f"{s.year_month:%Y-%m}")),
    ]
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return (f'<header class="masthead"><div class="brand">{_e(t("Loan Portfolio Monitor", lang))}</div>'
            f'<h1>{_e(t("Monthly delinquency report", lang))}<span class="month">{s.month:%Y-%m}</span></h1>'
            f'<table class="meta">{meta}</table></header>')


def _summary(s: MonthlySummary, lang: str) -> str:
    sentences = text.summary(s, lang)
    body = "".join(f"<p>{_e(x)}</p>" for x in sentences)
    return f'<section class="summary"><h2>{_e(t("Summary", lang))}</h2>{body}</section>'


def _cards(s: MonthlySummary, lang: str) -> str:
    labels = _labels(s, lang)
    cards = "".join(_card(k, labels[k.key], lang, k.key != "overdue_amount" or s.has_amount) for k in s.cards)
    return f'<section class="cards">{cards}</section>'


def _trends(s: MonthlySummary, lang: str) -> str:
    scheme = load_definitions().scheme(s.scope.scheme)
    cells = []
    for lv in s.levels:
        svg = figure_svg(trend_figure(s, lv, lang), CHART_W, CHART_H)
        cells.append(f'<figure><figcaption><b>{_e(lv)} {_e(t("Overdue rate", lang))}</b> '
                     f'<span class="muted">{_e(t("DPD ≥ {edge}", lang, edge=scheme.level_edge(lv)))}</span>'
                     f'</figcaption>{svg}</figure>')
    caption = t("Last 12 months to {month}; by balance, coincident; {scheme}.", lang,
                month=f"{s.month:%Y-%m}", scheme=scheme.label(lang))
    return (f'<section class="trends"><h2>{_e(t("12-month trends", lang))}</h2>'
            f'<div class="charts">{"".join(cells)}</div><p class="caption">{_e(caption)}</p></section>')


def _product_table(s: MonthlySummary, lang: str) -> str:
    tb = s.table
    yoy = any(tb[f"{lv} YoY"].notna().any() for lv in s.levels)
    per = 3 if yoy else 2
    head1 = (f'<tr><th rowspan="2" class="left">{_e(t("Product", lang))}</th>'
             f'<th rowspan="2">{_e(t("Exposure", lang))}</th><th rowspan="2">{_e(t("Loans", lang))}</th>'
             + "".join(f'<th colspan="{per}" class="group">{_e(lv)}</th>' for lv in s.levels) + "</tr>")
    sub = [t("Overdue rate", lang), t("MoM", lang)] + ([t("YoY", lang)] if yoy else [])
    head2 = "<tr>" + "".join(f"<th>{_e(x)}</th>" for _ in s.levels for x in sub) + "</tr>"
    rows = []
    for _, row in tb.iterrows():
        name = t("All", lang) if row["grp"] == "ALL" else row["grp"]
        cells = [f'<td class="left">{_e(name)}</td>', f'<td class="num">{_e(fmt.money(row["exposure"], lang))}</td>',
                 f'<td class="num">{_e(fmt.count(row["loans"]))}</td>']
        for lv in s.levels:
            cells.append(f'<td class="num rate">{_e(fmt.pct(row[lv]))}</td>')
            cells.append(_pp_cell(row[f"{lv} MoM"]))
            if yoy:
                cells.append(_pp_cell(row[f"{lv} YoY"]))
        cls = ' class="total"' if row["grp"] == "ALL" else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    caption = t("Rates by balance, coincident. Changes in percentage points: red = the rate rose "
                "(a worsening), green = it fell.", lang)
    title = t("By product, {month}", lang, month=f"{s.month:%Y-%m}")
    return (f'<section class="block"><h2>{_e(title)}</h2>'
            f'<table class="grid"><thead>{head1}{head2}</thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="caption">{_e(caption)}</p></section>')


def _breaches(s: MonthlySummary, lang: str) -> str:
    title = t("Breaches in {month}", lang, month=f"{s.month:%Y-%m}")
    note = t("Each rule is evaluated on its own scope over the whole book; the filters above do not "
             "apply to it.", lang)
    if s.breaches.empty:
        body = f'<p class="statement">{_e(t("No rule was breached in {month}.", lang, month=f"{s.month:%Y-%m}"))}</p>'
    else:
        head = "".join(f"<th>{_e(t(x, lang))}</th>" for x in ("Severity", "What happened", "Since", "Owner"))
        rows = []
        for b in s.breaches.itertuples():
            msg = b.message_zh if lang == "zh" else b.message
            since = f"{b.since:%Y-%m}" if b.since is not None and not pd.isna(b.since) else "—"
            pill = text.severity_label(b.severity, lang)
            rows.append(f'<tr><td><span class="pill {b.severity}">{_e(pill)}</span></td>'
                        f'<td class="left msg">{_e(msg)}</td><td>{_e(since)}</td>'
                        f'<td class="left">{_e(s.owners.get(b.rule) or "—")}</td></tr>')
        body = (f'<table class="grid breaches"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')
    skipped = ""
    if s.skipped:
        skipped = f'<p class="caption">{_e(t("Not evaluated on this data:", lang))} {_e("; ".join(s.skipped))}</p>'
    return (f'<section class="block"><h2>{_e(title)}</h2>{body}<p class="caption">{_e(note)}</p>'
            f'{skipped}</section>')


def _movers(s: MonthlySummary, lang: str) -> str:
    title = t("Biggest movers", lang)
    if not s.has_prev:
        body = f'<p class="statement">{_e(t("No previous month in the book: movers need two months.", lang))}</p>'
    elif s.movers.empty:
        body = f'<p class="statement">{_e(t("No product or segment moved by 0.01 pp or more.", lang))}</p>'
    else:
        head = (f'<tr><th class="left">{_e(t("Dimension", lang))}</th>'
                f'<th class="left">{_e(t("Dimension value", lang))}</th>'
                f'<th>{_e(t("Share of exposure", lang))}</th>'
                + "".join(f'<th>{_e(lv)}</th><th>{_e(t("MoM", lang))}</th>' for lv in ("M1+", "M2+")) + "</tr>")
        rows = []
        for _, r in s.movers.iterrows():
            cells = [f'<td class="left">{_e(t(DIM_LABELS.get(r["dim"], r["dim"]), lang))}</td>',
                     f'<td class="left">{_e(r["value"])}</td>', f'<td class="num">{_e(fmt.pct(r["share"], 1))}</td>']
            for lv in ("M1+", "M2+"):
                cells.append(f'<td class="num rate">{_e(fmt.pct(r[lv]))}</td>')
                cells.append(_pp_cell(r[f"{lv} MoM"]))
            rows.append(f"<tr>{''.join(cells)}</tr>")
        body = f'<table class="grid"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
    caption = t("Products, regions, channels and customer segments holding at least 1% of the exposure, "
                "ranked by the larger of their M1+ and M2+ month-on-month change.", lang)
    if s.movers_note:
        dims = ", ".join(t(DIM_LABELS.get(d, d), lang) for d in s.movers_note.split(","))
        caption += " " + t("Not ranked (the segment filter reads one segment at a time): {dims}.", lang, dims=dims)
    return f'<section class="block"><h2>{_e(title)}</h2>{body}<p class="caption">{_e(caption)}</p></section>'


def _notes(s: MonthlySummary, lang: str) -> str:
    scheme = load_definitions().scheme(s.scope.scheme)
    levels = ("，" if lang == "zh" else ", ").join(
        f"{lv} = {t('DPD', lang)} ≥ {scheme.level_edge(lv)}" for lv in s.levels)
    body = t("Definitions ({scheme}): {levels}. Overdue rate = exposure of loans at the level / total "
             "exposure in the month (by balance, coincident); exposure = greatest(balance, 0). Changes of "
             "rates are in percentage points (pp), changes of amounts in per cent.", lang,
             scheme=scheme.label(lang), levels=levels)
    return f'<footer class="notes"><p>{_e(body)}</p></footer>'


#: The print stylesheet (A4, the CJK font, the footer with page numbers); %-placeholders filled in render().
CSS = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")


def render(s: MonthlySummary, lang: str) -> str:
    """The whole report as one HTML document (UTF-8, inline SVG, no external resources)."""
    footer = t("Loan Portfolio Monitor", lang) + " · " + t("Monthly delinquency report", lang) + f" {s.month:%Y-%m}"
    css = CSS % {"font": FONT_STACK, "footer": footer.replace('"', "'"), "chart_w": CHART_W,
                 "red": RED, "green": GREEN}
    parts = [_masthead(s, lang), _summary(s, lang)]
    if s.has_data:
        parts += [_cards(s, lang), _trends(s, lang), _product_table(s, lang)]
    parts.append(_breaches(s, lang))
    if s.has_data:
        parts.append(_movers(s, lang))
    parts.append(_notes(s, lang))
    title = f"{t('Monthly delinquency report', lang)} {s.month:%Y-%m}"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{css}</style></head><body>{''.join(parts)}</body></html>")
