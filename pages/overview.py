"""Overview: the executive monthly summary for the last month of the sidebar range, in its scope."""
import streamlit as st

from monitor import views_overview as vo
from monitor.charts.base import subtitle
from monitor.charts.overview import kpi_trend
from pages import common as ui

v = ui.view()
scope, tr, lang, month = v.scope, ui.tr, ui.lang(), v.month
scheme = ui.load_definitions().scheme(scope.scheme)
levels = vo.headline_levels(scheme.levels)
has_amount = "overdue_amount" in v.columns
prev_m, year_m = vo.shift_month(month, -1), vo.shift_month(month, -12)

head, breaches = st.columns([3, 1], vertical_alignment="bottom")
# `breaches` (top-right) is kept free for the count of active breaches: the alerts work adds it.
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

for col, k in zip(st.columns(len(cards)), cards):
    with col.container(border=True):
        bad = UP_IS_BAD.get(k.key, True)
        if k.key == "overdue_amount" and not has_amount:
            st.metric(LABELS[k.key], "—", help=HELP[k.key])
            st.caption(tr("Missing column: overdue_amount"))
            continue
        mom = vo.change_text(k, "mom")
        st.metric(LABELS[k.key], vo.value_text(k, lang), delta=mom,
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
            fig = kpi_trend(trend, k.key, LABELS[k.key], basis, lang, "rate", scheme.level_index(k.key))
        elif k.key == "exposure":
            fig = kpi_trend(trend, "exposure", LABELS[k.key],
                            tr("month-end, all buckets") + "<br>" + tr("last 12 months"), lang, "money")
        elif has_amount:
            fig = kpi_trend(trend, "overdue_amount", LABELS[k.key],
                            tr("past-due part, all buckets") + "<br>" + tr("last 12 months"), lang, "money")
        else:
            st.caption(tr("No trend: the data has no overdue_amount column."))
            continue
        ui.chart(fig, key=f"overview_trend_{k.key}")

st.subheader(tr("By product, {month}", month=f"{month:%Y-%m}"))
st.dataframe(vo.product_styler(table, levels, lang), hide_index=True, width="stretch", placeholder="—")
st.caption(tr("Rates by balance, coincident, {scheme}. Changes in percentage points; red: the rate rose "
              "month-on-month (a worsening), green: it fell.", scheme=ui.scheme_label(scope)))
ui.download(vo.product_export(table, levels, lang), f"overview_products_{month:%Y%m}", key="overview_csv")
