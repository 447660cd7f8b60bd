"""The monthly report on the sample book: its numbers (the PDF's text through pdftotext, the HTML and
the workbook read back with openpyxl) equal the CLI's `summary` records and `check`'s breaches for
the same month; the PDF is A4 and its page 1 is kept as a PNG under artifacts/report/; the first
month and a month without data give reports that say so.

One report per language and format is generated per module (shared fixtures, one kaleido server)."""
from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import ROOT, SAMPLE

from monitor import fmt
from monitor import report as rp
from monitor.alerts import breaches_in, evaluate
from monitor.book import open_book
from monitor.metrics import Scope, months
from monitor.records import summary_records
from monitor.rules import load_rules

RULES = ROOT / "sample_data" / "rules.toml"
ARTIFACTS = ROOT / "artifacts" / "report"
PRODUCTS = ("信用卡", "微粒贷", "e招贷", "消费分期", "信用贷")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = SAMPLE
    if not SAMPLE.exists():
        from monitor.generator import write_book
        path = tmp_path_factory.mktemp("sample") / "sample_book.parquet"
        write_book(path)
    b = open_book(str(path))
    yield b
    b.close()


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


@pytest.fixture(scope="module")
def month(book):
    return months(book.con)[-1]


@pytest.fixture(scope="module")
def summary(book, rules, month):
    return rp.build(book.con, month, Scope(), rules, source=book.source, columns=book.columns)


@pytest.fixture(scope="module")
def records(book, month):
    """`python -m monitor summary --month` for the report month, by product ('ALL' included)."""
    return {r["product"]: r for r in summary_records(book.con, "cn", month)}


@pytest.fixture(scope="module")
def checked(book, rules, month):
    """`python -m monitor check --month`'s breaches for the report month."""
    return breaches_in(evaluate(book.con, rules, "cn")[0], month)


def _pdf(data: bytes, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def pdf_zh(summary, month):
    path = ARTIFACTS / f"report_{month:%Y%m}_zh.pdf"
    return path, _pdf(rp.render(summary, "pdf", "zh"), path)


@pytest.fixture(scope="module")
def pdf_en(summary, month):
    path = ARTIFACTS / f"report_{month:%Y%m}_en.pdf"
    return path, _pdf(rp.render(summary, "pdf", "en"), path)


@pytest.fixture(scope="module")
def workbook(summary, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    path.write_bytes(rp.render(summary, "xlsx", "zh"))
    return openpyxl.load_workbook(path)


# --- the PDF -------------------------------------------------------------------------------------------
def test_pdf_is_a4_and_page_one_is_kept_as_png(pdf_zh, pdf_en):
    for path, _ in (pdf_zh, pdf_en):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
        assert abs(w - 595) <= 1 and abs(h - 842) <= 1, info
        assert 1 <= int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 3
        png = path.with_suffix("")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(path), str(png)], check=True)
        assert any(ARTIFACTS.glob(f"{png.name}*.png"))


def test_pdf_text_has_month_products_and_kpis(pdf_zh, summary, records, month):
    _, text = pdf_zh
    all_ = records["ALL"]
    assert f"{month:%Y-%m}" in text
    assert "逾期监控月报" in text
    for p in PRODUCTS:
        assert p in text
    # the headline cards: exposure in 万/亿, the rates at M1+, M2+, M4+, the overdue amount
    assert fmt.money(all_["balance"], "zh") in text
    assert fmt.money(all_["overdue_amount"], "zh") in text
    for lv in ("M1+", "M2+", "M4+"):
        assert fmt.pct(all_["overdue_rate"][lv]) in text


def test_pdf_product_rows_equal_summary_records(pdf_zh, records):
    """Each product's line of the table carries its exposure, loans and the three headline rates."""
    _, text = pdf_zh
    lines = text.splitlines()
    for product, r in records.items():
        name = "全部" if product == "ALL" else product
        want = [fmt.money(r["balance"], "zh"), fmt.count(r["loans"]),
                *(fmt.pct(r["overdue_rate"][lv]) for lv in ("M1+", "M2+", "M4+"))]
        assert any(line.split()[:1] == [name] and all(w in line for w in want) for line in lines), (name, want)


def test_pdf_lists_the_months_breaches(pdf_zh, pdf_en, checked):
    _, zh = pdf_zh
    _, en = pdf_en
    flat_zh, flat_en = re.sub(r"\s+", "", zh), re.sub(r"\s+", "", en)
    assert len(checked) > 0  # the sample book breaches in its last month
    for b in checked.itertuples():
        assert re.sub(r"\s+", "", b.name_zh) in flat_zh
        assert re.sub(r"\s+", "", b.name_en) in flat_en
        value = fmt.money(b.value, "en", exact=True) if b.metric.startswith("overdue_amount") else fmt.pct(b.value)
        assert value in zh


