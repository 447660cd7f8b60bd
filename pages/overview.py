"""Overview: the executive monthly summary for the last month of the sidebar range, in its scope."""
import streamlit as st

from monitor import report
from monitor import views_overview as vo
from monitor.alerts import breaches_in
from monitor.charts.base import subtitle
from monitor.charts.overview import kpi_trend
from monitor.errors import UserError
from monitor.metrics import Scope
from monitor.report import exports
from monitor.report.pdf import chromium
from monitor.rule_links import applicable, breach_points, cell_severities, worst
from monitor.rules import parse_rules
from pages import common as ui
from pages import regulatory_views

v = ui.view()
scope, tr, lang, month = v.scope, ui.tr, ui.lang(), v.month
scheme = ui.load_definitions().scheme(scope.scheme)
levels = vo.headline_levels(scheme.levels)
has_amount = "overdue_amount" in v.columns
prev_m, year_m = vo.shift_month(month, -1), vo.shift_month(month, -12)

head, alert_box = st.columns([3, 1], vertical_alignment="bottom")
head.title(f"{tr('Overview')} · {month:%Y-%m}")
head.caption(f"**{tr('Report month')} {month:%Y-%m}** · "
             + tr("MoM vs {prev}, YoY vs {year}", prev=f"{prev_m:%Y-%m}", year=f"{year_m:%Y-%m}")
             + f" · {tr('by balance')} · {tr('coincident')} · {ui.filters_text(scope)}")

# 12 months back from the report month, whatever the range start: YoY needs the same month last year.
rates = ui.fetch("overdue_by_month", scope.with_months(year_m, month), group_by="product")
cards = vo.kpis(rates, month, levels, has_amount)
if cards[0].value is None:
    ui.no_data()
    st.stop()
table = vo.product_table(rates, month, levels)
worse = vo.worsened_products(table)

# The rules' breaches of the month: the count (to the Alerts page), the KPI colours, the table cells.
rules, allb = ui.rules(), ui.breaches()
now = breaches_in(allb, month)
n_crit = int((now["severity"] == "critical").sum())
with alert_box.container(border=True, key="overview_breaches"):
    st.metric(tr("Active breaches"), len(now), help=tr("Breaches of every rule in {month}; details on the Alerts page.",
                                                      month=f"{month:%Y-%m}"))
    st.page_link("pages/alerts.py", icon=":material/notifications_active:",
                 label=tr("{n} critical · {w} warn", n=n_crit, w=len(now) - n_crit) + " →",
                 query_params={k: st.query_params.get_all(k) for k in st.query_params})
cells = cell_severities(rules, allb, scope, month, "product", table["grp"], levels)
card_severity = {lv: cells.get(("ALL", lv)) for lv in levels}
card_severity["overdue_amount"] = worst(breach_points(
    allb, applicable(rules, scope, "none", ["ALL"], metric="overdue_amount"), lang, month, month))
st.markdown(vo.summary_sentence(cards, worse, month, lang))

LABELS = {"exposure": tr("Exposure"), "overdue_amount": tr("Overdue amount")}
HELP = {"exposure": tr("Total exposure at month-end: greatest(balance, 0) summed over the loans in scope."),
        "overdue_amount": tr("Sum of overdue_amount: the past-due part of every loan in scope.")}
for lv in levels:
    LABELS[lv] = f"{lv} {tr('Overdue rate')}"
    HELP[lv] = tr("Exposure of loans at DPD ≥ {edge} / total exposure in the month (coincident, by balance).",
                  edge=scheme.level_edge(lv))
# up is bad for rates and the overdue amount; the size of the book is neither good nor bad
UP_IS_BAD = {"exposure": False}

# a card's label wraps instead of ending in "…": "M1+ Overdue rate · Warn" is wider than a card
st.html("<style>[class*='st-key-overview_kpi_'] [data-testid='stMetricLabel'] * "
        "{white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}</style>")
