"""Overview page under AppTest: the headline cards equal the metrics layer (monitor.records), a
product filter changes them, English renders, and the real panel (no overdue_amount, six months)
says what it cannot show instead of failing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import APP, REAL, figure

from monitor import fmt
from monitor.book import open_book
from monitor.metrics import months
from monitor.records import summary_records

PAGE = "pages/overview.py"






def _records(book, month, scheme: str = "cn") -> dict[str, dict]:
    """The CLI's summary records of `month`, by product ('ALL' included)."""
    return {r["product"]: r for r in summary_records(book.con, scheme, month)}


@pytest.fixture(scope="module")
def latest(book):
    last = months(book.con)[-1]
    return last, _records(book, last)


def _open(data, query: dict | None = None, lang: str = "zh", **sidebar):
    """The page after the app's first run, with URL parameters `query` and sidebar widget values
    `sidebar` (raw values, by widget key) set before it.

    English is switched on for the page's run, not by the URL: the sidebar's format functions
    read the language from session state, which AppTest cannot reach between runs, so widgets
    drawn in English on the first run would be mis-labelled when the second one starts."""
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in sidebar.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(PAGE)
    if lang != "zh":
        at.segmented_control(key="lang").set_value(lang)
    return at.run()


def _color(metric) -> str:
    field = metric.proto.DESCRIPTOR.fields_by_name["color"]
    return field.enum_type.values_by_number[metric.proto.color].name


BREACH_COUNT = ("Active breaches", "当前预警")
KPIS = 5  # the five KPI cards come first; the regulatory views' metrics follow them


def _cards(at) -> dict[str, object]:
    """The KPI cards by label; a card's label carries ' :red[**· critical**]' when a rule breaches."""
    cards = [m for m in at.metric if m.label not in BREACH_COUNT][:KPIS]
    return {m.label.split(" :")[0]: m for m in cards}


def test_kpi_cards_and_breach_count_follow_the_rules(sample, latest):
    from monitor.alerts import evaluate
    from monitor.rules import load_rules
    book = open_book(sample)
    allb, _ = evaluate(book.con, load_rules(Path(sample).with_name("rules.toml")))
    book.close()
    month = max(allb["month"])
    at = _open(sample)
    count = next(m for m in at.metric if m.label in BREACH_COUNT)
    assert count.value == str(int((allb["month"] == month).sum()))
    # the book-level M2+ rule breaches critically in the latest month: its card says so
    m2 = next(m for m in at.metric if m.label.startswith("M2+"))
    crit = allb[(allb["month"] == month) & (allb["rule"] == "book_m2_level")]
    assert not crit.empty and crit["severity"].iloc[0] == "critical"
    assert m2.label.endswith(":red[**· 严重**]")


def test_m2_card_equals_the_summary_records(sample, latest):
    month, rec = latest
    at = _open(sample)
    assert not at.exception
    cards = _cards(at)
    assert cards["M2+ 逾期率"].value == fmt.pct(rec["ALL"]["overdue_rate"]["M2+"])
    assert cards["M1+ 逾期率"].value == fmt.pct(rec["ALL"]["overdue_rate"]["M1+"])
    assert cards["M4+ 逾期率"].value == fmt.pct(rec["ALL"]["overdue_rate"]["M4+"])
    assert cards["敞口余额"].value == fmt.money(rec["ALL"]["balance"], "zh")
    assert cards["逾期金额"].value == fmt.money(rec["ALL"]["overdue_amount"], "zh")
    # the trend chart's last point is the same number, unrounded
    trace = figure(at, "overview_trend_M2+")["data"][0]
    assert trace["y"][-1] == pytest.approx(rec["ALL"]["overdue_rate"]["M2+"], rel=1e-12)
    assert len(trace["y"]) == 12
    assert f"{month:%Y-%m}" in at.title[0].value


