"""Unit tests of the Overview and Data page reshaping, with hand-written rows and expected values."""
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from monitor import views_data as vd
from monitor import views_overview as vo
from monitor.definitions import load_definitions
from monitor.errors import Issue

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ["M1+", "M2+", "M4+"]


def rows(spec):
    """overdue_by_month-like rows from (month, grp, balance, loans, overdue_amount, {level: rate})."""
    out = []
    for month, grp, balance, loans, amount, rates in spec:
        for lv, rate in rates.items():
            out.append({"snapshot_month": pd.Timestamp(month), "grp": grp, "level": lv, "loans": loans,
                        "balance": balance, "overdue_amount": amount, "rate": rate})
    return pd.DataFrame(out)


RATES = rows([
    ("2024-12-01", "ALL", 100.0, 10, 2.0, {"M1+": 0.02, "M2+": 0.01, "M4+": 0.005}),
    ("2025-11-01", "ALL", 180.0, 18, 4.0, {"M1+": 0.035, "M2+": 0.015, "M4+": 0.006}),
    ("2025-12-01", "ALL", 200.0, 20, 5.0, {"M1+": 0.04, "M2+": 0.02, "M4+": 0.006}),
    ("2024-12-01", "A", 60.0, 6, 1.0, {"M1+": 0.03, "M2+": 0.01, "M4+": 0.0}),
    ("2025-11-01", "A", 100.0, 10, 3.0, {"M1+": 0.05, "M2+": 0.02, "M4+": 0.01}),
    ("2025-12-01", "A", 150.0, 15, 4.0, {"M1+": 0.06, "M2+": 0.02003, "M4+": 0.008}),
    ("2025-11-01", "B", 80.0, 8, 1.0, {"M1+": 0.02, "M2+": 0.01, "M4+": 0.002}),
    ("2025-12-01", "B", 50.0, 5, 1.0, {"M1+": 0.01, "M2+": 0.01, "M4+": 0.002}),
])


def test_shift_month():
    assert vo.shift_month(date(2025, 1, 1), -1) == date(2024, 12, 1)
    assert vo.shift_month(date(2025, 3, 1), -12) == date(2024, 3, 1)
    assert vo.shift_month(date(2024, 12, 1), 1) == date(2025, 1, 1)


def test_kpis_values_and_changes():
    cards = {k.key: k for k in vo.kpis(RATES, date(2025, 12, 1), LEVELS)}
    assert list(cards) == ["exposure", "M1+", "M2+", "M4+", "overdue_amount"]
    m1 = cards["M1+"]
    assert (m1.value, m1.prev, m1.year_ago) == (0.04, 0.035, 0.02)
    assert m1.mom == pytest.approx(0.005) and m1.yoy == pytest.approx(0.02)
    assert vo.change_text(m1, "mom") == "+0.50 pp" and vo.change_text(m1, "yoy") == "+2.00 pp"
    exp = cards["exposure"]
    assert exp.mom == pytest.approx(200 / 180 - 1) and exp.yoy == pytest.approx(1.0)
    assert vo.change_text(exp, "yoy") == "+100.0%"
    assert cards["overdue_amount"].value == 5.0 and cards["overdue_amount"].mom == pytest.approx(0.25)
    assert cards["M4+"].mom == pytest.approx(0.0)


def test_kpis_without_comparison_months_or_amount():
    only = RATES[RATES["snapshot_month"] != pd.Timestamp("2025-11-01")]
    cards = {k.key: k for k in vo.kpis(only, date(2025, 12, 1), LEVELS, has_overdue_amount=False)}
    m2 = cards["M2+"]
    assert not m2.has_prev and m2.mom is None and vo.change_text(m2, "mom") is None
    assert m2.has_year_ago and m2.yoy == pytest.approx(0.01)
    assert cards["overdue_amount"].value is None
    none = {k.key: k for k in vo.kpis(RATES, date(2026, 1, 1), LEVELS)}
    assert none["exposure"].value is None and not none["exposure"].has_year_ago


