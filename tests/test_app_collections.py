"""Collections page under AppTest: the cure heatmap and the best-action cards equal the metrics layer
(monitor.metrics.roll_cure, split by the collection-action segment), a product filter changes them, the
sample book's mid-2024 collections change reads off the figures, the projection equals
monitor.projection on the metrics' frames, and a book without collection_action / restructured says
what it cannot show."""
from __future__ import annotations

import os

import numpy as np
import pytest
from helpers import APP, REAL, figure

from monitor import fmt
from monitor import projection as pj
from monitor.metrics import Scope, bucket_balance, flow_rates, months, roll_cure

PAGE = "pages/collections.py"
H1, H2 = ["2024-01", "2024-06"], ["2024-07", "2024-12"]






def _open(data, query: dict | None = None, lang: str = "zh"):
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data)
    at = AppTest.from_file(APP, default_timeout=240)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE)
    if lang != "zh":
        at.segmented_control(key="lang").set_value(lang)
    return at.run()


def _heatmap(at) -> dict[tuple[str, str], tuple[float, int]]:
    """(action label, bucket) -> (cure rate, loans) read from the heatmap's data."""
    trace = figure(at, "collections_heatmap")["data"][0]
    out = {}
    for i, action in enumerate(trace["y"]):
        for j, bucket in enumerate(trace["x"]):
            rate, loans = trace["z"][i][j], trace["customdata"][i][j][0]
            if rate is not None and not np.isnan(rate):
                out[(action, bucket)] = (rate, int(loans))
    return out


def _pooled_cure(book, scope: Scope, bucket_idx: int = 1) -> tuple[float, int]:
    """Cure rate by count of bucket k pooled over the scope's months, from metrics.roll_cure."""
    rc = roll_cure(book.con, scope, "none")
    d = rc[rc["from_idx"] == bucket_idx]
    return d["cured_loans"].sum() / d["loans"].sum(), int(d["loans"].sum())


def test_heatmap_and_cards_equal_the_metrics_layer(sample, book):
    at = _open(sample)
    assert not at.exception
    cells = _heatmap(at)
    rate, loans = _pooled_cure(book, Scope())
    assert cells[("全部动作", "M1")] == (pytest.approx(rate, rel=1e-12), loans)
    phone = _pooled_cure(book, Scope(seg_dim="collection_action", seg_values=("phone",)))
    sms = _pooled_cure(book, Scope(seg_dim="collection_action", seg_values=("sms",)))
    assert cells[("电话", "M1")] == (pytest.approx(phone[0], rel=1e-12), phone[1])
    # the M1 card names the best action and its lead over the next one
    card = next(m for m in at.metric if m.label.startswith("M1 · "))
    assert (card.label, card.value) == ("M1 · 回收最佳：电话", fmt.pct(phone[0]))
    assert card.proto.delta == f"{fmt.pp(phone[0] - sms[0])} 对比 短信"
    # outsourcing (委外) against phone for M3: both are on the heatmap
    m3 = {a: _pooled_cure(book, Scope(seg_dim="collection_action", seg_values=(a,)), 3)[0]
          for a in ("outsourced", "phone")}
    assert cells[("委外", "M3")][0] == pytest.approx(m3["outsourced"], rel=1e-12)
    assert cells[("电话", "M3")][0] == pytest.approx(m3["phone"], rel=1e-12)


def test_product_filter_changes_the_numbers(sample, book):
    at = _open(sample, {"product": "消费分期"})
    assert not at.exception
    rate, loans = _pooled_cure(book, Scope(products=("消费分期",)))
    got = _heatmap(at)[("全部动作", "M1")]
    assert got == (pytest.approx(rate, rel=1e-12), loans)
    assert got[0] != pytest.approx(_pooled_cure(book, Scope())[0])


