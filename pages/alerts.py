"""Alerts: what broke this month, since when, and the rules themselves (with a validating editor)."""
import pandas as pd
import streamlit as st

from monitor import fmt
from monitor.alerts import breaches_in
from monitor.charts.alerts import history_heatmap
from monitor.rule_links import link_for
from monitor.rules import RulesError, parse_rules, save_rules_text
from pages import common as ui

v = ui.view()
scope, tr, lang = v.scope, ui.tr, ui.lang()
rules, rules_text, disk_error = ui.rules_state()
by_id = {r.id: r for r in rules}
allb = ui.breaches()
month = v.month
st.title(tr("Alerts"))


def scope_label(rule_id: str, raw: str) -> str:
    """'product=消费分期' -> '产品 = 消费分期'; the whole book -> '全行' / 'Whole book'."""
    rule = by_id.get(rule_id)
    if rule is None or not rule.scope:
        return tr("Whole book") if raw == "ALL" else raw
    return ", ".join(f"{ui.dim_label(k)} = {val}" for k, val in rule.scope)


if disk_error:
    st.error(f"{tr('The rules file on disk is invalid; the last good rules stay in force.')}\n\n{disk_error}")

# --- this month's breaches, worst first -------------------------------------------------------------
now = breaches_in(allb, month)
crit, warn = int((now["severity"] == "critical").sum()), int((now["severity"] == "warn").sum())
st.subheader(tr("Breaches in {month}", month=f"{month:%Y-%m}"))
if now.empty:
    st.success(tr("No breach in {month}: every rule is within its limits.", month=f"{month:%Y-%m}"))
else:
    st.caption(tr("{n} critical · {w} warn", n=crit, w=warn))
for b in now.itertuples():
    rule = by_id.get(b.rule)
    badge = ":red-badge[" + tr("critical") + "]" if b.severity == "critical" else \
        ":orange-badge[" + tr("warn") + "]"
    running = (month.year - b.since.year) * 12 + month.month - b.since.month + 1
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"{badge} **{b.name_zh if lang == 'zh' else b.name_en}** · `{scope_label(b.rule, b.scope)}`  \n"
                      f"{b.message_zh if lang == 'zh' else b.message}  \n"
                      f":gray[{tr('since {month}', month=f'{b.since:%Y-%m}')} · "
                      f"{tr('{n} month(s) running', n=running)}]")
        if rule is not None:
            page, params = link_for(rule, month, scope, lang)
            right.page_link(page, label=tr("Open the chart"), icon=":material/insights:", query_params=params)

# --- history ------------------------------------------------------------------------------------------
st.subheader(tr("History"))
shown_months = [m for m in v.months if scope.from_month <= m <= month]
hist = allb[allb["month"].isin(shown_months)]
ui.chart(ui.figure(history_heatmap, hist, rules, shown_months, lang, tr("Breach history by rule"),
                         tr("amber = warn, red = critical; hover for the sentence") + " · "
                         + ui.scheme_label(scope)), "alerts_history")
ongoing = now[["severity", "name_zh" if lang == "zh" else "name_en", "scope", "value", "limit", "since"]]
if not ongoing.empty:
    st.markdown(f"**{tr('Ongoing breaches')}**")
    table = pd.DataFrame({
        tr("Severity"): [tr(s) for s in ongoing["severity"]],
        tr("Rule"): ongoing.iloc[:, 1], tr("Scope"): [scope_label(r, x) for r, x in zip(now["rule"], now["scope"])],
        tr("Value"): [fmt.pct(x) if by_id.get(r) and by_id[r].metric != "overdue_amount" else fmt.money(x, lang)
                      for x, r in zip(now["value"], now["rule"])],
        tr("Since"): [f"{d:%Y-%m}" for d in ongoing["since"]]})
    st.dataframe(table, hide_index=True, width="stretch")
export = allb.assign(month=allb["month"].map(lambda d: f"{d:%Y-%m}"),
                     since=allb["since"].map(lambda d: f"{d:%Y-%m}"))
ui.download(export, "breaches", key="alerts_csv")

# --- the rules ----------------------------------------------------------------------------------------
st.subheader(tr("Rules"))
st.caption(f"{tr('Rules file')}: `{ui.rules_path()}`")
rows = [{tr("Rule"): r.name(lang), "id": r.id, tr("Kind"): tr(r.kind), tr("Metric"): r.metric_text(),
         tr("Scope"): scope_label(r.id, r.scope_text()), tr("Direction"): tr(r.direction),
         tr("warn"): r.warn, tr("critical"): r.critical, tr("Owner"): r.owner, tr("Enabled"): r.enabled}
        for r in rules]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

with st.expander(tr("Edit the rules file"), expanded=False):
    if not ui.can_edit():
        st.info(tr("Only risk managers may edit the rules."))
    else:
        if flash := st.session_state.pop("alerts_flash", None):
            st.success(flash)
        text = st.text_area("rules.toml", rules_text, height=420, key="alerts_rules_text",
                            label_visibility="collapsed")
        c1, c2, _ = st.columns([1, 1, 4])
        if c1.button(tr("Validate"), key="alerts_validate"):
            try:
                st.success(tr("The rules are valid ({n} rules).", n=len(parse_rules(text, "rules.toml"))))
            except RulesError as e:
                st.error(e.message(lang))
        if c2.button(tr("Save"), key="alerts_save", type="primary"):
            try:
                saved = save_rules_text(ui.rules_path(), text)
                st.session_state["alerts_flash"] = tr("Saved {n} rules to {path}.", n=len(saved),
                                                      path=ui.rules_path().name)
                st.rerun()
            except (RulesError, OSError) as e:
                msg = e.message(lang) if isinstance(e, RulesError) else str(e)
                st.error(f"{msg}\n\n{tr('Not saved: the file on disk is unchanged.')}")
