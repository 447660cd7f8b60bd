"""Bringing your own data on the Data page (AppTest) and its headless steps (monitor.upload).

A GBK-encoded extract with Chinese headers and M0…M7 status codes is recognised, validated (the
report comes first), used by this session only, and the dashboard's numbers are its numbers; a
refused or unreadable upload, or one over the size limit, leaves the data in use untouched and
the other pages show the old numbers; a further month is appended to a copy; presets apply and
save from the page.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from helpers import APP, SAMPLE, figure

from monitor import mapping as mp
from monitor import upload as up
from monitor.book import open_book
from monitor.errors import LoadError, UserError
from monitor.records import summary_records
from monitor.store import open_store

SUBSET = "loan_id < 'LN00000800'"  # ~800 loans over the sample's 36 months: quick, every product
CN_COLUMNS = ["数据月份", "借据号", "贷款余额(元)", "逾期状态", "产品", "省份", "渠道", "放款月份", "放款金额(元)",
              "逾期金额(元)", "年龄段", "收入段", "职业", "催收方式", "是否重组"]


def cn_extract(book: str, out: Path, where: str = "true", shift_months: int = 0) -> Path:
    """The sample book as a Chinese core-banking system exports it: GBK, Chinese headers, months as
    YYYYMM, delinquency as a status M1…M7 (正常 when current), 是/否 for restructured."""
    con = duckdb.connect()
    df = con.execute(f"""
        select strftime(snapshot_month + to_months($shift), '%Y%m') as "数据月份", loan_id as "借据号",
               round(outstanding_balance, 2) as "贷款余额(元)",
               case when days_past_due = 0 then '正常' when days_past_due <= 30 then 'M1'
                    when days_past_due <= 60 then 'M2' when days_past_due <= 90 then 'M3'
                    when days_past_due <= 120 then 'M4' when days_past_due <= 150 then 'M5'
                    when days_past_due <= 180 then 'M6' else 'M7' end as "逾期状态",
               product as "产品", region as "省份", channel as "渠道",
               strftime(origination_month, '%Y-%m') as "放款月份", principal as "放款金额(元)",
               round(overdue_amount, 2) as "逾期金额(元)", age_band as "年龄段", income_band as "收入段",
               occupation as "职业", collection_action as "催收方式",
               case when restructured then '是' else '否' end as "是否重组"
        from read_parquet($book) where {where} order by snapshot_month, loan_id""",  # `where`: test constants
        {"book": book, "shift": shift_months}).df()
    con.close()
    df.to_csv(out, index=False, encoding="gbk")
    return out


@pytest.fixture(scope="module")
def cn_file(tmp_path_factory) -> Path:
    return cn_extract(str(SAMPLE), tmp_path_factory.mktemp("cn") / "核心系统_逾期快照.csv", SUBSET)


@pytest.fixture(scope="module")
def subset_book(tmp_path_factory):
    """The same loans straight from the sample book (days past due, DESIGN names)."""
    path = tmp_path_factory.mktemp("subset") / "subset.parquet"
    duckdb.connect().sql(f"select * from read_parquet('{SAMPLE}') where {SUBSET}").write_parquet(str(path))  # constants
    b = open_book(str(path))
    yield b
    b.close()


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setenv(up.UPLOAD_DIR_ENV, str(tmp_path / "uploads"))
    monkeypatch.delenv(up.UPLOAD_MB_ENV, raising=False)
    return tmp_path / "uploads"


def _open(page: str = "pages/data.py"):
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(SAMPLE)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def _upload(at, path: Path, name: str | None = None):
    at.file_uploader(key="data_upload").upload(name or path.name, path.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    return at


def _frame(at, column: str):
    """The first table on the page with `column` (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _rates(records: list[dict], product: str = "ALL") -> dict[tuple[str, str], float]:
    return {(r["month"], lv): v for r in records if r["product"] == product for lv, v in r["overdue_rate"].items()}


# --- headless -------------------------------------------------------------------------------------
def test_gbk_extract_with_chinese_headers_validates_to_the_same_rates(cn_file, subset_book, tmp_path):
    peek = up.peek(cn_file)
    assert peek.encoding == "gb18030" and peek.columns == CN_COLUMNS
    assert peek.values["逾期状态"] == ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "正常"]
    mapping = mp.suggest(peek.columns)
    assert mapping["days_past_due"] == "逾期状态" and len(mapping) == 15
    scheme = mp.suggest_scheme("逾期状态", peek.values["逾期状态"])
    assert scheme == "bucket"
    saved = up.save_upload(tmp_path, cn_file.name, cn_file.read_bytes())  # as the page does
    cand = up.validate(saved, mapping, mp.dpd_codes(scheme), tmp_path)
    assert cand.report.source == cn_file.name  # messages name the user's file, not the session folder
    assert cand.report.rows == len(subset_book.con.execute("select 1 from loan_snapshots").fetchall())
    store = open_store(str(cand.store))
    try:
        got, want = _rates(summary_records(store.con, "cn")), _rates(summary_records(subset_book.con, "cn"))
        assert got.keys() == want.keys()
        # a status code keeps the bucket, so every China-scheme rate is the original one
        assert all(got[k] == pytest.approx(want[k], abs=1e-12) for k in want)
    finally:
        store.close()


