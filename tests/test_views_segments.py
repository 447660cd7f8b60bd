"""Segments page: the pure reshaping of monitor/views_segments.py, and its two SQL files
(ui/segment_heatmap, ui/drilldown_loans) on a hand-written book with exact expected rows."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from monitor import db
from monitor import views_segments as vs
from monitor.book import open_book
from monitor.metrics import Scope, overdue_by_month

DEC, NOV = date(2025, 12, 1), date(2025, 11, 1)


# --- pure functions ----------------------------------------------------------------------------
def test_available_dims_keeps_the_picker_order_and_only_present_columns():
    cols = ("restructured", "product", "age_band", "principal", "channel")
    assert vs.available_dims(cols) == ["product", "channel", "age_band", "restructured"]
    assert vs.available_dims(()) == []


def test_split_scope_reads_exactly_one_segment_dimension():
    base = Scope(products=("信用卡",), seg_dim="age_band", seg_values=("18-24",))
    # product/region/channel and the sidebar's own segment keep every sidebar filter
    assert vs.split_scope(base, "region") == (base, "region", False)
    assert vs.split_scope(base, "age_band") == (base, "segment", False)
    # another segment reads its own rows: the sidebar's segment filter cannot apply, and says so
    split, group_by, dropped = vs.split_scope(base, "income_band")
    assert (split.seg_dim, split.seg_values, split.products, group_by, dropped) == (
        "income_band", None, ("信用卡",), "segment", True)
    # nothing dropped when the sidebar names a segment but selects no value of it
    assert vs.split_scope(Scope(seg_dim="age_band"), "occupation")[2] is False
    assert vs.split_scope(Scope(), "occupation")[0].seg_dim == "occupation"
    with pytest.raises(ValueError):
        vs.split_scope(base, "loan_id")


def _rates() -> pd.DataFrame:
    """overdue_by_month-shaped rows: Dec 2025 at M2+ for groups A, B, C and the scope (ALL)."""
    rows = [  # grp, loans, balance, overdue_balance, overdue_loans
        ("ALL", 10, 1000.0, 60.0, 3), ("A", 5, 600.0, 12.0, 1), ("B", 3, 300.0, 45.0, 1),
        ("C", 2, 100.0, 3.0, 1)]
    out = []
    for month in (NOV, DEC):
        for grp, loans, bal, ob, ol in rows:
            out.append({"snapshot_month": pd.Timestamp(month), "grp": grp, "level": "M2+",
                        "loans": loans, "balance": bal, "overdue_balance": ob, "overdue_loans": ol,
                        "rate": ob / bal, "count_rate": ol / loans})
            out.append({"snapshot_month": pd.Timestamp(month), "grp": grp, "level": "M1+",
                        "loans": loans, "balance": bal, "overdue_balance": 2 * ob, "overdue_loans": ol,
                        "rate": 2 * ob / bal, "count_rate": ol / loans})
    return pd.DataFrame(out)


def test_month_table_by_balance_sorts_by_rate_and_gives_shares_of_the_scope():
    t = vs.month_table(_rates(), DEC, "M2+", "balance")
    assert t["grp"].tolist() == ["B", "C", "A"]  # 15% > 3% > 2%
    assert t["rate"].tolist() == pytest.approx([0.15, 0.03, 0.02])
    assert t["exposure_share"].tolist() == pytest.approx([0.3, 0.1, 0.6])
    assert t["overdue_share"].tolist() == pytest.approx([0.75, 0.05, 0.2])
    assert list(t.columns) == vs.MONTH_COLUMNS


def test_month_table_by_count_uses_loans():
    t = vs.month_table(_rates(), DEC, "M2+", "count")
    assert t["grp"].tolist() == ["C", "B", "A"]  # 1/2 > 1/3 > 1/5
    assert t["exposure_share"].tolist() == pytest.approx([0.2, 0.3, 0.5])
    assert t["overdue_share"].tolist() == pytest.approx([1 / 3] * 3)


def test_month_table_and_book_rate_of_a_month_without_data():
    assert vs.month_table(_rates(), date(2020, 1, 1), "M2+", "balance").empty
    assert vs.book_rate(_rates(), date(2020, 1, 1), "M2+", "balance") is None
    assert vs.book_rate(_rates(), DEC, "M2+", "balance") == pytest.approx(0.06)
    assert vs.book_rate(_rates(), DEC, "M2+", "count") == pytest.approx(0.3)


def test_top_values_and_trend_frame():
    t = vs.month_table(_rates(), DEC, "M2+", "balance")
    assert vs.top_values(t, 2) == ["A", "B"]  # largest exposure, not highest rate
    tr = vs.trend_frame(_rates(), "M2+", ["A"])
    assert sorted(set(tr["grp"])) == ["A", "ALL"] and set(tr["level"]) == {"M2+"} and len(tr) == 4


def test_month_matrix_orders_rows_and_puts_the_scope_last():
    m = vs.month_matrix(_rates(), "M2+", "rate", ["B", "A", "C"])
    assert m.index.tolist() == ["B", "A", "C", "ALL"]
    assert [c.date() for c in m.columns] == [NOV, DEC]
    assert m.loc["B"].tolist() == pytest.approx([0.15, 0.15])
    assert vs.month_matrix(_rates(), "M9+", "rate", ["A"]).empty


def test_cross_matrix_orders_columns_by_exposure_with_margins_last():
    cells = pd.DataFrame([  # row_key, col_key, balance, rate
        ("x", "p1", 10.0, 0.1), ("x", "p2", 30.0, 0.2), ("x", "ALL", 40.0, 0.175),
        ("y", "p1", 20.0, 0.0), ("y", "ALL", 20.0, 0.0),
        ("ALL", "p1", 30.0, 0.0333), ("ALL", "p2", 30.0, 0.2), ("ALL", "ALL", 60.0, 0.1167)],
        columns=["row_key", "col_key", "balance", "rate"])
    m = vs.cross_matrix(cells, "rate", ["y", "x"])
    assert m.index.tolist() == ["y", "x", "ALL"]
    assert m.columns.tolist() == ["p1", "p2", "ALL"]  # 30 = 30: the tie keeps pivot order
    assert pd.isna(m.loc["y", "p2"]) and m.loc["x", "p2"] == 0.2
    assert vs.cross_matrix(cells.iloc[0:0], "rate", []).empty


def test_heatmap_columns_never_cross_a_dimension_with_itself():
    dims = ["product", "channel", "age_band"]
    assert vs.heatmap_columns("product", dims) == ["month", "channel"]
    assert vs.heatmap_columns("age_band", dims) == ["month", "product", "channel"]


def test_drill_params_bind_the_same_filters_as_the_bar():
    scope = Scope(scheme="us", products=("信用卡",), seg_dim="age_band", seg_values=("18-24",))
    p = vs.drill_params(scope, "product", "信用卡", DEC, 2, 200)
    assert (p["seg_dim"], p["seg_values"], p["products"], p["regions"], p["dim"], p["dim_value"],
            p["scheme"], p["min_idx"], p["row_limit"]) == (
        "age_band", ["18-24"], ["信用卡"], None, "product", "信用卡", "us", 2, 200)
    p = vs.drill_params(scope, "income_band", "<5k", DEC, 0, 50)
    assert (p["seg_dim"], p["seg_values"], p["dim"]) == ("income_band", None, "income_band")


@pytest.mark.parametrize("name,params", [
    ("ui/drilldown_loans", vs.drill_params(Scope(), "product", "x", DEC, 1, 10)),
    ("ui/segment_heatmap", vs.heatmap_params(Scope(), "age_band", DEC, "M2+", "product"))])
def test_sql_header_lists_exactly_the_parameters_the_query_uses(name, params):
    text = db.sql_text(name)
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    declared = set(db._PARAM.findall(header[header.index("-- Params:"):]))
    assert declared == db.sql_params(text) == set(params)


def test_drill_table_shows_the_split_only_for_segments_and_only_present_columns():
    loans = pd.DataFrame(columns=[*vs.DRILL_COLUMNS, "total_loans"])
    full = ("product", "region", "channel", "overdue_amount", "origination_month", "collection_action")
    assert "age_band" in vs.drill_table(loans, "age_band", full).columns
    assert "dim_value" not in vs.drill_table(loans, "product", full).columns
    bare = vs.drill_table(loans, "product", ("product",)).columns.tolist()
    assert bare == ["loan_id", "product", "days_past_due", "bucket", "outstanding_balance"]


def test_drill_totals():
    assert vs.drill_totals(pd.DataFrame()) == {"loans": 0, "exposure": 0.0, "overdue_amount": None}
    df = pd.DataFrame({"total_loans": [7, 7], "total_exposure": [12.5, 12.5],
                       "total_overdue_amount": [None, None]})
    assert vs.drill_totals(df) == {"loans": 7, "exposure": 12.5, "overdue_amount": None}


def test_clicked_value_reads_the_raw_value_from_customdata():
    assert vs.clicked_value({"points": [{"y": "label", "customdata": ["信用卡"]}]}) == "信用卡"
    assert vs.clicked_value({"points": [{"y": "label", "customdata": "55+"}]}) == "55+"
    assert vs.clicked_value({"points": []}) is None
    assert vs.clicked_value(None) is None


# --- the SQL files on a hand-written book ------------------------------------------------------
# loan, product, age_band, restructured, DPD, balance, overdue_amount (December 2025)
BOOK = [
    ("L1", "P", "18-24", True, 45, 100.0, 30.0),
    ("L2", "P", "18-24", False, 45, 300.0, 50.0),
    ("L3", "P", "25-34", None, 0, 600.0, 0.0),
    ("L4", "Q", "18-24", False, 95, 200.0, 80.0),
    ("L5", "Q", "25-34", True, 10, 400.0, 5.0),
    ("L6", "Q", "25-34", False, 31, -50.0, 0.0),  # a credit balance: exposure 0
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    rows = [{"snapshot_month": "2025-12", "loan_id": loan, "outstanding_balance": bal,
             "days_past_due": dpd, "product": product, "age_band": age,
             "restructured": "" if restr is None else str(restr).lower(), "overdue_amount": amount}
            for loan, product, age, restr, dpd, bal, amount in BOOK]
    path = tmp_path_factory.mktemp("segbook") / "book.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    b = open_book(str(path))
    yield b
    b.close()


def _drill(book, **kw):
    p = vs.drill_params(Scope(**kw.pop("scope", {})), kw.pop("dim"), kw.pop("value"), DEC,
                        kw.pop("min_idx", 0), kw.pop("row_limit", 200))
    return db.run(book.con, "ui/drilldown_loans", **p)


def test_drilldown_sorts_by_dpd_then_balance_and_counts_before_the_limit(book):
    df = _drill(book, dim="product", value="P", row_limit=2)
    assert df["loan_id"].tolist() == ["L2", "L1"]  # DPD 45 = 45, then balance 300 > 100
    assert df["bucket"].tolist() == ["M2", "M2"]
    assert (df["total_loans"].iloc[0], df["total_exposure"].iloc[0],
            df["total_overdue_amount"].iloc[0]) == (3, 1000.0, 80.0)


def test_drilldown_level_scheme_segment_and_restructured_filters(book):
    # M2+ (China: DPD >= 31) in product Q: L4 (95) and L6 (31, exposure 0)
    df = _drill(book, dim="product", value="Q", min_idx=2)
    assert df["loan_id"].tolist() == ["L4", "L6"]
    assert df["total_exposure"].iloc[0] == 200.0
    # the US scheme puts DPD 95 in M4 (90–119) and DPD 31 in M2 (30–59)
    us = _drill(book, dim="product", value="Q", min_idx=2, scope={"scheme": "us"})
    assert us["bucket"].tolist() == ["M4", "M2"]
    # split by age band inside the sidebar's product filter
    df = _drill(book, dim="age_band", value="18-24", scope={"products": ("P",)})
    assert df["loan_id"].tolist() == ["L2", "L1"] and set(df["dim_value"]) == {"18-24"}
    # split by product inside the sidebar's segment filter (seg_dim read from its own column)
    df = _drill(book, dim="product", value="Q", scope={"seg_dim": "age_band", "seg_values": ("25-34",)})
    assert df["loan_id"].tolist() == ["L6", "L5"]
    # restructured is matched as the cube stores it: 'yes' / 'no' / '(none)'
    assert _drill(book, dim="restructured", value="yes")["loan_id"].tolist() == ["L1", "L5"]
    assert _drill(book, dim="restructured", value="(none)")["loan_id"].tolist() == ["L3"]
    # an unknown dimension name matches nothing (the CASE list is the allow-list)
    p = vs.drill_params(Scope(), "product", "P", DEC, 0, 10)
    assert db.run(book.con, "ui/drilldown_loans", **{**p, "dim": "loan_id", "dim_value": "L1"}).empty


def test_drilldown_exposure_equals_the_bar_numerator(book):
    rates = overdue_by_month(book.con, Scope(seg_dim="age_band"), group_by="segment")
    row = rates[(rates["grp"] == "18-24") & (rates["level"] == "M2+")].iloc[0]
    df = _drill(book, dim="age_band", value="18-24", min_idx=2)
    assert df["total_exposure"].iloc[0] == pytest.approx(row["overdue_balance"]) == 600.0
    assert df["total_loans"].iloc[0] == row["overdue_loans"] == 3


def test_segment_heatmap_cells_and_margins(book):
    cells = db.run(book.con, "ui/segment_heatmap",
                   **vs.heatmap_params(Scope(), "age_band", DEC, "M2+", "product"))
    got = {(r.row_key, r.col_key): (r.balance, r.overdue_balance, r.loans, r.overdue_loans)
           for r in cells.itertuples()}
    assert got == {
        ("18-24", "P"): (400.0, 400.0, 2, 2), ("18-24", "Q"): (200.0, 200.0, 1, 1),
        ("25-34", "P"): (600.0, 0.0, 1, 0), ("25-34", "Q"): (400.0, 0.0, 2, 1),
        ("18-24", "ALL"): (600.0, 600.0, 3, 3), ("25-34", "ALL"): (1000.0, 0.0, 3, 1),
        ("ALL", "P"): (1000.0, 400.0, 3, 2), ("ALL", "Q"): (600.0, 200.0, 3, 2),
        ("ALL", "ALL"): (1600.0, 600.0, 6, 4)}
    rate = cells.set_index(["row_key", "col_key"])
    assert rate.loc[("ALL", "ALL"), "rate"] == pytest.approx(600 / 1600)
    assert rate.loc[("25-34", "Q"), "count_rate"] == pytest.approx(0.5)


# --- figure builders ---------------------------------------------------------------------------
def test_rate_bars_mark_values_above_the_scope_and_carry_the_raw_value():
    from monitor.charts.segments import ABOVE_COLOR, BELOW_COLOR, rate_bars
    t = vs.month_table(_rates(), DEC, "M2+", "balance")
    fig = rate_bars(t, 0.06, "M2+ by product", "M2+ · by balance · China", "en")
    rate, share, overdue = fig.data
    assert list(rate["y"]) == ["B", "C", "A"] and list(rate["x"]) == pytest.approx([0.15, 0.03, 0.02])
    assert list(rate.marker.color) == [ABOVE_COLOR, BELOW_COLOR, BELOW_COLOR]
    assert [c[0] for c in rate["customdata"]] == ["B", "C", "A"]
    assert list(share["x"]) == pytest.approx([0.3, 0.1, 0.6])
    assert list(overdue["x"]) == pytest.approx([0.75, 0.05, 0.2])
    assert fig.layout.shapes[0].x0 == 0.06  # the scope's rate as the reference line
    assert fig.layout.title.subtitle.text == "M2+ · by balance · China"
    assert "%{x:.2%}" in rate.hovertemplate
    empty = rate_bars(t.iloc[0:0], None, "t", "s", "en")
    assert empty.layout.annotations[0].text == "No data in the selected filters."


def test_rate_heatmap_and_trend_lines():
    from monitor.charts.segments import month_dtick, rate_heatmap, trend_lines
    m = vs.month_matrix(_rates(), "M2+", "rate", ["B", "A", "C"])
    fig = rate_heatmap(m, "t", "s", "en", month_columns=True,
                       loans=vs.month_matrix(_rates(), "M2+", "loans", ["B", "A", "C"]))
    heat = fig.data[0]
    assert list(heat.y) == ["B", "A", "C", "All"]
    assert list(heat.text[0]) == ["15.00%", "15.00%"] and list(heat.customdata[3]) == [10, 10]
    assert (month_dtick(6), month_dtick(12), month_dtick(36)) == ("M1", "M3", "M6")
    one = trend_lines(vs.trend_frame(_rates()[_rates()["snapshot_month"] == pd.Timestamp(DEC)], "M2+", ["A"]),
                      "rate", "t", "s", "en")
    assert "two months" in one.layout.annotations[0].text
    two = trend_lines(vs.trend_frame(_rates(), "M2+", ["A"]), "rate", "t", "s", "en")
    assert [d.name for d in two.data] == ["A", "All"]
