"""The Bucket migration page, run under AppTest and checked against monitor.records / monitor.metrics."""
from datetime import date

import pytest
from helpers import REAL, SAMPLE, figure, open_app

from monitor import metrics as m
from monitor.book import open_book
from monitor.records import migration_records

PAGE = "pages/migration.py"
LAST = date(2025, 12, 1)


@pytest.fixture(scope="module")
def con():
    book = open_book(str(SAMPLE))
    yield book.con
    book.close()


@pytest.fixture(scope="module")
def page():
    at = open_app(PAGE)
    assert not at.exception
    return at


def cell(fig: dict, frm: str, to: str) -> float:
    heat = fig["data"][0]
    return heat["z"][heat["y"].index(frm)][heat["x"].index(to)]


def test_matrix_equals_migration_records(page, con):
    rec = next(r for r in migration_records(con, "cn", LAST) if r["product"] == "ALL")
    fig = figure(page, "migration_matrix")
    assert fig["data"][0]["type"] == "heatmap"
    assert fig["data"][0]["y"] == [f"M{i}" for i in range(8)]
    assert len(fig["data"][0]["x"]) == 9  # M0 … M7 + exited
    assert cell(fig, "M1", "M0") == rec["count"]["M1"]["M0"]
    assert cell(fig, "M0", "M1") == rec["count"]["M0"]["M1"]
    assert cell(fig, "M2", "M3") == rec["count"]["M2"]["M3"]
    new = next(x for x in page.metric if "新增贷款" in x.label and "余额" not in x.label)
    assert new.value == f"{rec['new_loans']:,}"


def test_measure_switch_changes_z_consistently(con):
    at = open_app(PAGE)
    loans = figure(at, "migration_matrix")["data"][0]["z"]
    at.button_group(key="migration_measure").set_value("exposure_from").run()
    assert not at.exception
    rec = next(r for r in migration_records(con, "cn", LAST) if r["product"] == "ALL")
    balance = figure(at, "migration_matrix")
    assert cell(balance, "M1", "M2") == pytest.approx(rec["balance"]["M1"]["M2"], abs=0.01)
    at.button_group(key="migration_measure").set_value("share_loans").run()
    shares = figure(at, "migration_matrix")["data"][0]["z"]
    for row_loans, row_share in zip(loans, shares):
        total = sum(row_loans)
        assert sum(row_share) == pytest.approx(1.0)
        assert row_share == pytest.approx([v / total for v in row_loans])
    at.button_group(key="migration_measure").set_value("share_exposure").run()
    by_balance = figure(at, "migration_matrix")["data"][0]["z"]
    for row_bal, row_share in zip(balance["data"][0]["z"], by_balance):
        assert sum(row_share) == pytest.approx(1.0)
        assert row_share == pytest.approx([v / sum(row_bal) for v in row_bal])


def test_month_picker(con):
    at = open_app(PAGE)
    at.selectbox(key="migration_month").set_value("2024-07").run()
    assert not at.exception
    rec = next(r for r in migration_records(con, "cn", date(2024, 7, 1)) if r["product"] == "ALL")
    fig = figure(at, "migration_matrix")
    assert "2024-06 → 2024-07" in fig["layout"]["title"]["text"]
    assert cell(fig, "M1", "M0") == rec["count"]["M1"]["M0"]


def test_product_filter_changes_matrix(page, con):
    at = open_app(PAGE, query={"product": "消费分期"})
    assert not at.exception
    scope = m.Scope(from_month=LAST, to_month=LAST, products=("消费分期",))
    tm = m.transition_matrix(con, scope, "none")
    expect = int(tm[(tm.from_bucket == "M0") & (tm.to_bucket == "M1")]["loans"].sum())
    filtered, whole = figure(at, "migration_matrix"), figure(page, "migration_matrix")
    assert cell(filtered, "M0", "M1") == expect
    assert cell(filtered, "M0", "M1") < cell(whole, "M0", "M1")


def test_roll_cure_and_flow_rates_match_metrics(page, con):
    rc = m.roll_cure(con, m.Scope(), "none")
    fig = figure(page, "migration_roll_cure")
    m1_roll = next(t for t in fig["data"] if t["hovertemplate"].startswith("M1 滚动率"))
    want = rc[rc.from_bucket == "M1"].sort_values("to_month")["roll_rate"].tolist()
    assert m1_roll["y"] == pytest.approx(want)
    flows = figure(page, "migration_flow")
    fr = m.flow_rates(con, m.Scope(), "none")
    m0 = fr[fr.from_idx == 0].sort_values("snapshot_month")["flow_rate"].tolist()
    assert flows["data"][0]["y"] == pytest.approx(m0)
    assert any("预计核销金额" in x.label for x in page.metric)


def test_real_panel_without_optional_columns():
    at = open_app(PAGE, data=REAL)
    assert not at.exception
    fig = figure(at, "migration_matrix")
    assert "2005-08 → 2005-09" in fig["layout"]["title"]["text"]
    assert sum(sum(row) for row in fig["data"][0]["z"]) > 0
    new = next(x for x in at.metric if "新增贷款" in x.label and "余额" not in x.label)
    assert new.value == "0"  # every account is present in every month


def test_single_month_range_reads_plainly():
    at = open_app(PAGE, query={"months": ["2023-01", "2023-01"]})
    assert not at.exception
    assert any("两个相邻月份" in i.value for i in at.info)