def test_pdf_summary_is_the_generated_text(pdf_zh, pdf_en, summary):
    """The summary sentences printed are the ones text.py builds from the numbers."""
    for (_, pdf), lang in ((pdf_zh, "zh"), (pdf_en, "en")):
        flat = re.sub(r"\s+", "", pdf)
        for sentence in rp.text.summary(summary, lang):
            assert re.sub(r"\s+", "", sentence) in flat


def test_html_carries_every_breach_sentence(summary, checked):
    page = rp.render(summary, "html", "en").decode("utf-8")
    assert "<svg" in page and "Noto Sans CJK SC" in page and "size: A4" in page
    from html import escape
    for b in checked.itertuples():
        assert escape(b.message) in page


def test_headline_numbers_equal_summary_records(summary, records, month):
    all_ = records["ALL"]
    cards = {k.key: k for k in summary.cards}
    assert cards["exposure"].value == pytest.approx(all_["balance"], abs=0.005)
    assert cards["overdue_amount"].value == pytest.approx(all_["overdue_amount"], abs=0.005)
    for lv in ("M1+", "M2+", "M4+"):
        assert cards[lv].value == pytest.approx(all_["overdue_rate"][lv], abs=1e-12)
    assert summary.month == month and summary.has_prev


# --- the workbook ------------------------------------------------------------------------------------------
def _sheet(wb, name: str, header_row: int = 1) -> list[dict]:
    ws = wb[name]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[header_row - 1]
    return [dict(zip(head, r)) for r in rows[header_row:]]


def test_workbook_by_product_equals_summary_records(workbook, records):
    assert workbook.sheetnames[:2] == ["报告信息", "按产品"]
    rows = {("ALL" if r["产品"] == "全部" else r["产品"]): r for r in _sheet(workbook, "按产品")}
    assert set(rows) == set(records)
    for product, want in records.items():
        got = rows[product]
        assert got["贷款笔数"] == want["loans"]
        assert got["敞口余额"] == pytest.approx(want["balance"], abs=0.005)
        assert got["逾期金额"] == pytest.approx(want["overdue_amount"], abs=0.005)
        for lv in ("M1+", "M2+", "M3+", "M4+"):
            assert got[f"{lv} 逾期余额"] == pytest.approx(want["overdue_balance"][lv], abs=0.005)
            assert got[f"{lv} 逾期率"] == pytest.approx(want["overdue_rate"][lv], abs=1e-12)


def test_workbook_formats_and_frozen_headers(workbook):
    ws = workbook["按产品"]
    assert ws.freeze_panes == "B2"
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("敞口余额") + 1).number_format == '"¥"#,##0.00'
    assert ws.cell(2, head.index("M2+ 逾期率") + 1).number_format == "0.00%"
    assert "pp" in ws.cell(2, head.index("M2+ 环比 (pp)") + 1).number_format
    assert ws.column_dimensions["C"].width >= 15
    for name in ("账龄分布", "预警", "环比变动", "走势"):
        assert workbook[name].freeze_panes is not None


def test_workbook_info_sheet_states_source_month_filters(workbook, summary, month):
    info = {r[0]: r[1] for r in workbook["报告信息"].iter_rows(values_only=True) if r[0]}
    assert info["报告月份"] == f"{month:%Y-%m}"
    assert info["数据源"] == summary.source
    assert info["筛选"] == "无（全量数据）"
    assert info["账龄口径"].startswith("中国口径")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", info["生成时间"])


def test_workbook_breaches_equal_check(workbook, checked):
    rows = _sheet(workbook, "预警")
    assert [r["规则"] for r in rows] == list(checked["rule"])
    for got, want in zip(rows, checked.itertuples()):
        assert got["数值"] == pytest.approx(want.value, abs=1e-12)
        assert got["阈值"] == pytest.approx(want.limit)
        assert got["级别"] == {"critical": "严重", "warn": "预警"}[want.severity]
        assert got["说明"] == want.message_zh


def test_workbook_highlights_the_breaching_cells(workbook, checked, records):
    """The product sheet's conditional formats sit exactly on the cells of the month's overdue-rate
    breaches of the whole book or one product (the breach records' values)."""
    ws = workbook["按产品"]
    head = [c.value for c in ws[1]]
    names = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    want = set()
    for b in checked.itertuples():
        parts = b.metric.split()
        if parts[0] == "overdue_rate" and parts[2] == "balance" and "lagged" not in parts and \
                (b.scope == "ALL" or b.scope.startswith("product=")):
            grp = "全部" if b.scope == "ALL" else b.scope.split("=", 1)[1]
            want.add(f"{ws.cell(1, head.index(f'{parts[1]} 逾期率') + 1).column_letter}{names.index(grp) + 2}")
    got = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert want and got == want
    for ref in want:
        assert ws[ref].comment is not None