def test_append_to_a_copy_of_a_store(cn_file, tmp_path):
    mapping = mp.suggest(CN_COLUMNS)
    codes = mp.dpd_codes("bucket")
    base = up.validate(cn_file, mapping, codes, tmp_path)
    digest = hashlib.sha256(base.store.read_bytes()).hexdigest()
    month = cn_extract(str(SAMPLE), tmp_path / "2026-01.csv", f"{SUBSET} and snapshot_month = '2025-12-01'", 1)
    book = open_store(str(base.store))
    try:
        cand = up.append(book, month, mapping, codes, tmp_path)
        assert cand.kind == "append" and cand.report.months == 1 and cand.book.months == 37
        assert f"{cand.book.last_month:%Y-%m}" == "2026-01"
        appended = open_store(str(cand.store))
        with pytest.raises(UserError, match="already holds 2026-01"):  # the same month again, on the copy
            up.append(appended, month, mapping, codes, tmp_path)
        appended.close()
        with pytest.raises(UserError, match="one month-end snapshot"):
            up.append(book, cn_file, mapping, codes, tmp_path)
    finally:
        book.close()
    assert hashlib.sha256(base.store.read_bytes()).hexdigest() == digest  # the book in use is untouched
    # the month file and two stores (the base and its appended copy): no scratch file left behind
    assert sorted(p.suffix for p in tmp_path.iterdir() if p.is_file()) == [".csv", ".duckdb", ".duckdb"]


def test_session_folders_and_limits(tmp_path, monkeypatch):
    a, b = up.session_dir(tmp_path), up.session_dir(tmp_path)
    assert a != b and a.parent == tmp_path and oct(a.stat().st_mode)[-3:] == "700"
    os.utime(a, (0, 0))
    assert up.sweep(tmp_path, 24) == 1 and not a.exists() and b.exists()
    assert up.safe_name("../../etc/passwd") == "passwd" and up.safe_name("C:\\x\\贷款.csv") == "贷款.csv"
    assert up.safe_name("..") == "upload.csv"
    monkeypatch.delenv(up.UPLOAD_MB_ENV, raising=False)
    assert up.upload_limit_mb(200) == 200
    monkeypatch.setenv(up.UPLOAD_MB_ENV, "50")
    assert up.upload_limit_mb(200) == 50
    monkeypatch.setenv(up.UPLOAD_MB_ENV, "500")
    assert up.upload_limit_mb(200) == 200  # never above what the server accepts
    monkeypatch.setenv(up.UPLOAD_MB_ENV, "lots")
    with pytest.raises(UserError, match="MONITOR_UPLOAD_MB"):
        up.upload_limit_mb(200)
    with pytest.raises(UserError, match="over the upload limit of 1 MB"):
        up.check_size("big.csv", 2 * 1024 * 1024, 1)


