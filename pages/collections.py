"""Collections: which action cures which bucket (outcomes of the loans each action worked), the
re-default of restructured loans, and the loss projection from flow rates with its backtest."""
import streamlit as st

from monitor import collections as mc
from monitor import fmt
from monitor import projection as pj
from monitor.charts import collections as charts
from monitor.charts.base import subtitle
from pages import common as ui

HORIZON = 6
v = ui.view()
scope, tr, lang = v.scope, ui.tr, ui.lang()
scheme = ui.load_definitions().scheme(scope.scheme)
sch = ui.scheme_label(scope)
money = lambda x: fmt.money(x, lang)  # noqa: E731
st.title(tr("Collections"))
st.caption(tr("Which action cures which bucket? Every delinquent loan of month t−1 by the collection action "
              "taken on it then, and where it is at t."))


def action_sections() -> None:
    """Cure rate by action × bucket, the outcome mix of one bucket, and its trend."""
    if scope.seg_dim not in ("all", "collection_action"):
        st.caption(tr("The segment filter ({d}) does not apply to the action split: the cubes split "
                      "transitions by one segment at a time.", d=tr(scope.seg_dim)))
    outcomes = ui.fetch("ui/collections_outcomes", **mc.outcomes_params(scope, scope.from_month, scope.to_month))
    if outcomes.empty:
        ui.no_data("No delinquent loans with a following month in the selected filters.")
        return
    pool = mc.pooled(outcomes)
    span = f"{fmt.month(outcomes['to_month'].min())} … {fmt.month(outcomes['to_month'].max())}"
    basis = st.segmented_control(tr("Basis"), mc.BASES, default="count", key="collections_basis", required=True,
                                 persist_state="session", format_func=lambda b: tr("by " + b))
    basis_text = tr("by " + basis)

    best = mc.best_actions(pool, basis)
    if not best.empty:
        cards = st.columns(min(len(best), 4))
        for card, r in zip(cards, best.head(4).itertuples()):
            best_name = charts.action_label(r.best, lang)
            other = charts.action_label(r.runner_up, lang) if r.runner_up else None
            card.metric(tr("{b} · best cure: {a}", b=r.from_bucket, a=best_name), fmt.pct(r.best_rate),
                        delta=f"{fmt.pp(r.difference)} {tr('vs {a}', a=other)}" if other
                        else tr("only action with 30+ loans"),
                        delta_color="normal" if other else "off", delta_arrow="auto" if other else "off",
                        help=tr("{n} loans; next best {a}: {x} of {m} loans.", n=fmt.count(r.best_loans),
                                a=other or "—", x=fmt.pct(r.runner_up_rate), m=fmt.count(r.runner_up_loans)))
        st.caption(tr("Best cure among actions that worked at least 30 loans in the bucket, {s}, {b}. The data "
                      "holds no cost per action: weigh the extra cures against an agency's fee.", s=span, b=basis_text))

    ui.chart(ui.figure(charts.cure_heatmap,
        mc.cure_grid(pool, basis, list(scheme.buckets)), tr("Cure rate by collection action and bucket"),
        subtitle(tr("share of bucket-k loans at t−1 in M0 at t"), basis_text, span, sch), lang), "collections_heatmap")

    st.subheader(tr("Next month's outcome by action"))
    present = pool.drop_duplicates("from_idx").sort_values("from_idx")
    labels = {int(r.from_idx): f"{r.from_bucket} · DPD {scheme.range_text(int(r.from_idx))}"
              for r in present.itertuples()}
    c1, c2 = st.columns([2, 3])
    from_idx = c1.selectbox(tr("Bucket at t−1"), list(labels), format_func=labels.get, key="collections_bucket",
                            persist_state="session")
    outcome = c2.segmented_control(tr("Trend of"), mc.OUTCOMES, default="cured", key="collections_outcome",
                                   required=True, persist_state="session",
                                   format_func=lambda o: tr(mc.OUTCOME_LABELS[o]))
    bucket = scheme.buckets[from_idx]
    ui.chart(ui.figure(charts.outcome_bars, mc.outcome_mix(pool, from_idx, basis), basis,
                                 tr("Where {b} loans went a month later, by action", b=bucket),
                                 subtitle(tr("share of the action's loans") if basis == "count" else
                                          tr("share of the action's exposure at t−1"), span, sch), lang),
             "collections_outcomes")
    rate = tr(mc.OUTCOME_RATE_LABELS[outcome])
    ui.chart(ui.figure(charts.outcome_trend,
                       mc.outcome_trend(outcomes, from_idx, outcome, basis), f"{bucket} {rate}", basis,
                                  tr("{r} of {b} by action, month by month", r=rate, b=bucket),
                                  subtitle(tr("months are t (outcome month)"), basis_text, sch), lang),
             "collections_trend")
    st.caption(tr("Outcome at t of a loan in bucket k at t−1: cured = M0; rolled back = a better bucket other than "
                  "M0 (a partial cure); stayed = bucket k; rolled forward = a worse bucket; exited = absent at t "
                  "(paid off, closed or written off). The action is the one recorded at t−1."))
    table = pool[["action", "from_bucket", "loans", "exposure", *[f"{o}_loans" for o in mc.OUTCOMES],
                  *[mc.rate_column(o, basis) for o in mc.OUTCOMES]]]
    with st.expander(tr("Table: outcomes by action and bucket, {s}", s=span)):
        rates = {mc.rate_column(o, basis): fmt.pct for o in mc.OUTCOMES}
        st.dataframe(table.style.format({"exposure": money, **rates}, na_rep="—"), hide_index=True, width="stretch")
        ui.download(outcomes, "collections_outcomes", key="collections_outcomes_csv")


