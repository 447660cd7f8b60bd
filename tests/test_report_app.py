"""The report in the app: the Overview's export area (PDF and Excel of the selected month and scope,
built on click), and every table's CSV / Excel download naming the filters in force.

AppTest checks the buttons are there (and the page still renders on the real panel); a real browser
clicks them and reads what it downloads."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from helpers import REAL, SAMPLE, open_app

from monitor import devserver

CHROMIUM, FLAGS = devserver.CHROMIUM, devserver.BROWSER_FLAGS
PAGE = "pages/overview.py"


def _buttons(at) -> dict[str, object]:
    return {el.proto.label: el.proto for el in at.get("download_button")}


def test_overview_offers_the_report_downloads():
    at = open_app(PAGE)
    assert not at.exception
    buttons = _buttons(at)
    assert {"PDF 月报", "Excel 工作簿", "下载 CSV", "下载 Excel"} <= set(buttons)
    pdf = buttons["PDF 月报"]
    # generated on click: a deferred callable, not bytes stored on every page load
    assert pdf.deferred_file_id and not pdf.url and not pdf.disabled
    assert buttons["Excel 工作簿"].deferred_file_id
    assert "2025-12 月报" in [h.value for h in at.subheader]


@pytest.mark.skipif(not REAL.exists(), reason="the real panel is not available")
def test_overview_export_area_on_the_real_panel():
    at = open_app(PAGE, data=REAL)
    assert not at.exception
    assert "PDF 月报" in _buttons(at)


# --- a real browser clicks the buttons ----------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    with devserver.running(SAMPLE) as base:
        yield base


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_browser_downloads_name_and_state_the_filters(server, tmp_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400}, accept_downloads=True)
            page.goto(server + "/?product=消费分期")
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=180_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                                   timeout=180_000)
            got = {}
            for label in ("PDF 月报", "Excel 工作簿", "下载 CSV", "下载 Excel"):
                with page.expect_download(timeout=180_000) as dl:
                    page.get_by_role("button", name=label).first.click()
                path = tmp_path / dl.value.suggested_filename
                dl.value.save_as(path)
                got[label] = path
        finally:
            browser.close()
    pdf, xlsx, csv, table = (got[k] for k in ("PDF 月报", "Excel 工作簿", "下载 CSV", "下载 Excel"))
    assert pdf.name == "逾期监控月报_202512_cn_product-消费分期.pdf"
    assert xlsx.name == "逾期监控月报_202512_cn_product-消费分期.xlsx"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "产品=消费分期" in text and "2025-12" in text
    assert openpyxl.load_workbook(xlsx)["报告信息"]["B7"].value == "产品=消费分期"
    # the product table's downloads: the filters in the file name, the CSV's header, the first sheet
    assert re.fullmatch(r"overview_products_202512_\d{6}-202512_cn_product-消费分期\.csv", csv.name)
    head = csv.read_text(encoding="utf-8-sig").splitlines()[:3]
    assert head[0].startswith("# 逾期监控看板: overview_products_202512")
    assert head[2].startswith("# 筛选: ") and "产品=消费分期" in head[2]
    assert table.name == csv.name.replace(".csv", ".xlsx")
    wb = openpyxl.load_workbook(table)
    assert wb.sheetnames == ["筛选", "数据"]
    assert "产品=消费分期" in wb["筛选"]["B3"].value
