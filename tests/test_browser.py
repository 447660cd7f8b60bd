"""Real-browser smoke test: a Streamlit server and headless Chromium (Debian's, via Playwright).

Opens every page in both languages and saves a screenshot of each (artifacts/screens/), waits for
the charts, checks that no exception is shown, changes a sidebar filter and sees the chart change,
restores a view from URL parameters, switches the language, and finds the rule's lines and the
Alerts page's breaches.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from monitor import devserver

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screens"
CHROMIUM, FLAGS = devserver.CHROMIUM, devserver.BROWSER_FLAGS
PAGES = ["overview", "trends", "migration", "vintage", "segments", "alerts", "collections", "data"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]


@pytest.fixture(scope="module")
def server():
    with devserver.running(ROOT / "sample_data" / "sample_book.parquet") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def settle(page, timeout: int = 90_000) -> None:
    """The script has finished, no skeleton remains, and Plotly has drawn."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout)
    page.wait_for_timeout(700)


def open_page(browser, url: str, height: int = 2400):
    page = browser.new_page(viewport={"width": 1440, "height": height})
    page.goto(url)
    settle(page)
    return page


def _plot(key: str) -> str:
    return f"document.querySelector('.st-key-{key} .js-plotly-plot')"


def chart_y(page, key: str) -> list:
    """The y values of the first trace of the chart with widget key `key` (as Plotly drew them)."""
    return page.evaluate(f"() => Array.from({_plot(key)}._fullData[0].y)")


def exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_and_is_screenshot(server, browser, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        page = open_page(browser, f"{server}/{name}?lang={lang}")
        assert not exceptions(page), f"{name}: {exceptions(page)}"
        if name not in ("data",):
            page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
        page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)
        page.close()


def test_sidebar_filter_changes_the_chart(server, browser):
    page = open_page(browser, f"{server}/trends")
    before = chart_y(page, "trends_rate")
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    box.locator("input").click()
    page.keyboard.type("消费分期")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"(b) => {{ const d = {_plot('trends_rate')}; "
        "return d && d._fullData && JSON.stringify(Array.from(d._fullData[0].y)) !== JSON.stringify(b); }",
        arg=before, timeout=60_000)
    settle(page)
    after = chart_y(page, "trends_rate")
    assert after != before
    assert "product=" in page.url  # the filter went into the URL
    page.close()


def test_url_restores_the_view_with_the_rule_lines(server, browser):
    page = open_page(browser, f"{server}/trends?product=%E6%B6%88%E8%B4%B9%E5%88%86%E6%9C%9F"
                              "&trends_level=M1%2B&lang=en")
    assert not exceptions(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text("消费分期").count() >= 1
    shapes = page.evaluate(f"() => ({_plot('trends_rate')}.layout.shapes || []).map(s => s.y0)")
    from monitor.rules import load_rules
    (rule,) = [r for r in load_rules(ROOT / "sample_data" / "rules.toml") if r.id == "installments_m1_level"]
    assert rule.warn in shapes and rule.critical in shapes  # the sample rule's warn and critical limits
    names = page.evaluate(f"() => {_plot('trends_rate')}.data.map(t => t.name)")
    assert "critical" in names  # breaching points are marked
    y = chart_y(page, "trends_rate")
    assert max(y) > 0.10  # 消费分期 M1+ passes 10% in 2025
    page.close()


def test_language_switch(server, browser):
    page = open_page(browser, f"{server}/trends")
    assert page.get_by_role("heading", name="逾期趋势").count() == 1
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.wait_for_selector("h1:has-text('Overdue trends')", timeout=60_000)
    settle(page)
    assert "lang=en" in page.url
    assert not exceptions(page)
    page.close()


def test_alerts_page_lists_the_storyline_breaches(server, browser):
    page = open_page(browser, f"{server}/alerts?lang=en")
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Breaches in 2025-12" in text
    from monitor.book import open_book
    from monitor.records import summary_records
    book = open_book(str(ROOT / "sample_data" / "sample_book.parquet"))
    (rec,) = [r for r in summary_records(book.con, "cn") if r["month"] == "2025-12" and r["product"] == "消费分期"]
    book.close()
    assert f"Consumer installments M1+ overdue rate: {rec['overdue_rate']['M1+']:.2%} in 2025-12" in text
    assert "Credit card M1+ overdue rate rising" in text
    page.screenshot(path=str(SHOTS / "en-alerts-breaches.png"), full_page=True)
    page.close()