for i, (col, k) in enumerate(zip(st.columns(len(cards)), cards)):
    sev = card_severity.get(k.key)
    if sev:  # the card turns amber (warn) or red (critical) when one of its rules breaches
        st.html(f"<style>.st-key-overview_kpi_{i} {{{vo.KPI_CARD_CSS[sev]}}}</style>")
    with col.container(border=True, key=f"overview_kpi_{i}"):
        bad = UP_IS_BAD.get(k.key, True)
        label = LABELS[k.key] + (f" :{'red' if sev == 'critical' else 'orange'}[**· {tr(sev)}**]" if sev else "")
        if k.key == "overdue_amount" and not has_amount:
            st.metric(label, "—", help=HELP[k.key])
            st.caption(tr("Missing column: overdue_amount"))
            continue
        mom = vo.change_text(k, "mom")
        st.metric(label, vo.value_text(k, lang), delta=mom,
                  delta_color="inverse" if bad else "off",
                  delta_description=tr("MoM") if mom else None,
                  help=HELP[k.key])
        if mom is None:
            st.caption(tr("MoM: no previous month") if not k.has_prev else f"{tr('MoM')}: —")
        yoy = vo.change_text(k, "yoy")
        if yoy is None:
            st.caption(tr("YoY: no data a year earlier") if not k.has_year_ago else f"{tr('YoY')}: —")
        else:
            color = vo.change_color(k.yoy, k.kind, bad)
            st.caption(f":{color}[**{yoy}**] {tr('YoY')}")

trend = vo.trend_frame(rates, month, levels)
basis = subtitle(tr("by balance"), tr("coincident")) + "<br>" + ui.scheme_label(scope)
for col, k in zip(st.columns(len(cards)), cards):
    with col:
        if k.kind == "rate":
            fig = ui.figure(kpi_trend, trend, k.key, LABELS[k.key], basis, lang, "rate", scheme.level_index(k.key))
        elif k.key == "exposure":
            fig = ui.figure(kpi_trend, trend, "exposure", LABELS[k.key],
                            tr("month-end, all buckets") + "<br>" + tr("last 12 months"), lang, "money")
        elif has_amount:
            fig = ui.figure(kpi_trend, trend, "overdue_amount", LABELS[k.key],
                            tr("past-due part, all buckets") + "<br>" + tr("last 12 months"), lang, "money")
        else:
            st.caption(tr("No trend: the data has no overdue_amount column."))
            continue
        ui.chart(fig, key=f"overview_trend_{k.key}")

st.subheader(tr("By product, {month}", month=f"{month:%Y-%m}"))
st.dataframe(vo.product_styler(table, levels, lang, cells), hide_index=True, width="stretch", placeholder="—")
st.caption(tr("Rates by balance, coincident, {scheme}. Changes in percentage points; red: the rate rose "
              "month-on-month (a worsening), green: it fell. Filled cells breach a rule (amber: warn, "
              "red: critical).", scheme=ui.scheme_label(scope)))
ui.download(vo.product_export(table, levels, lang), f"overview_products_{month:%Y%m}", key="overview_csv")

st.divider()
regulatory_views.render(scope, month)


# --- export: the month's report as PDF (executives forward it) and as an Excel workbook -----------
@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _report_bytes(_book, _breaches, token: tuple, source: str, month, scope: Scope, rules_text: str,
                  lang: str, kind: str) -> bytes:
    """The report file, built on the button's click (not on page load) and cached per book, month,
    scope, rules and language; the breaches are the app's one evaluation of these rules."""
    con = _book.con.cursor()
    try:
        summary = report.build(con, month, scope, parse_rules(rules_text), source=source,
                               columns=_book.columns, breaches=_breaches)
    finally:
        con.close()
    return report.render(summary, kind, lang)


st.divider()
st.subheader(tr("Monthly report, {month}", month=f"{month:%Y-%m}"))
st.caption(tr("This page laid out for print, with the month's breaches, the biggest movers and a plain-language "
              "summary; the workbook holds the tables by product, bucket, transition and breach. "
              "Built when you click (a few seconds)."))
_, rules_text, _ = ui.rules_state()
args = (ui.book(), ui.breaches(), ui.book_token(), ui.source(), month, scope.with_months(month, month),
        rules_text, lang)
stem = exports.file_stem(f"{tr('monthly_report')}_{month:%Y%m}", scope, month_range=False)
try:
    chromium()
    pdf_help = None
except UserError as e:
    pdf_help = e.message(lang)
row = st.container(horizontal=True, gap="small")
row.download_button(tr("PDF report"), lambda: _report_bytes(*args, "pdf"), file_name=f"{stem}.pdf",
                    mime=report.FORMATS["pdf"], key="overview_report_pdf", type="primary",
                    icon=":material/picture_as_pdf:", on_click="ignore", disabled=pdf_help is not None,
                    help=pdf_help)
row.download_button(tr("Excel workbook"), lambda: _report_bytes(*args, "xlsx"), file_name=f"{stem}.xlsx",
                    mime=report.FORMATS["xlsx"], key="overview_report_xlsx", icon=":material/table_view:",
                    on_click="ignore")
