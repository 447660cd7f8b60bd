"""The report's pure parts with hand-written expected values: the summary sentences (rising, falling,
flat, no previous month, no data) in both languages, the driver of a change, the movers' ranking,
and the filter slug of export file names."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from monitor.metrics import Scope
from monitor.report import exports, text
from monitor.report.model import Driver, driver, mover_rows, rank_movers
from monitor.views_overview import Kpi

CARD, LOAN = Driver("信用卡", -0.003, -0.001), Driver("消费分期", 0.012, 0.002)


# --- the headline sentence -------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "en", "zh"), [
    (("M2+", 0.0384, 0.0031, LOAN, 2, 0),
     "M2+ rose 0.31 pp to 3.84%, driven by 消费分期 (+1.20 pp); 2 critical breaches.",
     "M2+ 逾期率环比上升 0.31 个百分点，至 3.84%，主要来自消费分期（+1.20 pp）；触发严重预警 2 项。"),
    (("M2+", 0.0198, -0.0012, CARD, 0, 1),
     "M2+ fell 0.12 pp to 1.98%, led by 信用卡 (-0.30 pp); 1 warning.",
     "M2+ 逾期率环比下降 0.12 个百分点，至 1.98%，主要来自信用卡（-0.30 pp）；触发一般预警 1 项。"),
    # flat: |change| below 0.01 pp, and a driver is never named for a flat rate
    (("M2+", 0.02, 0.00004, LOAN, 1, 2),
     "M2+ was flat at 2.00% (a change below 0.01 pp); 1 critical breach and 2 warnings.",
     "M2+ 逾期率与上月持平，为 2.00%（变动不足 0.01 个百分点）；触发严重预警 1 项、一般预警 2 项。"),
    (("M2+", 0.02, -0.000099, None, 0, 0),
     "M2+ was flat at 2.00% (a change below 0.01 pp); no breaches.",
     "M2+ 逾期率与上月持平，为 2.00%（变动不足 0.01 个百分点）；未触发预警。"),
    # exactly 0.01 pp is a move
    (("M1+", 0.0405, 0.0001, None, 3, 1),
     "M1+ rose 0.01 pp to 4.05%; 3 critical breaches and 1 warning.",
     "M1+ 逾期率环比上升 0.01 个百分点，至 4.05%；触发严重预警 3 项、一般预警 1 项。"),
    # the first month of the book
    (("M2+", 0.02, None, None, 0, 0),
     "M2+ was 2.00%, with no previous month to compare with; no breaches.",
     "M2+ 逾期率为 2.00%，无上月数据可比；未触发预警。"),
])
def test_headline_sentence(args, en, zh):
    assert text.headline_sentence(*args, "en") == en
    assert text.headline_sentence(*args, "zh") == zh


@pytest.mark.parametrize(("in_book", "en", "zh"), [
    (True, "No data for 2025-12 in the filters in force: there are no rates to report. Rules: 2 critical breaches.",
     "2025-12 在当前筛选条件下没有数据，无逾期率可报告。预警规则：触发严重预警 2 项。"),
    (False, "2025-12 is not in the book (2024-01 … 2024-03): there are no rates to report. Rules: 2 critical "
            "breaches.",
     "2025-12 不在数据范围内（2024-01 … 2024-03），无逾期率可报告。预警规则：触发严重预警 2 项。"),
])
def test_no_data_sentence(in_book, en, zh):
    months = [date(2025, 11, 1), date(2025, 12, 1)] if in_book else [date(2024, m, 1) for m in (1, 2, 3)]
    assert text.no_data_sentence(date(2025, 12, 1), months, 2, 0, "en") == en
    assert text.no_data_sentence(date(2025, 12, 1), months, 2, 0, "zh") == zh


def test_levels_and_exposure_sentences():
    cards = [Kpi("exposure", "money", 250e6, 200e6, None, True, False),
             Kpi("M1+", "rate", 0.0405, 0.0332, 0.0156, True, True),
             Kpi("M2+", "rate", 0.0200, 0.0171, 0.0081, True, True),
             Kpi("M4+", "rate", 0.0094, 0.0078, 0.0042, True, True),
             Kpi("overdue_amount", "money", 2e6, 2.5e6, None, True, False)]
    assert text.levels_sentence(cards, "M2+", "en") == \
        "M1+ 4.05% (+0.73 pp MoM), M4+ 0.94% (+0.16 pp MoM); year on year, M2+ +1.19 pp."
    assert text.levels_sentence(cards, "M2+", "zh") == \
        "M1+ 逾期率 4.05%（环比 +0.73 pp），M4+ 逾期率 0.94%（环比 +0.16 pp）；M2+ 同比 +1.19 pp。"
    assert text.exposure_sentence(cards[0], cards[4], "en") == \
        "Exposure ¥250.00M (+25.0% MoM); overdue amount ¥2.00M (-20.0% MoM)."
    assert text.exposure_sentence(cards[0], cards[4], "zh") == \
        "敞口余额 2.50亿（环比 +25.0%）；逾期金额 200.00万（环比 -20.0%）。"
    # no month a year earlier, no previous month, no overdue_amount column
    young = [Kpi("exposure", "money", 3000.0, None, None, False, False),
             Kpi("M1+", "rate", 0.5, None, None, False, False), Kpi("M2+", "rate", 0.25, None, None, False, False)]
    assert text.levels_sentence(young, "M2+", "en") == "M1+ 50.00%; no data a year earlier for the year-on-year change."
    assert text.levels_sentence(young, "M2+", "zh") == "M1+ 逾期率 50.00%；无去年同期数据，无法计算同比。"
    assert text.exposure_sentence(young[0], None, "en") == "Exposure ¥3.00K."


def test_mover_sentence_names_the_largest_non_product_move():
    movers = pd.DataFrame([
        {"dim": "product", "value": "消费分期", "M1+": 0.15, "M1+ MoM": 0.03, "M2+": 0.09, "M2+ MoM": 0.01},
        {"dim": "age_band", "value": "18-24", "M1+": 0.0877, "M1+ MoM": 0.011, "M2+": 0.04, "M2+ MoM": 0.002},
    ])
    assert text.mover_sentence(movers, "en") == \
        "Largest move by region, channel or segment: Age band 18-24, M1+ rose 1.10 pp to 8.77%."
    assert text.mover_sentence(movers, "zh") == \
        "地区、渠道及客群中变动最大：年龄段 18-24，M1+ 逾期率环比上升 1.10 个百分点，至 8.77%。"
    assert text.mover_sentence(movers.iloc[:1], "en") == ""


def test_filters_text():
    assert text.filters_text(Scope(), "en") == "None (the whole book)"
    assert text.filters_text(Scope(), "zh") == "无（全量数据）"
    s = Scope(products=("信用卡", "消费分期"), seg_dim="age_band", seg_values=("18-24",))
    assert text.filters_text(s, "en") == "Product=信用卡+消费分期 | Age band=18-24"
    assert text.filters_text(s, "zh") == "产品=信用卡+消费分期 | 年龄段=18-24"


# --- the driver and the movers -------------------------------------------------------------------------
def _rates(rows) -> pd.DataFrame:
    """overdue_by_month-shaped rows: (month, grp, balance, overdue_balance) at level M2+."""
    return pd.DataFrame([{"snapshot_month": pd.Timestamp(m), "grp": g, "level": "M2+", "balance": b,
                          "overdue_balance": o, "rate": o / b} for m, g, b, o in rows])


def test_driver_is_the_largest_contributor_moving_the_same_way():
    rates = _rates([("2025-11-01", "ALL", 1000, 20), ("2025-11-01", "A", 600, 6), ("2025-11-01", "B", 400, 14),
                    ("2025-12-01", "ALL", 1000, 30), ("2025-12-01", "A", 600, 6), ("2025-12-01", "B", 400, 24)])
    d = driver(rates, date(2025, 12, 1), "M2+")
    assert d.product == "B"
    assert d.delta == pytest.approx(0.025)  # 14/400 -> 24/400
    assert d.contribution == pytest.approx(0.01)  # the whole change of the book: 2% -> 3%
    # flat book: no driver; one product: no driver
    flat = _rates([("2025-11-01", "ALL", 1000, 20), ("2025-11-01", "A", 600, 6), ("2025-11-01", "B", 400, 14),
                   ("2025-12-01", "ALL", 1000, 20), ("2025-12-01", "A", 600, 10), ("2025-12-01", "B", 400, 10)])
    assert driver(flat, date(2025, 12, 1), "M2+") is None
    one = _rates([("2025-11-01", "ALL", 100, 1), ("2025-11-01", "A", 100, 1),
                  ("2025-12-01", "ALL", 100, 3), ("2025-12-01", "A", 100, 3)])
    assert driver(one, date(2025, 12, 1), "M2+") is None


def test_movers_rank_by_the_larger_move_among_material_values():
    rows = []
    for m, vals in (("2025-11-01", {"ALL": (1000, 0.02, 0.01), "x": (500, 0.02, 0.01), "y": (495, 0.03, 0.01),
                                    "tiny": (5, 0.0, 0.0)}),
                    ("2025-12-01", {"ALL": (1000, 0.03, 0.01), "x": (500, 0.025, 0.02), "y": (495, 0.01, 0.01),
                                    "tiny": (5, 0.5, 0.5)})):
        for g, (bal, m1, m2) in vals.items():
            rows += [{"snapshot_month": pd.Timestamp(m), "grp": g, "level": "M1+", "balance": bal, "rate": m1},
                     {"snapshot_month": pd.Timestamp(m), "grp": g, "level": "M2+", "balance": bal, "rate": m2}]
    table = mover_rows(pd.DataFrame(rows), "region", date(2025, 12, 1))
    assert list(table["value"]) == ["x", "y", "tiny"]
    assert table.set_index("value").at["x", "move"] == pytest.approx(0.01)  # M2+ 1% -> 2%
    assert table.set_index("value").at["y", "M1+ MoM"] == pytest.approx(-0.02)
    ranked = rank_movers(table)
    # "tiny" holds 0.5% of the exposure: left out however far it moved; y fell 2 pp, x rose 1 pp
    assert list(ranked["value"]) == ["y", "x"]
    # a dimension the filters narrowed to one value is the scope itself: no mover
    only_x = pd.DataFrame([r for r in rows if r["grp"] in ("ALL", "x")])
    assert mover_rows(only_x, "region", date(2025, 12, 1)).empty


# --- export file names -----------------------------------------------------------------------------------
def test_file_stem_names_the_non_default_filters():
    whole = Scope(from_month=date(2025, 1, 1), to_month=date(2025, 12, 1))
    assert exports.file_stem("trends", whole) == "trends_202501-202512_cn"
    s = Scope(from_month=date(2025, 1, 1), to_month=date(2025, 12, 1), products=("信用卡", "消费分期", "微粒贷"),
              regions=("上海",), seg_dim="occupation", seg_values=("公务员/事业单位",))
    assert exports.file_stem("trends", s) == \
        "trends_202501-202512_cn_product-信用卡+消费分期+1more_region-上海_occupation-公务员_事业单位"
    assert exports.filters_slug(Scope(seg_dim="age_band")) == "age_band-all"
    assert exports.file_stem("逾期监控月报_202512", s, month_range=False).startswith("逾期监控月报_202512_cn_product-")
    long = Scope(from_month=date(2025, 1, 1), to_month=date(2025, 12, 1), channels=("x" * 40, "y" * 40))
    assert exports.filters_slug(long) == "channel-xxxxxxxxxxxx+yyyyyyyyyyyy"


def test_table_workbook_has_the_filters_first(tmp_path):
    import openpyxl
    df = pd.DataFrame({"月份": ["2025-11", "2025-12"], "rate": [0.02, float("nan")], "loans": [10, 12]})
    meta = [("Loan Portfolio Monitor", "trends"), ("Data source", "/data/book.parquet"),
            ("Filters", "2025-01…2025-12 | China | Product=信用卡")]
    path = tmp_path / "t.xlsx"
    path.write_bytes(exports.table_workbook(df, meta))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Filters", "Data"]
    assert [tuple(r) for r in wb["Filters"].iter_rows(values_only=True)] == meta
    data = wb["Data"]
    assert [c.value for c in data[1]] == ["月份", "rate", "loans"]
    assert [c.value for c in data[2]] == ["2025-11", 0.02, 10]
    assert data["B3"].value is None
    assert data.freeze_panes == "A2"
    assert exports.csv_header(meta[:2]) == "# Loan Portfolio Monitor: trends\n# Data source: /data/book.parquet\n"
