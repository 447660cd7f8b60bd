"""Segments: which part of the book drives delinquency, its trend, and the loans behind a bar."""
import streamlit as st

from monitor import fmt
from monitor import views_segments as vs
from monitor.charts.base import subtitle
from monitor.charts.segments import rate_bars, rate_heatmap, trend_lines
from pages import common as ui
from pages import regulatory_views

TOP_VALUES = 6
ROW_LIMITS = [50, 200, 1000, 5000]

v = ui.view()
scope, tr, lang = v.scope, ui.tr, ui.lang()
scheme = ui.load_definitions().scheme(scope.scheme)
levels = list(scheme.levels)
st.title(tr("Segments"))
st.caption(tr("Which part of the book is driving delinquency in {month}?", month=fmt.month(v.month)))

dims = vs.available_dims(v.columns)
if not dims:
    ui.no_data("The data has no product, region, channel or segment column to split by.")
    st.stop()

dim_name = lambda d: tr(vs.DIM_LABELS[d])  # noqa: E731
c1, c2, c3, c4 = st.columns([1.3, 1.5, 1.1, 1.3])
dim = c1.selectbox(tr("Split by"), dims, key="segments_dim", persist_state="session",
                   format_func=dim_name)
level = c2.segmented_control(tr("Level"), levels, default=levels[1], key="segments_level",
                             required=True, persist_state="session")
basis = c3.segmented_control(tr("Basis"), ["balance", "count"], default="balance",
                             key="segments_basis", required=True, persist_state="session",
                             format_func=lambda b: tr("by " + b))
across_opts = vs.heatmap_columns(dim, dims)
if st.session_state.get("segments_heat_cols") not in across_opts:  # a split cannot cross itself
    st.session_state["segments_heat_cols"] = "product" if "product" in across_opts else "month"
across = c4.selectbox(tr("Heatmap columns"), across_opts, key="segments_heat_cols",
                      persist_state="session",
                      format_func=lambda c: tr("Month") if c == "month" else dim_name(c))

split, group_by, dropped = vs.split_scope(scope, dim)
if dropped:
    st.info(tr("The sidebar's segment filter ({seg} = {values}) is not applied here: the figures "
               "split the book by one segment dimension at a time. Product, region and channel "
               "filters apply.", seg=dim_name(scope.seg_dim), values=", ".join(scope.seg_values)))

rates = ui.fetch("overdue_by_month", split, group_by=group_by)
table = vs.month_table(rates, v.month, level, basis)
book = vs.book_rate(rates, v.month, level, basis)
value_col = vs.RATE_COLUMN[basis]
scheme_name = ui.scheme_label(scope)
sub = subtitle(level, tr("by " + basis), tr("coincident"), scheme_name)
share_label = "Exposure share" if basis == "balance" else "Loan share"

fig = ui.figure(rate_bars, table, book, tr("{level} overdue rate by {dim}, {month}", level=level, dim=dim_name(dim),
                                month=fmt.month(v.month)), sub, lang, share_label)
event = st.plotly_chart(fig, key="segments_bars", on_select="rerun", selection_mode="points",
                        width="stretch", config={"displaylogo": False,
                                                 "toImageButtonOptions": {"format": "svg"}})
if not table.empty:
    st.caption(tr("Orange bars are above the rate of the whole scope (dashed line). Click a bar to "
                  "list its loans below."))

left, right = st.columns(2)
order = table["grp"].tolist()
height = max(420, 150 + 28 * (len(order) + 1))  # both halves as tall as the heatmap's rows need
with left:
    more = tr(" (the {n} largest by exposure)", n=TOP_VALUES) if len(order) > TOP_VALUES else ""
    trend = vs.trend_frame(rates, level, vs.top_values(table, TOP_VALUES))
    ui.chart(ui.figure(trend_lines, trend, value_col, tr("{level} overdue rate by {dim} over time", level=level,
                                              dim=dim_name(dim)) + more, sub, lang, height),
             "segments_trend")
with right:
    if across == "month":
        heat, counts = (vs.month_matrix(rates, level, c, order) for c in (value_col, "loans"))
        heat_sub = sub
    else:
        cells = ui.fetch("ui/segment_heatmap", **vs.heatmap_params(scope, dim, v.month, level, across))
        heat, counts = (vs.cross_matrix(cells, c, order) for c in (value_col, "loans"))
        heat_sub = subtitle(fmt.month(v.month), sub)
    heat_title = tr("{level} overdue rate: {dim} × {across}", level=level, dim=dim_name(dim),
                    across=tr("Month") if across == "month" else dim_name(across))
    ui.chart(ui.figure(rate_heatmap, heat, heat_title, heat_sub, lang, month_columns=across == "month",
                          loans=counts, height=height), "segments_heatmap")