def test_kpis_relative_change_of_zero_base_is_undefined():
    z = rows([("2025-11-01", "ALL", 0.0, 0, 0.0, {"M1+": None}),
              ("2025-12-01", "ALL", 10.0, 1, 1.0, {"M1+": 0.1})])
    cards = {k.key: k for k in vo.kpis(z, date(2025, 12, 1), ["M1+"])}
    assert cards["exposure"].has_prev and cards["exposure"].mom is None
    assert cards["M1+"].mom is None


def test_headline_levels():
    assert vo.headline_levels(["M1+", "M2+", "M3+", "M4+"]) == ["M1+", "M2+", "M4+"]
    assert vo.headline_levels(["M1+", "M2+"]) == ["M1+", "M2+"]


def test_product_table():
    t = vo.product_table(RATES, date(2025, 12, 1), LEVELS)
    assert t["grp"].tolist() == ["ALL", "A", "B"]  # ALL first, then by exposure
    a = t.set_index("grp").loc["A"]
    assert a["exposure"] == 150.0 and a["loans"] == 15
    assert a["M1+ MoM"] == pytest.approx(0.01) and a["M1+ YoY"] == pytest.approx(0.03)
    assert a["M4+ MoM"] == pytest.approx(-0.002)
    # +0.003 pp on M2+ shows as +0.00 pp: not a worsening
    assert a["M2+ MoM"] == pytest.approx(0.00003) and a["worsened"] == ("M1+",)
    b = t.set_index("grp").loc["B"]
    assert pd.isna(b["M1+ YoY"]) and b["worsened"] == ()
    assert vo.worsened_products(t) == [("A", ("M1+",))]
    assert t.set_index("grp").loc["ALL", "worsened"] == ("M1+", "M2+")


def test_product_table_empty_month():
    t = vo.product_table(RATES, date(2026, 1, 1), LEVELS)
    assert t.empty and "M2+ MoM" in t.columns


def test_product_styler_and_export():
    t = vo.product_table(RATES, date(2025, 12, 1), LEVELS)
    html = vo.product_styler(t, LEVELS, "zh").to_html()
    assert "全部" in html and "+1.00 pp" in html and "6.00%" in html
    out = vo.product_export(t, LEVELS, "en")
    assert list(out.columns[:4]) == ["Product", "Exposure", "Loans", "M1+"]
    assert out["Worse MoM"].tolist() == ["M1+ M2+", "M1+", ""]


def test_trend_frame_keeps_the_last_12_months():
    spec = [(f"{2024 + (i // 12)}-{i % 12 + 1:02d}-01", "ALL", 100.0 + i, 10, 1.0, {"M1+": i / 100})
            for i in range(14)]  # 2024-01 … 2025-02
    tr = vo.trend_frame(rows(spec), date(2025, 2, 1), ["M1+"])
    assert len(tr) == 12 and tr["snapshot_month"].iloc[0] == pd.Timestamp("2024-03-01")
    assert tr["exposure"].iloc[-1] == 113.0 and tr["M1+"].iloc[-1] == pytest.approx(0.13)
    assert list(tr.columns) == ["snapshot_month", "exposure", "overdue_amount", "M1+"]


def test_change_color():
    assert vo.change_color(0.001, "rate") == "red"
    assert vo.change_color(-0.001, "rate") == "green"
    assert vo.change_color(0.00001, "rate") == "gray"
    assert vo.change_color(0.2, "money", up_is_bad=False) == "gray"
    assert vo.change_color(None, "rate") == "gray"


def test_summary_sentence():
    cards = vo.kpis(RATES, date(2025, 12, 1), LEVELS)
    t = vo.product_table(RATES, date(2025, 12, 1), LEVELS)
    text = vo.summary_sentence(cards, vo.worsened_products(t), date(2025, 12, 1), "en")
    assert text.startswith("2025-12: M2+ overdue rate 2.00% (+0.50 pp MoM, +1.00 pp YoY)")
    assert "A (M1+)" in text