# --- the Data page --------------------------------------------------------------------------------
def test_upload_map_validate_and_use_in_this_session_only(cn_file, uploads):
    at = _upload(_open(), cn_file)
    mapped = {s.key.removeprefix("data_map_"): s.value for s in at.selectbox if s.key.startswith("data_map_")}
    assert mapped == mp.suggest(CN_COLUMNS)
    assert at.selectbox(key="data_dpd_scheme").value == "bucket"
    codes = _frame(at, "Reads as DPD").set_index("Value")
    assert codes.loc["M2", "Reads as DPD"] == "31" and codes.loc["正常", "Reads as DPD"] == "0"
    assert codes.loc["M2"].tolist()[-2:] == ["M2", "M2"]  # the same bucket in both schemes
    assert not any(b.key == "data_use" for b in at.button)  # nothing to use before validating

    at.button(key="data_validate").click().run()
    assert not at.exception and not at.error
    assert "validated" in at.success[0].value and "Nothing has changed yet" in at.success[0].value
    report = _metrics(at)
    assert report["Months in file"] == "36"
    assert "data_session_source" not in at.session_state  # the report comes first; nothing switched yet
    rows = report["Rows"]

    at.button(key="data_use").click().run()
    assert not at.exception
    store = at.session_state["data_session_source"]
    assert Path(store).parent.parent == uploads
    m = _metrics(at)
    assert m["Rows"] == rows and m["Months in book"] == "36"
    assert any("Now showing 核心系统_逾期快照.csv" in s.value for s in at.success)
    assert "核心系统_逾期快照.csv" in at.markdown[0].value  # "You are looking at your own data"

    # the dashboard's numbers are the upload's: the trends chart equals the store's records
    at.switch_page("pages/trends.py")
    at.run()
    assert not at.exception
    level = at.segmented_control(key="trends_level").value
    book = open_store(store)
    try:
        want = _rates(summary_records(book.con, "cn"))
    finally:
        book.close()
    y = figure(at, "trends_rate")["data"][0]["y"]
    assert y == pytest.approx([want[(f"{mo}", level)] for mo in sorted({k[0] for k in want})], abs=1e-12)

    # another browser session still sees the server's book
    other = _open()
    sample_rows = duckdb.execute("select count(*) from read_parquet($p)", {"p": str(SAMPLE)}).fetchone()[0]
    assert _metrics(other)["Rows"] == f"{sample_rows:,}"

    # and this one can go back to it
    at.switch_page("pages/data.py")
    at.run()
    at.button(key="data_back").click().run()
    assert not at.exception and "data_session_source" not in at.session_state
    assert _metrics(at)["Rows"] == _metrics(other)["Rows"]


def _kpis(at) -> list[str]:
    return [m.value for m in at.metric][:5]


def test_a_refused_upload_leaves_the_data_and_the_other_pages(tmp_path, uploads):
    at = _open("pages/overview.py")
    before = _kpis(at)
    bad = tmp_path / "bad_extract.csv"
    bad.write_text("数据月份,借据号,贷款余额(元),逾期天数\n202512,a,100,0\n202512,b,200,-3\n202512,a,50,0\n",
                   encoding="gbk")
    at.switch_page("pages/data.py")
    at.run()
    _upload(at, bad)
    at.button(key="data_validate").click().run()
    assert not at.exception
    assert "Refused: nothing was loaded." in at.error[0].value and "unchanged" in at.error[0].value
    problems = at.table[0].value
    assert problems["Column"].tolist() == ["days_past_due", "loan_id"]
    assert problems["Source column"].tolist() == ["逾期天数", "借据号"]
    first = problems["Problem"][0]
    assert "bad_extract.csv: column 'days_past_due'" in first and "line 3: -3" in first
    assert str(uploads) not in " ".join(problems["Problem"])  # the session folder is not shown
    assert not any(b.key == "data_use" for b in at.button)
    assert "data_session_source" not in at.session_state
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception and _kpis(at) == before


