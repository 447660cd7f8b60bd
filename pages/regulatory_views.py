"""Regulatory views for the Overview and Segments pages (not a page of its own): the five-tier
classification (五级分类) with the NPL ratio, and the IFRS 9 stage mix with its transfer rates, each
next to the DPD mapping in force (definitions.toml [classifications]).

Call `render(scope, month)` from a page; `key` prefixes the widget keys when a page draws it twice."""
from __future__ import annotations

from datetime import date

import streamlit as st

from monitor import fmt
from monitor import regulatory as rg
from monitor.charts.base import subtitle
from monitor.charts.regulatory import class_share_bars, transfer_lines
from monitor.metrics import Scope
from pages import common as ui


def _mapping(key: str) -> None:
    """The active class ← DPD mapping, as a small table under its label."""
    tr = ui.tr
    s = rg.classification(key)
    st.markdown(f"**{tr('Mapping in force')}** · {s.label(ui.lang())}")
    shown = rg.mapping(key, ui.lang())
    shown["class"] = shown["class"].map(tr)  # 'Stage 1' reads '阶段 1' in Chinese
    st.dataframe(shown.rename(columns={"class": tr("Class"), "dpd": tr("DPD")}), hide_index=True, width="stretch")


def _month_table(mix, npl, month: date, key: str, name: str, transfers=None) -> None:
    """One month by product under a view, with its download."""
    tr, lang = ui.tr, ui.lang()
    table = ui.compute(rg.month_table, mix, npl, month, transfers)
    if table.empty:
        ui.no_data()
        return
    names = rg.column_labels(table.columns, tr)
    shown = table.assign(grp=[tr("All") if g == "ALL" else g for g in table["grp"]]).rename(columns=names)
    fmts = {names[c]: fmt.pct if c.endswith(" %") or c in rg.RATE_LABELS else (lambda x: fmt.money(x, lang))
            for c in table.columns if c != "grp"}
    st.dataframe(shown.style.format(fmts, na_rep="—"), hide_index=True, width="stretch")
    ui.download(table, f"{name}_{fmt.month(month)}", key=f"{key}_{name}_csv")


def render(scope: Scope, month: date, key: str = "regulatory") -> None:
    """The five-tier and IFRS 9 views of `scope` over its months, with tables by product for `month`."""
    tr, lang = ui.tr, ui.lang()
    st.subheader(tr("Regulatory views"))
    five, stages = rg.scoped(scope, rg.FIVE_TIER), rg.scoped(scope, rg.IFRS9)
    # pure pandas on fetched frames, cached like the queries (they cost ~0.2 s a render otherwise)
    five_mix = ui.compute(rg.class_mix, ui.fetch("bucket_balance", five, group_by="product"), rg.FIVE_TIER)
    npl = ui.compute(rg.npl_ratio, five_mix, rg.npl_index())
    stage_mix = ui.compute(rg.class_mix, ui.fetch("bucket_balance", stages, group_by="product"), rg.IFRS9)
    moves = ui.compute(rg.stage_transfers, ui.fetch("transition_matrix", stages, group_by="product"))
    if five_mix.empty:
        ui.no_data()
        return
    span = f"{fmt.month(scope.from_month)} … {fmt.month(scope.to_month)}" if scope.from_month else ""
    tab_five, tab_stage = st.tabs([tr("Five-tier classification (五级分类)"), tr("IFRS 9 stages")])
    with tab_five:
        now = rg.npl_at(npl, month)
        left, right = st.columns([3, 1])
        with left:
            ui.chart(ui.figure(class_share_bars, five_mix, rg.classification(rg.FIVE_TIER),
                                      tr("Five-tier classification: share of exposure outside 正常"),
                                      subtitle(tr("by balance"), rg.classification(rg.FIVE_TIER).label(lang), span),
                                      lang, npl=npl), f"{key}_five_tier")
        with right:
            if now:
                st.metric(tr("NPL ratio · {m}", m=fmt.month(month)), fmt.pct(now["npl_ratio"]),
                          help=tr("次级 + 可疑 + 损失 over the total exposure: {x} of {y}.",
                                  x=fmt.money(now["npl_exposure"], lang, exact=True),
                                  y=fmt.money(now["exposure"], lang, exact=True)))
            _mapping(rg.FIVE_TIER)
        st.caption(tr("Exposure by class and product, {m}", m=fmt.month(month)))
        _month_table(five_mix, npl, month, key, "five_tier")
    with tab_stage:
        left, mid, right = st.columns([2, 2, 1])
        with left:
            ui.chart(ui.figure(class_share_bars, stage_mix, rg.classification(rg.IFRS9),
                               tr("IFRS 9 stage mix: stage 2 and 3"),
                                      subtitle(tr("share of exposure"), rg.classification(rg.IFRS9).label(lang), span),
                                      lang, dtick="M6"), f"{key}_stages")
        with mid:
            ui.chart(ui.figure(transfer_lines, moves, tr("Stage transfer rates"),
                                    tr("share of stage-k exposure at t−1 in stage k+1 at t"), lang),
                     f"{key}_transfers")
        with right:
            _mapping(rg.IFRS9)
        st.caption(tr("Stage mix by product, {m}", m=fmt.month(month)))
        _month_table(stage_mix, None, month, key, "ifrs9_stages", moves)