def test_column_status():
    df = vd.column_status(["product", "overdue_amount"], {"product": "EDUCATION", "overdue_amount": "od"}, "en")
    assert len(df) == len(vd.OPTIONAL_USES)
    row = df.set_index("Column")
    assert row.loc["product", "Present"] and row.loc["product", "Source column"] == "EDUCATION"
    assert row.loc["origination_month", "When missing"] == "No vintage analysis"
    assert row.loc["collection_action", "When missing"].startswith("No collections page")
    assert row.loc["overdue_amount", "When missing"] == ""


def test_warnings_frame():
    issues = [Issue("balance_negative", "outstanding_balance", 3932, ("row 44: -159.0",),
                    "x.parquet: column 'outstanding_balance': 3,932 row(s) carry a negative balance.",
                    "x.parquet：列 'outstanding_balance'：3,932 行余额为负。"),
              Issue("dpd_jumps", "days_past_due", 6209, ("a", "b"), "f: column 'days_past_due': jumps", "")]
    df = vd.warnings_frame(issues, "en")
    assert df["Check"].tolist() == ["Negative balance (credit balance)", "DPD rising faster than the calendar"]
    assert df["Count"].tolist() == [3932, 6209] and df["Unit"].tolist() == ["rows", "loan-months"]
    assert df["Details"].iloc[0] == "3,932 row(s) carry a negative balance."
    assert df["Examples"].iloc[1] == "a; b"
    zh = vd.warnings_frame(issues, "zh")
    assert zh["说明"].iloc[0] == "3,932 行余额为负。" and zh["检查项"].iloc[0] == "余额为负（溢缴款）"
    assert vd.warnings_frame([], "en").empty


def test_cube_frame():
    df = vd.cube_frame({"monthly_cube": {"rows": 978, "seconds": 0.05}}, "en")
    assert df.to_dict("records") == [{"Cube": "monthly_cube", "Rows": 978, "Build seconds": 0.05}]


def test_bucket_tables_follow_the_definitions():
    defs = load_definitions()
    text = vd.bucket_tables(defs, "en")
    assert "| DPD | 0 | 1–30 | 31–60 | 61–90 | 91–120 | 121–150 | 151–180 | ≥ 181 |" in text
    assert "| DPD | 0 | 1–29 | 30–59 | 60–89 | 90–119 | 120–149 | 150–179 | ≥ 180 |" in text
    assert "M2+ = DPD ≥ 31" in text and "M2+ = DPD ≥ 30" in text
    classes = vd.bucket_tables(defs, "en", "classes")
    assert "| 关注 | 1–90 |" in classes and "| 损失 | ≥ 181 |" in classes
    assert "NPL = 次级 + 可疑 + 损失 (DPD ≥ 91)" in classes and "| Stage 2 | 31–90 |" in classes
    assert "逾期层级：M1+ = 逾期天数 ≥ 1，" in vd.bucket_tables(defs, "zh")


def test_docs_tables_match_the_definitions():
    """docs/metrics.md keeps a copy of the generated tables: it must match the configuration."""
    text = vd.read_dictionary(ROOT)
    blocks = vd._TABLES_BLOCK.findall(text)
    assert sorted(blocks) == sorted((lang, which) for lang in ("zh", "en") for which in ("schemes", "classes"))
    for m in vd._TABLES_BLOCK.finditer(text):
        assert m.group(0) == vd.tables_block(load_definitions(), m.group(1), m.group(2)), m.group(1, 2)


