"""Overdue trends: the overdue rate over time at any level, and the overdue balance and amount by bucket."""
import streamlit as st

from monitor.charts.base import subtitle
from monitor.charts.trends import bucket_stack, rate_lines
from monitor.rule_links import applicable, breach_points, thresholds
from monitor.views_trends import breach_styler, rate_table
from pages import common as ui

v = ui.view()
scope, tr = v.scope, ui.tr
levels = list(ui.load_definitions().scheme(scope.scheme).levels)
st.title(tr("Overdue trends"))

c1, c2, c3, c4 = st.columns([1.4, 1, 1, 1.4])
level = ui.url_widget(c1.segmented_control, tr("Level"), levels, "trends_level", levels[1], required=True,
                     persist_state="session")
basis = ui.url_widget(c2.segmented_control, tr("Basis"), ["balance", "count"], "trends_basis", "balance",
                     required=True, persist_state="session", format_func=lambda b: tr("by " + b))
mode = ui.url_widget(c3.segmented_control, " ", ["coincident", "lagged"], "trends_mode", "coincident",
                    required=True, persist_state="session", format_func=tr, label_visibility="hidden")
group_opts = ["none", "product"] + [d for d in ("region", "channel") if d in v.columns] + (
    ["segment"] if scope.seg_dim != "all" else [])
group_by = ui.url_widget(c4.selectbox, tr("Group by"), group_opts, "trends_group", "none",
                        persist_state="session", format_func=lambda g: tr("None") if g == "none" else
                        ui.dim_label(scope.seg_dim if g == "segment" else g))

rates = ui.fetch("overdue_by_month", scope, group_by=group_by)
value = {("balance", "coincident"): "rate", ("count", "coincident"): "count_rate",
         ("balance", "lagged"): "lagged_rate", ("count", "lagged"): "lagged_count_rate"}[(basis, mode)]
sub = subtitle(level, tr("by " + basis), tr(mode), ui.scheme_label(scope))
shown = rates[rates["level"] == level]
# the rules watching exactly this metric on a drawn line: their limits and breaching points
rules = ui.rules()
links = applicable(rules, scope, group_by, shown["grp"].unique(), metric="overdue_rate", level=level,
                   basis=basis, lagged=mode == "lagged")
points = breach_points(ui.breaches(), links, ui.lang(), scope.from_month, scope.to_month)
ui.chart(ui.figure(rate_lines, shown, value, f"{level} {tr('Overdue rate')}", sub, ui.lang(),
                    thresholds=thresholds(rules, links, ui.lang()), breaches=points), "trends_rate")
if mode == "lagged":
    st.caption(tr("Lagged: level-L exposure over the total exposure k months earlier (k = bucket index of L)."))

buckets = ui.fetch("bucket_balance", scope, group_by="none")
left, right = st.columns(2)
with left:
    ui.chart(ui.figure(bucket_stack, buckets, "exposure", tr("Overdue balance by bucket"),
                          subtitle(tr("exposure of loans in M1 and worse"), ui.scheme_label(scope)),
                          ui.lang()), "trends_balance")
with right:
    if "overdue_amount" in v.columns:
        ui.chart(ui.figure(bucket_stack, buckets, "overdue_amount", tr("Overdue amount by bucket"),
                              subtitle(tr("past-due part (overdue_amount)"), ui.scheme_label(scope)),
                              ui.lang()), "trends_amount")
    else:
        st.info(tr("The data has no overdue_amount column, so the overdue amount cannot be shown."))

st.subheader(tr("Rates by month"))
st.dataframe(breach_styler(rate_table(shown, value, ui.lang()), points, ui.lang()), width="stretch")
ui.download(shown, f"overdue_rate_{level}", key="trends_csv")