def test_an_unreadable_or_oversized_upload_is_refused(tmp_path, uploads, monkeypatch):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    at = _upload(_open(), junk)
    assert "Refused: nothing was loaded." in at.error[0].value
    (problem,) = at.table[0].value["Problem"]
    assert problem.startswith("junk.csv: ") and "UTF-8" in problem
    assert not any(b.key == "data_validate" for b in at.button)

    monkeypatch.setenv(up.UPLOAD_MB_ENV, "1")
    big = tmp_path / "big.csv"
    big.write_text("snapshot_month,loan_id,outstanding_balance,days_past_due\n"
                   + "2025-01,x,1,0\n" * 90_000, encoding="utf-8")
    at = _upload(_open(), big)
    text = " ".join(m.value for m in at.markdown)
    assert "over the upload limit of 1 MB" in text and "MONITOR_UPLOAD_MB" in text
    assert "data_session_source" not in at.session_state


def test_append_a_further_month_to_the_servers_book(tmp_path, uploads):
    month = cn_extract(str(SAMPLE), tmp_path / "2026-01.csv", "snapshot_month = '2025-12-01'", 1)
    at = _open()
    rows_before = int(_metrics(at)["Rows"].replace(",", ""))
    at.segmented_control(key="data_mode").set_value("append").run()
    _upload(at, month)
    at.button(key="data_validate").click().run()
    assert not at.exception and not at.error
    assert "The book after the append" in " ".join(c.value for c in at.caption)
    month_rows = int(_metrics(at)["Rows"].replace(",", ""))
    at.button(key="data_use").click().run()
    m = _metrics(at)
    assert m["Months in book"] == "37" and m["Month range"] == "2023-01 … 2026-01"
    assert int(m["Rows"].replace(",", "")) == rows_before + month_rows


def test_presets_apply_and_save_on_the_page(tmp_path, uploads, monkeypatch):
    presets = tmp_path / "presets"
    monkeypatch.setenv(mp.PRESETS_ENV, str(presets))
    mp.save_preset(mp.Preset("legacy", {"snapshot_month": "as_at", "loan_id": "acct", "outstanding_balance": "bal",
                                        "days_past_due": "cyc"}, "custom", {"X": 5, "Y": 45}), presets)
    f = tmp_path / "legacy.csv"
    f.write_text("as_at,acct,bal,cyc\n2025-01,a,10,X\n2025-01,b,20,Y\n2025-02,a,10,Y\n", encoding="utf-8")
    at = _upload(_open(), f)
    assert at.selectbox(key="data_map_loan_id").value == ""  # 'acct' is not a known header
    at.selectbox(key="data_preset").set_value("legacy").run()
    at.button(key="data_preset_apply").click().run()
    assert not at.exception
    assert at.selectbox(key="data_map_loan_id").value == "acct"
    assert at.selectbox(key="data_dpd_scheme").value == "custom"
    at.button(key="data_validate").click().run()
    assert not at.error and "validated" in at.success[-1].value
    at.text_input(key="data_preset_name").input("legacy copy").run()
    at.button(key="data_preset_save").click().run()
    assert mp.load_preset("legacy copy", presets).mapping["days_past_due"] == "cyc"
    assert mp.load_preset("legacy copy", presets).dpd_custom == {"X": 5, "Y": 45}


def test_a_refusal_names_unknown_codes(tmp_path, uploads):
    f = tmp_path / "codes.csv"
    f.write_text("统计月份,账户号,余额,逾期状态\n2025-01,a,10,M1\n2025-01,b,20,Q9\n", encoding="utf-8")
    at = _upload(_open(), f)
    codes = _frame(at, "Reads as DPD").set_index("Value")
    assert codes.loc["Q9", "How"] == "refused: not a number of days"
    at.button(key="data_validate").click().run()
    problems = at.table[0].value
    assert problems["Source column"].tolist() == ["逾期状态"] and "line 3: 'Q9'" in problems["Problem"][0]
    with pytest.raises(LoadError):
        up.validate(f, mp.suggest(["统计月份", "账户号", "余额", "逾期状态"]), mp.dpd_codes("bucket"), tmp_path)
    assert not list(tmp_path.glob("*.duckdb*"))  # a refused validation leaves no file behind