def test_dictionary_sections():
    text = vd.read_dictionary(ROOT)
    defs = load_definitions()
    zh, en = vd.dictionary(text, defs, "zh"), vd.dictionary(text, defs, "en")
    assert "迁徙率" in zh and "Flow rate" not in zh.split("迁徙率")[0]
    assert "#### Flow rate (迁徙率, aggregate)" in en and "数据与敞口" not in en
    for body in (zh, en):
        assert "<!--" not in body and "| 31–60 |" in body and "| Stage 3 | ≥ 91 |" in body


def test_warnings_display():
    issues = [Issue("gaps", "snapshot_month", 1234, ("L1: 1 month(s) missing",), "f: column 'snapshot_month': gaps")]
    df = vd.warnings_display(vd.warnings_frame(issues, "en"), "en")
    assert df.to_dict("records") == [{"Check": "Gaps in a loan's months", "Column": "snapshot_month",
                                      "Count": "1,234", "Unit": "loans", "Details": "gaps"}]


def test_money_scale():
    from monitor.charts.base import money_scale
    assert money_scale(2.34e8, "zh") == (1e8, "亿")
    assert money_scale(2.18e6, "zh") == (1e4, "万")
    assert money_scale(999.0, "zh") == (1.0, "元")
    assert money_scale(2.34e8, "en") == (1e6, "M")
    assert money_scale(1.5e9, "en") == (1e9, "B")


def test_kpi_trend_figure():
    from monitor.charts.overview import kpi_trend
    df = pd.DataFrame({"snapshot_month": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]),
                       "M2+": [0.01, 0.02, 0.015], "exposure": [2.0e8, 2.1e8, 2.34e8]})
    fig = kpi_trend(df, "M2+", "M2+ rate", "by balance", "en", "rate", 2)
    line, last = fig.data
    assert list(line.y) == [0.01, 0.02, 0.015] and last.text == ("1.50%",)
    assert last.textposition == "bottom left"  # the line fell into the last point
    assert line.line.color == "#EF6C00" and "%{y:.2%}" in line.hovertemplate
    money = kpi_trend(df, "exposure", "Exposure", "", "zh", "money")
    assert list(money.data[0].y) == pytest.approx([2.0, 2.1, 2.34])
    assert list(money.data[0].customdata) == [2.0e8, 2.1e8, 2.34e8]
    assert money.data[1].text == ("2.34亿",) and money.layout.yaxis.ticksuffix == "亿"
    assert "¥%{customdata:,.2f}" in money.data[0].hovertemplate  # hover to the cent
    empty = kpi_trend(df.iloc[0:0], "M2+", "M2+", "", "en")
    assert empty.layout.annotations[0].text == "No data in the selected filters."


def test_summary_sentence_without_comparisons():
    only = RATES[RATES["snapshot_month"] == pd.Timestamp("2025-12-01")]
    cards = vo.kpis(only, date(2025, 12, 1), LEVELS)
    text = vo.summary_sentence(cards, [], date(2025, 12, 1), "zh")
    assert text == "2025-12：M2+ 逾期率 2.00%（无上月数据，无去年同期数据）；敞口余额 200元。"


def test_money_short_keeps_a_kpi_card_narrow():
    from monitor import fmt
    assert fmt.money(21_652_600.0, "zh") == "2,165.26万"
    assert fmt.money(21_652_600.0, "zh", short=True) == "2,165万"
    assert fmt.money(9_999_000.0, "zh", short=True) == "999.90万"
    assert fmt.money(123_456_789.0, "zh", short=True) == "1.23亿"
    assert fmt.money(21_652_600.0, "en", short=True) == "¥21.65M"


def test_count_short():
    from monitor import fmt
    assert fmt.count_short(576_622, "zh") == "576,622"
    assert fmt.count_short(9_999_999, "en") == "9,999,999"
    assert fmt.count_short(57_739_416, "zh") == "5,774万"
    assert fmt.count_short(57_739_416, "en") == "57.74M"
    assert fmt.count_short(123_456_789, "zh") == "1.23亿"
    assert fmt.count_short(1_234_567_890, "en") == "1.23B"