with st.expander(tr("Values in {month}", month=fmt.month(v.month))):
    st.dataframe(table, width="stretch", hide_index=True, column_config={
        "grp": st.column_config.TextColumn(dim_name(dim)),
        "rate": st.column_config.NumberColumn(f"{level} {tr('Overdue rate')}", format="percent"),
        "loans": st.column_config.NumberColumn(tr("Loans"), format="localized"),
        "balance": st.column_config.NumberColumn(tr("Exposure"), format="%.2f"),
        "overdue_balance": st.column_config.NumberColumn(f"{level} {tr('Overdue balance')}",
                                                         format="%.2f"),
        "overdue_loans": st.column_config.NumberColumn(f"{level} {tr('Loans')}", format="localized"),
        "exposure_share": st.column_config.NumberColumn(tr(share_label), format="percent"),
        "overdue_share": st.column_config.NumberColumn(tr("Share of overdue"), format="percent")})
    ui.download(table, f"segments_{dim}_{level}_{basis}", key="segments_values_csv")

# --- drill-down: the loans behind a bar --------------------------------------------------------
st.subheader(tr("Loans behind the number"))
options = table["grp"].tolist()
if not options:
    ui.no_data()
    st.stop()
clicked = vs.clicked_value(event.selection) if event else None
if clicked in options and clicked != st.session_state.get("segments_clicked"):
    st.session_state["segments_value"] = clicked  # a click chooses the value once; the box rules after
st.session_state["segments_clicked"] = clicked
if st.session_state.get("segments_value") not in options:
    st.session_state["segments_value"] = options[0]  # the highest rate of this split

d1, d2, d3 = st.columns([2.2, 1.6, 1])
value = d1.selectbox(tr("{dim} value", dim=dim_name(dim)), options, key="segments_value",
                     persist_state="session", format_func=lambda g: tr(g))
only = d2.toggle(tr("Only loans at {level}", level=level), value=True, key="segments_only_level",
                 persist_state="session")
limit = d3.selectbox(tr("Rows shown"), ROW_LIMITS, index=1, key="segments_rows",
                     persist_state="session", format_func=fmt.count)

min_idx = scheme.level_index(level) if only else 0
loans = ui.fetch("ui/drilldown_loans", **vs.drill_params(scope, dim, value, v.month, min_idx, limit))
totals = vs.drill_totals(loans)
where = f"{dim_name(dim)} = {tr(value)}, {fmt.month(v.month)}, {scheme_name}"
if totals["loans"] == 0:
    st.info(tr("No loan at {level} in {where}.", level=level, where=where) if only else
            tr("No loan in {where}.", where=where))
    st.stop()
st.caption(tr("Loans{at} in {where}: {n}, exposure {exposure}; showing {shown}, highest DPD first, "
              "then balance.", n=fmt.count(totals["loans"]),
              at=tr(" at {level}", level=level) if only else "", where=where,
              exposure=fmt.money(totals["exposure"], lang), shown=fmt.count(len(loans))))
shown = vs.drill_table(loans, dim, v.columns)
st.dataframe(shown, width="stretch", hide_index=True, height=420, key="segments_loans", column_config={
    "loan_id": st.column_config.TextColumn(tr("Loan")),
    "product": st.column_config.TextColumn(tr("Product")),
    "region": st.column_config.TextColumn(tr("Region")),
    "channel": st.column_config.TextColumn(tr("Channel")),
    dim: st.column_config.TextColumn(dim_name(dim)),
    "days_past_due": st.column_config.NumberColumn(tr("DPD"), format="%d"),
    "bucket": st.column_config.TextColumn(tr("Bucket")),
    "outstanding_balance": st.column_config.NumberColumn(tr("Balance"), format="%.2f"),
    "overdue_amount": st.column_config.NumberColumn(tr("Overdue amount"), format="%.2f"),
    "origination_month": st.column_config.DateColumn(tr("Origination month"), format="YYYY-MM"),
    "collection_action": st.column_config.TextColumn(tr("Collection action"))})
ui.download(shown, f"loans_{dim}_{value}_{level if only else 'all'}", key="segments_loans_csv")

st.divider()
regulatory_views.render(v.scope, v.month, key="segments_regulatory")
