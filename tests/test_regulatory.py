"""Regulatory views on hand-built books: the five-tier and IFRS 9 mappings at every DPD edge (DESIGN §2:
正常 0, 关注 1–90, 次级 91–120, 可疑 121–180, 损失 > 180; stage 1 ≤ 30, stage 2 31–90, stage 3 > 90), the
NPL ratio, the stage transfer rates, the CLI's JSON, and the views rendered under AppTest."""
from __future__ import annotations

import json
import os
import textwrap
from datetime import date

import pytest

from monitor import metrics as m
from monitor import regulatory as rg
from monitor.book import open_book
from monitor.definitions import load_definitions

# DPD, five-tier class, IFRS 9 stage: written out from DESIGN §2
EDGES = [(0, "正常", "Stage 1"), (1, "关注", "Stage 1"), (30, "关注", "Stage 1"), (31, "关注", "Stage 2"),
         (90, "关注", "Stage 2"), (91, "次级", "Stage 3"), (120, "次级", "Stage 3"), (121, "可疑", "Stage 3"),
         (180, "可疑", "Stage 3"), (181, "损失", "Stage 3")]
MAY, JUN = date(2024, 5, 1), date(2024, 6, 1)


def write(tmp_path, text: str, name: str = "book.csv") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def edge_book(tmp_path):
    # one loan per edge DPD with balance 2**i, so that a class's exposure names exactly its loans
    rows = "\n".join(f"2024-05,E{i},{2 ** i},{dpd}" for i, (dpd, _, _) in enumerate(EDGES))
    b = open_book(write(tmp_path, "snapshot_month,loan_id,outstanding_balance,days_past_due\n" + rows))
    yield b
    b.close()