def restructuring_section() -> None:
    """Re-default after restructuring against comparable cures without a repayment plan."""
    st.subheader(tr("Restructuring (展期): re-default after a fresh start"))
    if "restructured" not in v.columns:
        st.info(tr("This section needs a restructured column (true / false per loan and month) in the data."))
        return
    levels = list(scheme.levels)
    level = st.segmented_control(tr("Re-default level"), levels, default=levels[0], key="collections_level",
                                 required=True, persist_state="session")
    life = ui.fetch("ui/collections_restructure", **mc.restructure_params(scope, level, horizon=12))
    curve = mc.redefault_curve(life)
    matched = life["from_buckets"].iloc[0] if len(life) else ""
    left, right = st.columns([3, 1])
    with left:
        ui.chart(ui.figure(charts.redefault_lines,
            curve, tr("Re-defaulted to {l} within k months", l=level),
            subtitle(tr("restructured vs cured without restructuring, from {b}", b=matched), tr("by count"), sch),
            lang), "collections_redefault")
    with right:
        for k in (3, 6, 12):
            at = curve[curve["k"] == k].set_index("event")["redefault_rate"]
            if "restructured" in at and "cured" in at:
                st.metric(tr("Within {k} months", k=k), fmt.pct(at["restructured"]),
                          delta=f"{fmt.pp(at['restructured'] - at['cured'])} {tr('vs cured')}", delta_color="inverse",
                          help=tr("Restructured {r}; cured without restructuring {c}.", r=fmt.pct(at["restructured"]),
                                  c=fmt.pct(at["cured"])))
    st.caption(tr("Event = the month a loan is first flagged restructured, or the month a delinquent loan returns "
                  "to M0 without restructuring (compared from the same buckets as the restructured loans). "
                  "Re-defaulted within k = 1 − Π(1 − hazard): event months observed for fewer than k months "
                  "drop out instead of counting as good. Sidebar months select the event months."))
    if len(curve):
        ui.download(curve, f"redefault_{level}", key="collections_redefault_csv")


