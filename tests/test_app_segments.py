"""Segments page under AppTest: bars equal the metrics layer, the drill-down lists exactly the loans
behind the chosen value (checked on loan_snapshots directly), hostile names drill down verbatim,
and the real panel (no region/channel/segments) renders."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from helpers import APP, REAL, figure, open_app

from monitor.definitions import load_definitions
from monitor.metrics import Scope, months, overdue_by_month

PAGE = "pages/segments.py"
HOSTILE = "x'); DROP TABLE loan_snapshots; --"






def _open(data, **sidebar):
    """The page with sidebar filters set by widget key (raw values, whatever the URL labels are).

    The sidebar is drawn by app.py; AppTest keeps its widgets in the tree only on the first run, so
    their state is set before it (the same values a person picks)."""
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in sidebar.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE)
    return at.run()


def _bars(at) -> dict[str, float]:
    """The rate bars of the page: raw dimension value -> rate."""
    trace = figure(at, "segments_bars")["data"][0]
    return {c[0]: x for c, x in zip(trace["customdata"], trace["x"])}


def _metric(book, scope: Scope, group_by: str, level: str = "M2+", column: str = "rate") -> dict:
    last = months(book.con)[-1]
    df = overdue_by_month(book.con, scope, group_by=group_by)
    d = df[(df["snapshot_month"] == pd.Timestamp(last)) & (df["level"] == level) & (df["grp"] != "ALL")]
    return dict(zip(d["grp"], d[column]))


def _loans(at) -> pd.DataFrame:
    """The drill-down table: the page's one table of loans."""
    (table,) = [d.value for d in at.dataframe if "loan_id" in d.value.columns]
    return table


def test_product_bars_equal_the_metrics_layer(sample, book):
    at = open_app(PAGE, data=sample)
    assert not at.exception
    assert _bars(at) == pytest.approx(_metric(book, Scope(), "product"))
    # the filter-changing path: a sidebar product filter changes the numbers to its own scope
    at = _open(sample, product=["消费分期", "信用卡"])
    assert not at.exception
    got = _bars(at)
    assert set(got) == {"消费分期", "信用卡"}
    assert got == pytest.approx(_metric(book, Scope(products=("消费分期", "信用卡")), "product"))


def test_count_basis_and_us_scheme_follow_the_metrics_layer(sample, book):
    at = _open(sample, scheme="us")
    at.button_group(key="segments_level").set_value("M3+").run()
    at.button_group(key="segments_basis").set_value("count").run()
    assert not at.exception
    fig = figure(at, "segments_bars")
    sub = fig["layout"]["title"]["subtitle"]["text"]
    assert "M3+" in sub and "按笔数" in sub and load_definitions().scheme("us").label_zh in sub
    assert _bars(at) == pytest.approx(_metric(book, Scope(scheme="us"), "product", "M3+", "count_rate"))


def test_segment_bars_and_drilldown_follow_the_chosen_value(sample, book):
    at = open_app(PAGE, data=sample)
    at.selectbox(key="segments_dim").set_value("age_band").run()
    assert not at.exception
    assert _bars(at) == pytest.approx(_metric(book, Scope(seg_dim="age_band"), "segment"))
    month = months(book.con)[-1]
    seen = {}
    for value in ("18-24", "55+"):
        at.selectbox(key="segments_value").set_value(value).run()
        assert not at.exception
        loans = _loans(at)
        assert set(loans["age_band"]) == {value} and len(loans) > 0
        seen[value] = set(loans["loan_id"])
        # every loan shown satisfies the filter, and the count stated is the whole selection
        direct = book.con.execute(
            "select loan_id, age_band, days_past_due from loan_snapshots "
            "where snapshot_month = ? and age_band = ? and days_past_due >= 31", [month, value]).df()
        assert seen[value] <= set(direct["loan_id"])
        assert len(loans) == min(len(direct), 200)
        assert list(loans["days_past_due"]) == sorted(loans["days_past_due"], reverse=True)
        caption = next(c.value for c in at.caption if "M2+" in c.value and value in c.value)
        assert f"共 {len(direct):,} 笔" in caption
    assert seen["18-24"] != seen["55+"]
    # all loans, not just M2+
    at.toggle(key="segments_only_level").set_value(False).run()
    n = book.con.execute("select count(*) from loan_snapshots where snapshot_month = ? and age_band = ?",
                         [month, "55+"]).fetchone()[0]
    assert len(_loans(at)) == min(n, 200) and not at.exception