def _expected(col: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, edge in enumerate(EDGES):
        out[edge[col]] = out.get(edge[col], 0.0) + 2 ** i
    return out


@pytest.mark.parametrize("dpd,tier,stage", EDGES)
def test_definitions_map_every_edge(dpd, tier, stage):
    defs = load_definitions()
    assert defs.classifications["five_tier"].bucket_of(dpd) == tier
    assert defs.classifications["ifrs9"].bucket_of(dpd) == stage


@pytest.mark.parametrize("key,col", [("five_tier", 1), ("ifrs9", 2)])
def test_the_cubes_roll_up_to_the_classes_at_every_edge(edge_book, key, col):
    mix = rg.class_mix(m.bucket_balance(edge_book.con, rg.scoped(m.Scope(), key)), key)
    got = dict(zip(mix["bucket"], mix["exposure"]))
    want = {c: 0.0 for c in rg.classification(key).buckets} | _expected(col)
    assert got == want
    assert mix["share"].sum() == pytest.approx(1.0)


def test_npl_ratio_and_records_of_the_edge_book(edge_book):
    total = 2 ** len(EDGES) - 1
    npl = 2 ** 5 + 2 ** 6 + 2 ** 7 + 2 ** 8 + 2 ** 9  # DPD 91, 120, 121, 180, 181
    rec = rg.regulatory_records(edge_book.con)
    assert [r["product"] for r in rec] == ["ALL", "(none)"]
    r = rec[0]
    assert (r["month"], r["loans"], r["exposure"], r["npl_exposure"]) == ("2024-05", 10, total, npl)
    assert r["npl_ratio"] == pytest.approx(npl / total)
    assert r["five_tier"] == _expected(1)
    assert r["stage"] == _expected(2)
    assert r["stage_share"]["Stage 3"] == pytest.approx(npl / total)  # stage 3 = 90+ = the NPL classes
    # one month only: no transfer rate is defined
    assert r["stage2_transfer_rate"] is None and r["stage3_transfer_rate"] is None


def test_mapping_tables_show_the_dpd_ranges_in_force():
    assert rg.mapping("five_tier").values.tolist() == [["正常", "0"], ["关注", "1–90"], ["次级", "91–120"],
                                                       ["可疑", "121–180"], ["损失", ">180"]]
    assert rg.mapping("ifrs9").values.tolist() == [["Stage 1", "0–30"], ["Stage 2", "31–90"], ["Stage 3", ">90"]]
    assert rg.mapping("five_tier", "en")["class"].tolist()[2] == "次级 Substandard"
    assert rg.npl_index() == 2
    with pytest.raises(KeyError):
        rg.classification("cn")  # a delinquency scheme is not a regulatory classification


# May -> June. Card: S1a stage 1 (0) -> stage 2 (35); S1b stage 1 (10) -> stage 1 (0); S1c stage 1 (20)
# exits; S2a stage 2 (40) -> stage 3 (95); S2b stage 2 (60) -> stage 1 (10). Loan: T1 stage 1 (0) ->
# stage 1; T2 stage 3 (100) -> stage 3 (130).
TRANSFER_BOOK = """
snapshot_month,loan_id,product,outstanding_balance,days_past_due
2024-05,S1a,card,100,0
2024-05,S1b,card,300,10
2024-05,S1c,card,600,20
2024-05,S2a,card,50,40
2024-05,S2b,card,150,60
2024-05,T1,loan,400,0
2024-05,T2,loan,70,100
2024-06,S1a,card,100,35
2024-06,S1b,card,290,0
2024-06,S2a,card,50,95
2024-06,S2b,card,140,10
2024-06,T1,loan,390,0
2024-06,T2,loan,70,130
"""


@pytest.fixture
def transfer_book(tmp_path):
    b = open_book(write(tmp_path, TRANSFER_BOOK))
    yield b
    b.close()


def test_stage_transfer_rates(transfer_book):
    tm = m.transition_matrix(transfer_book.con, rg.scoped(m.Scope(), rg.IFRS9), "product")
    got = rg.stage_transfers(tm).set_index("grp")
    # card: stage 1 at May 1000, of which 100 in stage 2 in June; stage 2 at May 200, 50 in stage 3
    assert got.loc["card", ["stage1_prev", "stage1_to_2", "stage2_prev", "stage2_to_3"]].tolist() == [
        1000, 100, 200, 50]
    assert got.loc["card", "stage2_transfer_rate"] == pytest.approx(0.1)
    assert got.loc["card", "stage3_transfer_rate"] == pytest.approx(0.25)
    # loan: stage 1 400, none moved; no stage-2 exposure: the stage 3 rate is undefined
    assert got.loc["loan", "stage2_transfer_rate"] == 0.0
    assert got.loc["loan", "stage3_transfer_rate"] != got.loc["loan", "stage3_transfer_rate"]  # NaN
    assert got.loc["ALL", "stage2_transfer_rate"] == pytest.approx(100 / 1400)
    assert got.loc["ALL", "stage3_transfer_rate"] == pytest.approx(50 / 200)


def test_cli_regulatory_json(transfer_book, tmp_path, capsys):
    from monitor import cli_more  # noqa: F401  (registers the command until cli.py imports it)
    from monitor.cli import main
    assert main(["regulatory", "--data", write(tmp_path, TRANSFER_BOOK, "cli.csv"), "--month", "2024-06"]) == 0
    recs = {r["product"]: r for r in json.loads(capsys.readouterr().out)}
    assert list(recs) == ["ALL", "card", "loan"]
    card = recs["card"]
    assert card["month"] == "2024-06" and card["exposure"] == 580.0
    assert card["five_tier"] == {"正常": 290.0, "关注": 240.0, "次级": 50.0, "可疑": 0.0, "损失": 0.0}
    assert card["stage"] == {"Stage 1": 430.0, "Stage 2": 100.0, "Stage 3": 50.0}
    assert card["npl_ratio"] == pytest.approx(50 / 580)
    assert (card["stage2_transfer_rate"], card["stage3_transfer_rate"]) == (0.1, 0.25)
    assert recs["loan"]["stage3_transfer_rate"] is None  # undefined -> null
    assert recs["ALL"]["npl_exposure"] == 120.0  # card 50 (DPD 95) + loan 70 (DPD 130)
    assert recs["ALL"]["five_tier_share"]["可疑"] == pytest.approx(70 / 1040)


def test_month_table_by_product(transfer_book):
    scope = rg.scoped(m.Scope(), rg.FIVE_TIER)
    mix = rg.class_mix(m.bucket_balance(transfer_book.con, scope, "product"), rg.FIVE_TIER)
    table = rg.month_table(mix, rg.npl_ratio(mix, rg.npl_index()), JUN).set_index("grp")
    assert list(table.index) == ["ALL", "card", "loan"]
    assert table.loc["card", "关注"] == 240 and table.loc["card", "关注 %"] == pytest.approx(240 / 580)
    assert table.loc["loan", "npl_ratio"] == pytest.approx(70 / 460)
    labels = rg.column_labels(table.reset_index().columns, lambda s: f"<{s}>")
    assert labels["grp"] == "<Product>" and labels["关注 %"] == "<关注> %" and labels["npl_ratio"] == "<NPL ratio>"


# --- the views under AppTest ---------------------------------------------------------------------
# What the Overview and Segments pages do: the shared sidebar, then render(scope, month).
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from pages import common as ui
from pages import regulatory_views
st.session_state["lang"] = {lang!r}
st.session_state["_view"] = ui.sidebar()
v = ui.view()
regulatory_views.render(v.scope, v.month, key="test")
"""


def _render(lang: str = "zh", query: dict | None = None, data=None):
    from helpers import ROOT, SAMPLE
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data or SAMPLE)
    at = AppTest.from_string(SCRIPT.format(root=str(ROOT), lang=lang), default_timeout=180)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture(scope="module")
def sample_book():
    from helpers import SAMPLE
    if not SAMPLE.exists():
        pytest.skip("the sample book is not generated")
    b = open_book(str(SAMPLE))
    yield b
    b.close()


def test_views_render_and_the_npl_card_equals_the_records(sample_book):
    from helpers import figure

    from monitor import fmt
    rec = {r["product"]: r for r in rg.regulatory_records(sample_book.con, date(2025, 12, 1))}
    at = _render()
    assert not at.exception
    npl = [x for x in at.metric if x.label.startswith("不良率")][0]
    assert npl.value == fmt.pct(rec["ALL"]["npl_ratio"])
    line = [t for t in figure(at, "test_five_tier")["data"] if t.get("mode") == "lines+markers"][0]
    assert line["y"][-1] == pytest.approx(rec["ALL"]["npl_ratio"], rel=1e-12)
    transfers = figure(at, "test_transfers")["data"]
    assert transfers[0]["y"][-1] == pytest.approx(rec["ALL"]["stage2_transfer_rate"], rel=1e-12)
    # the mapping in force is shown next to each view
    shown = [df.value for df in at.dataframe]
    assert any("91–120" in df.to_string() for df in shown) and any("31–90" in df.to_string() for df in shown)
    # a product filter changes the numbers
    at = _render(query={"product": "消费分期"})
    npl = [x for x in at.metric if x.label.startswith("不良率")][0]
    assert npl.value == fmt.pct(rec["消费分期"]["npl_ratio"]) != fmt.pct(rec["ALL"]["npl_ratio"])


def test_views_in_english_on_the_real_panel():
    from helpers import REAL
    real = REAL
    if not real.exists():
        pytest.skip("the real panel is not there")
    at = _render("en", data=real)  # six months of 2005, no product column
    assert not at.exception
    assert at.subheader[0].value == "Regulatory views"
