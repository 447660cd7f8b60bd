"""Bucket migration: where last month's loans went (the t−1 → t matrix), roll and cure rates per bucket,
and the flow rates (迁徙率) with their chained loss projection."""
import streamlit as st

from monitor import fmt, metrics
from monitor import rule_links as link
from monitor import views_migration as vm
from monitor.charts.base import subtitle
from monitor.charts.migration import MEASURE_LABELS, early_flow_lines, roll_cure_panels, transition_heatmap
from pages import common as ui

PROJECTION_LABELS = {"bucket": "Bucket", "exposure": "Exposure at t", "chained_flow": "Net flow to write-off",
                     "projected_loss": "Projected write-off"}

v = ui.view()
scope, tr, lang = v.scope, ui.tr, ui.lang()
scheme = ui.load_definitions().scheme(scope.scheme)
sch = ui.scheme_label(scope)
st.title(tr("Bucket migration"))
st.caption(tr("Where did last month's loans go? Every loan of month t−1 by its bucket at t, or exited."))

months = vm.to_months(v.months, scope.from_month, scope.to_month)
if not months:
    ui.no_data("Migration needs two consecutive months in the book; widen the month range.")
    st.stop()

# --- the transition matrix of one month ------------------------------------------------------------
labels = [fmt.month(m) for m in months]
c1, c2 = st.columns([1, 3])
picked = c1.selectbox(tr("Month t"), labels, index=len(labels) - 1, key="migration_month",
                      persist_state="session")
measure = c2.segmented_control(tr("Show"), list(MEASURE_LABELS), default="loans", key="migration_measure",
                               required=True, persist_state="session",
                               format_func=lambda m: tr(MEASURE_LABELS[m]))
month = months[labels.index(picked)]
in_month = scope.with_months(month, month)
tm = ui.fetch("transition_matrix", in_month, group_by="none")
cells = vm.matrix_cells(tm, scheme.buckets)
prev_text = fmt.month(vm.prev_month(month))

left, right = st.columns([4, 1])
with left:
    ui.chart(ui.figure(transition_heatmap,
        cells, measure, f"{tr('Transition matrix')} {prev_text} → {picked}",
        subtitle(tr(MEASURE_LABELS[measure]), tr("loans of t−1 by bucket at t"), sch),
        tr("Bucket at {m}", m=prev_text), tr("Bucket at {m}", m=picked), lang), "migration_matrix")
with right:
    side = vm.new_and_exited(tm)
    st.metric(tr("New loans at {m}", m=picked), fmt.count(side["new_loans"]),
              help=tr("Loans present at t but not at t−1; not part of the matrix."))
    st.metric(tr("New loans' exposure"), fmt.money(side["new_exposure"], lang),
              help=fmt.money(side["new_exposure"], lang, exact=True))
    st.metric(tr("Exited by {m}", m=picked), fmt.count(side["exited_loans"]),
              help=tr("Loans present at t−1 but not at t: paid off, closed or written off."))
    st.metric(tr("Exited exposure (at t−1)"), fmt.money(side["exited_exposure"], lang),
              help=fmt.money(side["exited_exposure"], lang, exact=True))
    ui.download(cells, f"transition_matrix_{picked}", key="migration_matrix_csv")

# --- roll and cure rates per bucket over the sidebar's months --------------------------------------
st.subheader(tr("Roll and cure rates by bucket"))
basis = st.segmented_control(tr("Basis"), ["balance", "count"], default="balance", key="migration_basis",
                             required=True, persist_state="session", format_func=lambda b: tr("by " + b))
rc = ui.fetch("roll_cure", scope, group_by="none")
series = vm.roll_cure_series(rc, basis, len(scheme.buckets) - 1)
# the rules watching a bucket's roll, cure or flow rate on the whole scope: limits, points, cells
rules, allb = ui.rules(), ui.breaches()
marks = {m: link.bucket_marks(rules, allb, scope, m, scheme.buckets, lang, months[0], months[-1], basis)
         for m in ("roll_rate", "cure_rate", "flow_rate")}
titles = {i: f"{b} · DPD {scheme.range_text(i)}" for i, b in enumerate(scheme.buckets)}
span = tr("Roll and cure rates, {a} … {b}", a=fmt.month(months[0]), b=fmt.month(months[-1]))
sub = subtitle(tr("roll: share of bucket k at t−1 in a worse bucket at t"), tr("cure: share in M0 at t"),
               tr("by " + basis), sch)
ui.chart(ui.figure(roll_cure_panels, series, titles, span, sub, lang,
                          marks=vm.merge_marks(marks["roll_rate"], marks["cure_rate"])), "migration_roll_cure")

# --- flow rates (迁徙率) and the chained loss projection --------------------------------------------
st.subheader(tr("Flow rates"))
fr = ui.fetch("flow_rates", scope, group_by="none")
flows = vm.flow_table(fr)
left, right = st.columns([3, 2])
with left:
    if flows.empty:
        ui.no_data("No flow rates: they need two consecutive months.")
    else:
        nxt = dict(zip(scheme.buckets, scheme.buckets[1:]))
        st.dataframe(vm.flow_styler(flows, marks["flow_rate"], nxt, tr("Month")), hide_index=True,
                     width="stretch", height=min(36 + 35 * len(flows), 388))
        ui.download(flows, "flow_rates", key="migration_flow_csv")
with right:
    ui.chart(ui.figure(early_flow_lines, fr, tr("Early flow rates"), subtitle(tr("by balance"), sch), lang,
                              marks=marks["flow_rate"]), "migration_flow")
st.caption(tr("Flow rate = exposure in M(k+1) at t / exposure in M(k) at t−1, for the whole scope. "
              "A rate can exceed 100% when balances grow or loans skip a bucket (a 31-day month can take "
              "DPD across two edges). Filled cells breach a rule (amber: warn, red: critical)."))

st.subheader(tr("Chained loss projection · {m}", m=picked))
balances = ui.fetch("bucket_balance", in_month, group_by="none")
proj = vm.loss_projection(metrics.chained_flow(fr), balances, month)
if proj.empty:
    ui.no_data("No flow rates: they need two consecutive months.")
else:
    total = vm.projection_total(proj)
    left, right = st.columns([1, 3])
    left.metric(tr("Projected write-off"), fmt.money(total["projected_loss"], lang),
                help=fmt.money(total["projected_loss"], lang, exact=True))
    left.metric(tr("Of the exposure in {a}–{b}", a=proj["bucket"].iloc[0], b=proj["bucket"].iloc[-1]),
                fmt.pct(total["share"]), help=fmt.money(total["exposure"], lang, exact=True))
    if total["undefined"]:
        left.caption(tr("Left out (undefined chain): {b}", b=", ".join(total["undefined"])))
    with right:
        money = lambda x: fmt.money(x, lang)
        shown = proj.drop(columns="from_idx").rename(columns=lambda c: tr(PROJECTION_LABELS[c]))
        st.dataframe(shown.style.format(dict(zip(shown.columns[1:], (money, fmt.pct, money)))),
                     hide_index=True, width="stretch")
        ui.download(proj, f"loss_projection_{picked}", key="migration_projection_csv")
    if (proj["chained_flow"] > 1).any():
        st.warning(tr("Some net flows exceed 100%: a later flow rate in the chain is above 100%, so read "
                      "this projection as an upper bound."))
    st.caption(tr("Net flow to write-off of bucket k = the product of the month's flow rates from M(k) "
                  "onward; projected write-off = exposure in each bucket at t × its net flow, summed."))