def test_sidebar_segment_filter_combines_or_is_explained(sample, book):
    at = _open(sample, seg="age_band", segv=["18-24"])
    # split by product inside the sidebar's age filter: one seg_dim read, the filter applies
    scope = Scope(seg_dim="age_band", seg_values=("18-24",))
    assert _bars(at) == pytest.approx(_metric(book, scope, "product"))
    at.selectbox(key="segments_value").set_value("信用卡").run()
    ids = list(_loans(at)["loan_id"])
    ages = book.con.execute("select distinct age_band, product from loan_snapshots where snapshot_month = ? "
                            "and list_contains(?, loan_id)", [months(book.con)[-1], ids]).fetchall()
    assert ages == [("18-24", "信用卡")]
    assert not at.info
    # split by another segment: the sidebar's segment filter cannot apply, and the page says so
    at.selectbox(key="segments_dim").set_value("income_band").run()
    assert not at.exception
    assert any("年龄段 = 18-24" in i.value for i in at.info)
    assert _bars(at) == pytest.approx(_metric(book, Scope(seg_dim="income_band"), "segment"))


def test_heatmap_cell_equals_the_metrics_layer(sample, book):
    at = open_app(PAGE, data=sample)
    at.selectbox(key="segments_dim").set_value("occupation").run()
    at.selectbox(key="segments_heat_cols").set_value("product").run()
    assert not at.exception
    heat = figure(at, "segments_heatmap")["data"][0]
    col = heat["x"].index("消费分期")
    want = _metric(book, Scope(products=("消费分期",), seg_dim="occupation"), "segment")
    got = {row: heat["z"][i][col] for i, row in enumerate(heat["y"]) if row in want}
    assert got == pytest.approx(want) and len(got) == len(want)


def test_a_product_name_holding_sql_drills_down_verbatim(tmp_path):
    rows = [{"snapshot_month": m, "loan_id": f"L{i}", "outstanding_balance": 100.0 * (i + 1),
             "days_past_due": dpd, "product": product}
            for m in ("2025-11", "2025-12")
            for i, (product, dpd) in enumerate([(HOSTILE, 45), (HOSTILE, 0), ("plain", 95)])]
    path = tmp_path / "hostile.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    at = open_app(PAGE, data=path)
    assert not at.exception
    at.selectbox(key="segments_value").set_value(HOSTILE).run()
    assert not at.exception
    loans = _loans(at)
    assert loans["product"].tolist() == [HOSTILE] and loans["loan_id"].tolist() == ["L0"]
    from pages import common
    con = common._load(str(path), common._stamp(str(path))).con
    assert con.execute("select count(*) from loan_snapshots").fetchone()[0] == 6


def test_a_single_month_book_and_a_level_without_loans_read_plainly(tmp_path):
    rows = [{"snapshot_month": "2025-12", "loan_id": f"L{i}", "outstanding_balance": 50.0,
             "days_past_due": dpd, "product": p} for i, (p, dpd) in enumerate([("a", 0), ("b", 10)])]
    path = tmp_path / "one_month.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    at = open_app(PAGE, data=path)
    assert not at.exception
    assert any("没有 M2+ 贷款" in i.value for i in at.info)  # nobody is 31+ days late


@pytest.mark.skipif(not REAL.exists(), reason="the real panel is not on this machine")
def test_the_real_panel_without_optional_columns():
    at = open_app(PAGE, data=REAL)
    assert not at.exception
    assert at.selectbox(key="segments_dim").options == ["产品"]
    assert at.selectbox(key="segments_heat_cols").options == ["月份"]
    loans = _loans(at)
    assert list(loans.columns) == ["loan_id", "product", "days_past_due", "bucket", "outstanding_balance"]
    assert len(loans) > 0 and not at.exception
    assert figure(at, "segments_heatmap")["data"][0]["type"] == "heatmap"
