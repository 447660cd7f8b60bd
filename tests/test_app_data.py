"""Data page under AppTest: the source's counts and warnings (real panel and sample book), the
optional columns and what their absence disables, and the metric dictionary in both languages."""
from __future__ import annotations

import os

import duckdb
from helpers import APP, REAL

from monitor.cubes import CUBES

PAGE = "pages/data.py"




def _open(data, lang: str = "zh"):
    """The page after the app's first run; English is switched on for the page's run (see
    tests/test_app_overview.py for why not through the URL)."""
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    if lang != "zh":
        at.segmented_control(key="lang").set_value(lang)
    return at.run()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_real_panel_counts_and_warnings():
    at = _open(REAL, "en")
    assert not at.exception
    assert _metrics(at) == {"Rows": "180,000", "Loans": "30,000", "Months in book": "6",
                            "Month range": "2005-04 … 2005-09"}
    warnings = at.table[0].value
    assert warnings["Check"].tolist() == ["Negative balance (credit balance)",
                                          "DPD rising faster than the calendar"]
    assert warnings["Count"].tolist() == ["3,932", "6,209"]
    assert warnings["Unit"].tolist() == ["rows", "loan-months"]
    assert warnings["Details"].str.contains("e.g.").all()


def test_real_panel_missing_columns_say_what_they_disable():
    at = _open(REAL, "en")
    cols = at.dataframe[0].value.set_index("Column")
    assert cols.loc["product", "Present"] and cols.loc["product", "Source column"] == "product"
    assert not cols.loc["overdue_amount", "Present"]
    assert cols.loc["origination_month", "When missing"] == "No vintage analysis"
    assert cols.loc["principal", "When missing"] == "No vintage analysis"
    assert cols.loc["overdue_amount", "When missing"].startswith("No overdue amount")
    assert cols.loc["collection_action", "When missing"].startswith("No collections page")
    text = _markdown(at)
    assert "**Missing:** `region`" in text and "parquet" in text


def test_sample_book_counts(sample):
    with duckdb.connect() as con:
        rows, loans, months, first, last = con.execute(
            "select count(*), count(distinct loan_id), count(distinct snapshot_month), "
            "min(snapshot_month), max(snapshot_month) from read_parquet($p)", {"p": sample}).fetchone()
    at = _open(sample)
    assert not at.exception
    m = _metrics(at)
    assert m["行数"] == f"{rows:,}" and m["贷款笔数"] == f"{loans:,}" and m["月份数"] == str(months)
    assert m["月份范围"] == f"{str(first)[:7]} … {str(last)[:7]}"
    cubes = at.dataframe[-1].value.set_index("数据立方")
    assert list(cubes.index) == list(CUBES)
    assert (cubes["行数"] > 0).all()
    assert at.dataframe[0].value["已提供"].all()  # every optional column present


def test_dictionary_in_both_languages(sample):
    zh = _markdown(_open(sample))
    assert "#### 迁徙率（Flow rate，汇总口径）" in zh and "| 逾期天数 | 0 | 1–30 | 31–60 |" in zh
    assert "不良 = 次级 + 可疑 + 损失（逾期天数 ≥ 91）" in zh and "Flow rate M(k)" not in zh
    en = _markdown(_open(sample, "en"))
    assert "#### Flow rate (迁徙率, aggregate)" in en and "| DPD | 0 | 1–29 | 30–59 |" in en
    assert "Chained flow (net flow to loss)" in en and "数据与敞口" not in en
    assert "<!--" not in zh + en
