"""Vintage: cohorts by origination month followed over months on book (MOB): curves per cohort and the
cohort × MOB heatmap, at a level, by balance (vintage rate) or by count (ever at the level)."""
import streamlit as st

from monitor import fmt
from monitor import rule_links as link
from monitor import views_vintage as vv
from monitor.charts.base import subtitle
from monitor.charts.vintage import vintage_curves, vintage_heatmap
from pages import common as ui

BASES = {"balance": "Vintage rate (balance)", "count": "Ever at level (count)"}
DEFINITIONS = {"balance": "exposure at {level} / principal originated",
               "count": "loans ever at {level} / loans originated"}

v = ui.view()
scope, tr, lang = v.scope, ui.tr, ui.lang()
scheme = ui.load_definitions().scheme(scope.scheme)
sch = ui.scheme_label(scope)
st.title(tr("Vintage"))

missing = vv.missing_columns(v.columns)
if missing:
    st.warning(tr("Vintage needs the columns origination_month (the month each loan was originated) and "
                  "principal (the amount originated, or the limit). This data lacks: {cols}. No cohort can "
                  "be formed, so no vintage rate is shown (not zeros). To see vintage curves, load a source "
                  "that has both columns.", cols=", ".join(missing)))
    st.stop()

levels = list(scheme.levels)
c1, c2, c3 = st.columns([1.2, 1.8, 1])
level = c1.segmented_control(tr("Level"), levels, default=levels[1], key="vintage_level", required=True,
                             persist_state="session")
basis = c2.segmented_control(tr("Measure"), list(BASES), default="balance", key="vintage_basis",
                             required=True, persist_state="session", format_func=lambda b: tr(BASES[b]))
group = c3.segmented_control(tr("Group"), ["none", "product"], default="none", key="vintage_group",
                             required=True, persist_state="session",
                             format_func=lambda g: tr("All") if g == "none" else tr("By product"))
c1, c2, c3 = st.columns([1.2, 1.8, 1])
mode = c1.segmented_control(tr("Cohorts"), ["quarterly", "last", "custom"], default="quarterly",
                            key="vintage_cohort_mode", required=True, persist_state="session",
                            format_func=lambda m: tr({"quarterly": "Quarterly", "last": "Last 12",
                                                      "custom": "Choose"}[m]))
censored = c3.toggle(tr("Include left-censored cohorts"), value=False, key="vintage_censored",
                     persist_state="session",
                     help=tr("Cohorts originated before the book's first month: their early MOBs were never "
                             "observed, so their curves start late."))

k = scheme.level_index(level)
df = ui.fetch("vintage", scope, level=level, group_by=group)
if df.empty:
    st.warning(tr("No loan has both origination_month and principal in the selected filters, so no cohort "
                  "can be formed."))
    st.stop()
cells = vv.in_view(df, "ALL", scope.from_month, scope.to_month, censored)
available = vv.cohorts(cells)
if not available:
    ui.no_data("No cohort originated in the selected months.")
    st.stop()
labels = [fmt.month(c) for c in available]
if mode == "custom":
    default = [fmt.month(c) for c in vv.pick_cohorts(available, "quarterly")]
    chosen = c2.multiselect(tr("Cohorts shown"), labels, default=default, key="vintage_cohorts",
                            persist_state="session", placeholder=tr("Choose cohorts"))
    picked = [available[labels.index(c)] for c in chosen]
else:
    picked = vv.pick_cohorts(available, mode)
    c2.caption(tr("{n} cohorts: {first} … {last}", n=len(picked), first=fmt.month(picked[0]),
                  last=fmt.month(picked[-1])))

basis_text = subtitle(tr("by " + basis), tr(DEFINITIONS[basis], level=level))
notes = [tr("Cohorts originated {a} … {b}, observed up to {b}.", a=fmt.month(scope.from_month),
            b=fmt.month(scope.to_month)),
         tr("MOB < {k} is immature for {level} (no loan can be that late yet): left out, not 0.", k=k, level=level)]
if scope.seg_dim != "all":
    notes.append(tr("The segment filter does not apply: the cohort cubes hold product, region and channel."))
st.caption(" ".join(notes))

# --- curves by cohort ------------------------------------------------------------------------------
if group == "product":
    groups = [g for g in df["grp"].unique() if g != "ALL"]
    points = vv.curve_points(vv.in_view(df, ["ALL", *groups], scope.from_month, scope.to_month, censored),
                             picked, basis)
    panels = [("ALL", tr("All"))] + [(g, tr(g)) for g in groups]
else:
    points, panels = vv.curve_points(cells, picked, basis), None
ui.chart(ui.figure(vintage_curves, points, basis, level, k, tr("{level} vintage curves by cohort", level=level),
                        subtitle(basis_text, tr("x = months on book"), sch), lang, panels), "vintage_curves")

# --- cohort × MOB heatmap ----------------------------------------------------------------------------
st.subheader(tr("Cohort × MOB"))
target = "ALL"
if group == "product":
    opts = ["ALL", *groups]
    target = st.selectbox(tr("Heatmap for"), opts, key="vintage_heat_group", persist_state="session",
                          format_func=lambda g: tr("All") if g == "ALL" else tr(g))
heat = cells if target == "ALL" else vv.in_view(df, target, scope.from_month, scope.to_month, censored)
name = tr("All") if target == "ALL" else tr(target)
# the vintage rules on this group at this level and basis outline their breaching cells
rules = ui.rules()
links = link.applicable(rules, scope, "none" if target == "ALL" else "product", [target],
                        metric="vintage_rate", level=level, basis=basis)
points = link.breach_points(ui.breaches(), {r: g for r, g in links.items() if g == target}, lang)
marked = vv.heat_breaches(points, {r.id: r.mob for r in rules})
ui.chart(ui.figure(vintage_heatmap, heat, basis, level, k,
                   tr("{level} by cohort and MOB · {name}", level=level, name=name),
                         subtitle(basis_text, tr("grey hatched = immature, blank = not reached yet"), sch), lang,
                         breaches=marked), "vintage_heatmap")
ui.download(heat, f"vintage_{level}_{name}", key="vintage_csv")