def test_workbook_buckets_and_transition(workbook, book, month):
    from monitor import metrics as m
    buckets = _sheet(workbook, "账龄分布")
    bb = m.bucket_balance(book.con, Scope(from_month=month, to_month=month), "product")
    all_rows = [r for r in buckets if r["产品"] == "全部"]
    assert [r["账龄桶"] for r in all_rows] == ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"]
    assert sum(r["敞口占比"] for r in all_rows) == pytest.approx(1.0)
    want = bb[bb["grp"] == "ALL"].set_index("bucket")
    for r in all_rows:
        assert r["贷款笔数"] == want.at[r["账龄桶"], "loans"]
        assert r["敞口余额"] == pytest.approx(want.at[r["账龄桶"], "exposure"], abs=0.005)
    tm = m.transition_matrix(book.con, Scope(from_month=month, to_month=month))
    tm = tm[tm["grp"] == "ALL"]
    counts = {r["迁出 \\ 迁入"]: r for r in _sheet(workbook, "迁徙矩阵-笔数", header_row=2)}
    moved = tm[tm["from_idx"] >= 0]
    assert sum(counts[b]["合计"] for b in ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7")) == moved["loans"].sum()
    assert counts["新增"]["合计"] == tm[tm["from_idx"] < 0]["loans"].sum()
    m0m1 = moved[(moved["from_bucket"] == "M0") & (moved["to_bucket"] == "M1")]["loans"].sum()
    assert counts["M0"]["M1"] == m0m1


# --- edge months ---------------------------------------------------------------------------------------
def test_first_month_report_says_there_is_no_previous_month(book, rules, tmp_path):
    first = months(book.con)[0]
    s = rp.build(book.con, first, Scope(), rules, source=book.source, columns=book.columns)
    assert s.has_data and not s.has_prev and s.movers.empty
    page = rp.render(s, "html", "en").decode("utf-8")
    assert "with no previous month to compare with" in page
    assert "No previous month in the book: movers need two months." in page
    assert "no data a year earlier" in page
    path = tmp_path / "first.xlsx"
    path.write_bytes(rp.render(s, "xlsx", "zh"))
    wb = openpyxl.load_workbook(path)
    assert wb["迁徙矩阵-笔数"]["A1"].value == f"没有上月数据：没有以 {first:%Y-%m} 结束的迁徙。"
    rows = _sheet(wb, "按产品")
    assert all(r["M2+ 环比 (pp)"] is None for r in rows)


def test_month_without_data_in_the_filters_is_a_clear_statement(book, rules, month):
    nothing = Scope(products=("不存在的产品",))
    s = rp.build(book.con, month, nothing, rules, source=book.source, columns=book.columns)
    assert not s.has_data
    pdf = rp.render(s, "pdf", "zh")
    text = _pdf(pdf, ARTIFACTS / "report_no_data_zh.pdf")
    assert f"{month:%Y-%m}在当前筛选条件下没有数据，无逾期率可报告。" in re.sub(r"\s+", "", text)
    assert "产品=不存在的产品" in text
    wb_path = ARTIFACTS / "report_no_data_zh.xlsx"
    wb_path.write_bytes(rp.render(s, "xlsx", "zh"))
    assert openpyxl.load_workbook(wb_path).sheetnames == ["报告信息", "预警"]


def test_month_outside_the_book_is_a_clear_statement(book, rules):
    s = rp.build(book.con, date(2031, 1, 1), Scope(), rules, source=book.source, columns=book.columns)
    assert not s.has_data and s.breaches.empty
    assert rp.text.summary(s, "en")[0].startswith("2031-01 is not in the book (")
    assert "<svg" not in rp.render(s, "html", "en").decode("utf-8")


def test_us_scheme_and_a_filtered_scope(book, rules, month):
    """A filtered report states its filters, and its headline equals the metrics of that scope."""
    from monitor import metrics as m
    scope = Scope(scheme="us", products=("信用卡",), seg_dim="age_band", seg_values=("18-24",))
    s = rp.build(book.con, month, scope, rules, source=book.source, columns=book.columns)
    want = m.overdue_by_month(book.con, scope.with_months(month, month))
    rate = want[(want["grp"] == "ALL") & (want["level"] == "M2+")]["rate"].iloc[0]
    assert s.card("M2+").value == pytest.approx(rate)
    # the segment filter reads age bands only: the other segments cannot be ranked inside it
    assert s.movers_note == "income_band,occupation"
    assert set(s.movers["dim"]) <= {"product", "region", "channel", "age_band"}
    page = rp.render(s, "html", "zh").decode("utf-8")
    assert "产品=信用卡 | 年龄段=18-24" in page and "美国口径" in page