def test_the_mid_2024_collections_change_reads_off_the_figures(sample):
    before, after = _heatmap(_open(sample, {"months": H1})), _heatmap(_open(sample, {"months": H2}))
    # M1 cure by count rises from the low 40s to the mid 50s (outcome months; July's outcomes still
    # come from June's old action mix)
    cure_before, cure_after = before[("全部动作", "M1")][0], after[("全部动作", "M1")][0]
    assert 0.38 < cure_before < 0.47 and 0.51 < cure_after < 0.62 and cure_after - cure_before > 0.08
    # because M1 moved from SMS to phone: phone's share of M1 loans, and phone curing more than SMS
    share = {name: cells[("电话", "M1")][1] / cells[("全部动作", "M1")][1]
             for name, cells in (("before", before), ("after", after))}
    assert share["before"] < 0.2 < 0.6 < share["after"]
    for cells in (before, after):
        assert cells[("电话", "M1")][0] - cells[("短信", "M1")][0] > 0.1


def test_trend_shows_the_action_mix_shift(sample):
    at = _open(sample)
    bars = {t["name"]: t for t in figure(at, "collections_trend")["data"] if t["type"] == "bar"}
    phone = dict(zip([x[:7] for x in bars["电话"]["x"]], bars["电话"]["y"]))
    # outcome months: the new policy's actions (2024-07) show from 2024-08
    assert phone["2024-03"] < 0.2 and phone["2024-10"] > 0.6


def test_projection_equals_the_projection_module(sample, book):
    at = _open(sample)
    last = months(book.con)[-1]
    bb, fr = bucket_balance(book.con, Scope()), flow_rates(book.con, Scope())
    grid = pj.project(pj.bucket_vector(bb, last, 8), pj.flow_vector(fr, last, "avg3", 7), 6)
    traces = {t["name"]: t for t in figure(at, "collections_projection")["data"]}
    projected = traces["M7（核销） · 预测"]
    assert projected["customdata"][-1] == pytest.approx(grid[6, 7], rel=1e-12)
    assert traces["M4+ · 预测"]["customdata"][-1] == pytest.approx(grid[6, 4:].sum(), rel=1e-12)
    summary = pj.backtest_summary(pj.backtest(bb, fr, 8, 4, "avg3", 6))
    bars = [t for t in figure(at, "collections_backtest_error")["data"] if t["type"] == "bar"]
    assert bars[0]["y"] == pytest.approx(summary[summary["target"] == "npl"]["mape"].tolist(), rel=1e-12)


def test_english(sample):
    at = _open(sample, lang="en")
    assert not at.exception
    assert at.title[0].value == "Collections"
    assert any(m.label == "M1 · best cure: Phone call" for m in at.metric)
    assert "Outsourced agency" in figure(at, "collections_heatmap")["data"][0]["y"]


@pytest.mark.skipif(not REAL.exists(), reason="the real panel is not there")
def test_real_panel_without_collection_columns():
    at = _open(REAL, lang="en")
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "collection_action" in infos and "restructured" in infos
    # the projection needs only the snapshots: it is drawn, with a warning about its >100% flow rates
    assert figure(at, "collections_projection")["data"]
    assert any("above 100%" in w.value for w in at.warning)


def test_edge_cases_read_plainly(tmp_path, sample):
    # one month: no pair, no flow rate, no backtest; every section says so instead of failing
    one = tmp_path / "one.csv"
    one.write_text("snapshot_month,loan_id,outstanding_balance,days_past_due,collection_action,restructured\n"
                   "2024-05,A,100,10,sms,false\n2024-05,B,200,0,none,false\n", encoding="utf-8")
    at = _open(one, lang="en")
    assert not at.exception
    assert any("No delinquent loans with a following month" in i.value for i in at.info)
    # the book's first month alone: no pair ends there
    at = _open(sample, {"months": ["2023-01", "2023-01"], "product": "微粒贷"})
    assert not at.exception
    assert any("逾期贷款" in i.value for i in at.info)
    # the US scheme: every chart names it
    at = _open(sample, {"scheme": "us", "months": ["2025-06", "2025-12"]})
    assert not at.exception
    assert "美国口径" in figure(at, "collections_heatmap")["layout"]["title"]["subtitle"]["text"]