def test_mom_and_yoy_changes(sample, book):
    ms = months(book.con)
    now, prev, year = (_records(book, m)["ALL"] for m in (ms[-1], ms[-2], ms[-13]))
    at = _open(sample)
    m2 = _cards(at)["M2+ 逾期率"]
    assert m2.proto.delta == fmt.pp(now["overdue_rate"]["M2+"] - prev["overdue_rate"]["M2+"])
    # rates: up is bad (delta_color="inverse"), so a rise is red and a fall green
    assert _color(m2) == ("RED" if m2.proto.delta.startswith("+") else "GREEN")
    yoy = fmt.pp(now["overdue_rate"]["M2+"] - year["overdue_rate"]["M2+"])
    assert any(yoy in c.value and "同比" in c.value for c in at.caption)


def test_product_filter_changes_the_numbers(sample, latest):
    _, rec = latest
    at = _open(sample, {"product": "消费分期"})
    assert not at.exception
    shown = _cards(at)["M2+ 逾期率"].value
    assert shown == fmt.pct(rec["消费分期"]["overdue_rate"]["M2+"])
    assert shown != fmt.pct(rec["ALL"]["overdue_rate"]["M2+"])
    table = at.dataframe[0].value
    assert table["产品"].tolist() == ["全部", "消费分期"]
    assert "产品=消费分期" in at.caption[0].value


def test_product_table_covers_every_product(sample, latest):
    _, rec = latest
    at = _open(sample)
    table = at.dataframe[0].value.set_index("产品")
    assert set(table.index) == {"全部", *(p for p in rec if p != "ALL")}
    assert table.loc["消费分期", "M1+"] == pytest.approx(rec["消费分期"]["overdue_rate"]["M1+"], rel=1e-12)
    assert table.loc["全部", "贷款笔数"] == rec["ALL"]["loans"]
    assert table.loc["信用卡", "敞口余额"] == pytest.approx(rec["信用卡"]["balance"], abs=0.01)


def test_english(sample, latest):
    _, rec = latest
    at = _open(sample, lang="en")
    assert not at.exception
    cards = _cards(at)
    assert list(cards) == ["Exposure", "M1+ Overdue rate", "M2+ Overdue rate", "M4+ Overdue rate",
                           "Overdue amount"]
    assert cards["Exposure"].value == fmt.money(rec["ALL"]["balance"], "en")
    assert at.title[0].value.startswith("Overview")
    assert at.dataframe[0].value.columns[0] == "Product"


def test_real_panel_without_overdue_amount():
    at = _open(REAL, lang="en")
    assert not at.exception
    cards = _cards(at)
    assert cards["Overdue amount"].value == "—"
    captions = [c.value for c in at.caption]
    assert "Missing column: overdue_amount" in captions
    table = at.dataframe[0].value
    assert "M2+ YoY" not in table.columns and "M2+ MoM" in table.columns  # no year-earlier month
    # six months 2005-04…09: a previous month, but no same month a year earlier
    assert cards["M2+ Overdue rate"].proto.delta.endswith("pp")
    assert captions.count("YoY: no data a year earlier") == 4
    assert len(figure(at, "overview_trend_M1+")["data"][0]["y"]) == 6


def test_first_month_has_no_previous_month():
    at = _open(REAL, {"months": ["2005-04", "2005-04"]}, lang="en")
    assert not at.exception
    assert "Report month 2005-04" in at.caption[0].value
    assert all(not m.proto.delta for m in at.metric)
    assert [c.value for c in at.caption].count("MoM: no previous month") == 4


def test_us_scheme(sample, book, latest):
    month, cn = latest
    us = _records(book, month, "us")
    at = _open(sample, lang="en", scheme="us")
    assert not at.exception
    assert "US (M1 = DPD 1–29)" in at.caption[0].value
    shown = _cards(at)["M2+ Overdue rate"].value
    assert shown == fmt.pct(us["ALL"]["overdue_rate"]["M2+"])
    assert us["ALL"]["overdue_rate"]["M2+"] >= cn["ALL"]["overdue_rate"]["M2+"]  # DPD 30 is M2 in the US


def test_empty_scope_says_so(sample):
    # 微粒贷 had no restructured loan in 2023-01: nothing to summarise, and the page says so
    at = _open(sample, {"months": ["2023-01", "2023-01"]}, product=["微粒贷"], seg="restructured",
               segv=["yes"])
    assert not at.exception
    assert [i.value for i in at.info] == ["所选筛选条件下没有数据。"]
    assert not at.metric