def projection_section() -> None:
    """Forward projection of M7 (write-off) and M4+ exposure from flow rates, and its backtest."""
    n, last = len(scheme.buckets), scheme.buckets[-1]
    npl_idx = pj.npl_index(scheme.levels, n)
    npl_name = f"{scheme.buckets[npl_idx]}+"
    names = {"last": tr("{b} (write-off)", b=last), "npl": npl_name}
    st.subheader(tr("Loss projection: {b} exposure over the next {n} months", b=last, n=HORIZON))
    method = st.segmented_control(tr("Flow rates held"), pj.METHODS, default="avg3", key="collections_method",
                                  required=True, persist_state="session", format_func=lambda m: tr(pj.METHOD_LABELS[m]))
    method_text = tr(pj.METHOD_LABELS[method])
    whole = scope.with_months(v.months[0], v.months[-1])
    balances = ui.fetch("bucket_balance", whole, group_by="none")
    flows = ui.fetch("flow_rates", whole, group_by="none")
    origin = v.month
    rates = pj.flow_vector(flows, origin, method, n - 1)
    proj = pj.projection_frame(pj.bucket_vector(balances, origin, n), rates, origin, HORIZON)
    left, right = st.columns([3, 2])
    with left:
        title = tr("Projected {b} and {m} exposure from {o}", b=last, m=npl_name, o=fmt.month(origin))
        history = pj.target_history(balances, n, npl_idx, origin)
        ui.chart(ui.figure(charts.projection_chart, history, pj.target_frame(proj, npl_idx), names, title,
                                         subtitle(tr("by balance"), method_text, sch), lang), "collections_projection")
    with right:
        st.markdown(tr("**Assumptions**\n\n"
                       "- exposure in M(k+1) at t+1 = exposure in M(k) at t × the M(k)→M(k+1) flow rate, "
                       "held constant: {m};\n"
                       "- {z} is held at its balance at {o}: it feeds M1 every month, and no new business adds to it;\n"
                       "- {l} = DPD > {d}, written off (呆账); its flow rate is a stock ratio (it also holds loans "
                       "that stayed), so this projects the {l} balance.",
                       m=method_text, z=scheme.buckets[0], o=fmt.month(origin), l=last, d=scheme.lower[-1] - 1))
    high = pj.steps_above(rates, scheme.buckets)
    if high:
        st.warning(tr("Flow rates above 100% ({s}): more exposure arrives than the bucket before held (loans "
                      "skip buckets, or the bucket also holds loans that stayed), so the projection overstates. "
                      "Read it with the backtest below.", s=", ".join(high)))
    table = pj.projection_table(proj, list(scheme.buckets), npl_idx)
    if len(table):
        shown = table.rename(columns={"month": tr("Month")})
        st.dataframe(shown.style.format({c: money for c in shown.columns[1:]}, na_rep="—"), hide_index=True,
                     width="stretch")
        ui.download(table, f"loss_projection_{fmt.month(origin)}", key="collections_projection_csv")
    else:
        ui.no_data("No flow rates: they need two consecutive months.")

    st.markdown(f"**{tr('Backtest: the projection made at t against the actual exposure at t+k')}**")
    bt = ui.compute(pj.backtest, balances, flows, n, npl_idx, method, HORIZON)
    summary = pj.backtest_summary(bt)
    k = st.columns([1, 3])[0].select_slider(tr("Months ahead (k)"), list(range(1, HORIZON + 1)), value=3,
                                            key="collections_k", persist_state="session")
    left, right = st.columns(2)
    with left:
        ui.chart(ui.figure(charts.backtest_errors, summary, names, tr("Projection error by horizon"),
                                        subtitle(tr("every month of the book as origin"), method_text, sch), lang),
                 "collections_backtest_error")
    with right:
        ui.chart(ui.figure(charts.backtest_lines, bt, k, names, tr("Actual against projected, {k} months ahead", k=k),
                                       subtitle(tr("by balance"), method_text, sch), lang),
                 "collections_backtest_lines")
    if len(summary):
        shown = pj.summary_table(summary, names, tr("MAPE"), tr("bias")).rename(columns={"origins": tr("Origins")})
        st.dataframe(shown.style.format({c: fmt.pct for c in shown.columns if "%" in c}, na_rep="—"),
                     hide_index=True, width="stretch")
        ui.download(bt, "projection_backtest", key="collections_backtest_csv")
    st.caption(tr("Error = projected − actual, as a share of the actual; bias > 0: the projection ran high. The "
                  "backtest uses every month of the book with the sidebar's other filters."))


if "collection_action" in v.columns:
    action_sections()
else:
    st.info(tr("Collections effectiveness needs a collection_action column (none / sms / phone / outsourced / "
               "legal: the action taken on the loan that month). Add it to the data to see cure and roll rates "
               "by action."))
st.divider()
restructuring_section()
st.divider()
projection_section()
