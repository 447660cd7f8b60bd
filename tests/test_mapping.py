"""Column and DPD-code mapping (monitor.mapping): headers from real extracts, in Chinese and
English, with units and brackets, map to DESIGN columns; status codes map to DPD exactly in both
bucket schemes; presets round-trip; and the loader applies a code table with messages that still
name the user's file and lines."""
from __future__ import annotations

import json

import pytest

from monitor import mapping as mp
from monitor.definitions import load_definitions
from monitor.errors import LoadError, UserError
from monitor.loader import load


@pytest.mark.parametrize(("header", "key"), [
    ("贷款余额(元)", "贷款余额"), ("贷款余额（元）", "贷款余额"), (" Loan_ID ", "loanid"),
    ("Balance [CNY]", "balance"), ("逾期天数【天】", "逾期天数"), ("\ufeff数据月份", "数据月份"),
    ("Days-Past-Due", "dayspastdue"), ("ＤＰＤ", "dpd"), ("放款金额 (万元)", "放款金额"),
])
def test_header_key_folds_case_width_units_and_separators(header, key):
    assert mp.header_key(header) == key


def test_chinese_core_banking_headers():
    cols = ["数据月份", "借据号", "贷款余额(元)", "逾期状态", "产品", "省份", "渠道", "放款月份", "放款金额(元)",
            "逾期金额(元)", "年龄段", "收入段", "职业", "催收方式", "是否重组"]
    assert mp.suggest(cols) == {
        "snapshot_month": "数据月份", "loan_id": "借据号", "outstanding_balance": "贷款余额(元)",
        "days_past_due": "逾期状态", "product": "产品", "region": "省份", "channel": "渠道",
        "origination_month": "放款月份", "principal": "放款金额(元)", "overdue_amount": "逾期金额(元)",
        "age_band": "年龄段", "income_band": "收入段", "occupation": "职业", "collection_action": "催收方式",
        "restructured": "是否重组"}


@pytest.mark.parametrize(("cols", "expected"), [
    (["统计月份", "账户号", "本金余额", "逾期天数", "产品名称", "地区", "逾期金额"],
     {"snapshot_month": "统计月份", "loan_id": "账户号", "outstanding_balance": "本金余额",
      "days_past_due": "逾期天数", "product": "产品名称", "region": "地区", "overdue_amount": "逾期金额"}),
    (["月份", "贷款编号", "余额", "逾期天数", "授信额度"],
     {"snapshot_month": "月份", "loan_id": "贷款编号", "outstanding_balance": "余额",
      "days_past_due": "逾期天数", "principal": "授信额度"}),
    (["Month", "Acct No", "Balance (RMB)", "DPD", "Product", "Province", "Channel"],
     {"snapshot_month": "Month", "loan_id": "Acct No", "outstanding_balance": "Balance (RMB)",
      "days_past_due": "DPD", "product": "Product", "region": "Province", "channel": "Channel"}),
    # the DESIGN names themselves, in any case and spacing
    (["Snapshot Month", "LOAN_ID", "outstanding balance", "days-past-due"],
     {"snapshot_month": "Snapshot Month", "loan_id": "LOAN_ID", "outstanding_balance": "outstanding balance",
      "days_past_due": "days-past-due"}),
])
def test_common_headers(cols, expected):
    assert mp.suggest(cols) == expected


def test_each_source_column_is_used_once_and_exact_names_win():
    # 余额 and 贷款余额 both name a balance: the stronger synonym (earlier in the list) wins, the
    # other stays unmapped rather than mapped twice
    assert mp.suggest(["贷款余额", "余额"]) == {"outstanding_balance": "贷款余额"}
    # the DESIGN name beats any synonym
    assert mp.suggest(["balance", "outstanding_balance"]) == {"outstanding_balance": "outstanding_balance"}
    # a header that only contains a Chinese name matches when nothing matches exactly
    assert mp.suggest(["期末贷款余额"]) == {"outstanding_balance": "期末贷款余额"}
    assert mp.suggest(["期末贷款余额", "贷款余额"]) == {"outstanding_balance": "贷款余额"}


def test_a_status_column_maps_to_dpd_only_without_a_dpd_column():
    assert mp.suggest(["借据号", "逾期状态"]) == {"loan_id": "借据号", "days_past_due": "逾期状态"}
    assert mp.suggest(["借据号", "逾期状态", "逾期天数"]) == {"loan_id": "借据号", "days_past_due": "逾期天数"}
    assert mp.suggest(["loan_id", "逾期期数"]) == {"loan_id": "loan_id", "days_past_due": "逾期期数"}


def test_unknown_headers_stay_unmapped():
    assert mp.suggest(["客户姓名", "备注", "x1"]) == {}


def test_bucket_codes_read_as_the_first_day_of_their_bucket():
    assert [mp.bucket_dpd(f"M{k}") for k in range(8)] == [0, 1, 31, 61, 91, 121, 151, 181]
    assert mp.bucket_dpd(" m2 ") == 31 and mp.bucket_dpd("M7+") == 181
    assert mp.bucket_dpd("M8") is None and mp.bucket_dpd("X") is None
    defs = load_definitions()
    for k in range(8):  # exact in both schemes: Mk reads as a DPD inside Mk under cn and us
        dpd = mp.bucket_dpd(f"M{k}")
        assert defs.scheme("cn").bucket_index(dpd) == k
        assert defs.scheme("us").bucket_index(dpd) == k


def test_months_in_arrears_read_as_thirty_days_each():
    assert [mp.months_dpd(v) for v in ("0", "1", "2", "6", "-1", "-2", "3.0")] == [0, 30, 60, 180, 0, 0, 90]
    assert mp.months_dpd("M1") is None and mp.months_dpd("121") is None


def test_code_tables():
    assert mp.dpd_codes("days") is None
    bucket = mp.dpd_codes("bucket")
    assert {k: bucket[k] for k in ("M0", "M1", "M2", "M3", "M7", "M7+", "正常", "CURRENT")} == {
        "M0": 0, "M1": 1, "M2": 31, "M3": 61, "M7": 181, "M7+": 181, "正常": 0, "CURRENT": 0}
    months = mp.dpd_codes("months")
    assert (months["-2"], months["0"], months["1"], months["4"], months["4.0"], months["120"]) == (0, 0, 30, 120, 120,
                                                                                                  3600)
    assert "121" not in months
    custom = mp.dpd_codes("custom", {"a": 0, " b ": 45, "核销": 181})
    assert (custom["A"], custom["B"], custom["核销"], custom["正常"]) == (0, 45, 181, 0)
    assert mp.dpd_codes("days", {"x": 3}) == {**dict.fromkeys(mp.CURRENT_WORDS, 0), "X": 3}
    with pytest.raises(UserError, match="whole number"):
        mp.dpd_codes("custom", {"a": -1})
    with pytest.raises(UserError, match="whole number"):
        mp.dpd_codes("custom", {"a": 1.5})
    with pytest.raises(UserError, match="unknown DPD code scheme"):
        mp.dpd_codes("weeks")


@pytest.mark.parametrize(("header", "values", "scheme"), [
    ("逾期状态", ["M0", "M1", "M2", "正常"], "bucket"),
    ("status", ["m1", "M3", "C"], "bucket"),
    ("逾期期数", ["0", "1", "2", "-1"], "months"),
    ("逾期天数", ["0", "15", "45"], "days"),
    ("逾期天数", ["正常", "15", "45"], "custom"),
    ("逾期状态", ["A", "B"], "bucket"),  # a status header: codes of its own, shown for correction
    ("dpd", [], "days"),
])
def test_suggest_scheme(header, values, scheme):
    assert mp.suggest_scheme(header, values) == scheme


def test_preset_round_trip_and_refusals(tmp_path):
    preset = mp.Preset("核心系统 monthly", {"loan_id": "借据号", "days_past_due": "逾期状态"}, "custom",
                       {"正常": 0, "M1": 1}, "test")
    path = mp.save_preset(preset, tmp_path)
    assert path == tmp_path / "核心系统 monthly.json"
    assert json.loads(path.read_text(encoding="utf-8"))["mapping"]["loan_id"] == "借据号"
    assert mp.load_preset("核心系统 monthly", tmp_path) == preset
    assert mp.list_presets(tmp_path) == ["核心系统 monthly"]
    assert preset.applied(["借据号", "other"]) == ({"loan_id": "借据号"}, ["逾期状态"])
    for bad in ("../escape", "", ".hidden", "a/b"):
        with pytest.raises(UserError, match="preset name"):
            mp.save_preset(mp.Preset(bad, {}), tmp_path)
    with pytest.raises(UserError, match="unknown DESIGN column"):
        mp.save_preset(mp.Preset("x", {"balance": "余额"}), tmp_path)
    with pytest.raises(UserError, match="no such preset"):
        mp.load_preset("missing", tmp_path)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="not a valid preset"):
        mp.load_preset("broken", tmp_path)
    assert mp.list_presets(tmp_path / "none") == []


def test_the_shipped_example_preset_loads(monkeypatch):
    monkeypatch.delenv(mp.PRESETS_ENV, raising=False)
    assert "cn_core_banking" in mp.list_presets()
    preset = mp.load_preset("cn_core_banking")
    assert preset.dpd_scheme == "bucket" and preset.mapping["outstanding_balance"] == "贷款余额(元)"
    assert mp.suggest(list(preset.mapping.values())) == preset.mapping  # recognised without the preset too


def test_loader_applies_a_code_table_and_names_the_users_lines(tmp_path):
    path = tmp_path / "逾期快照.csv"
    path.write_text("数据月份,借据号,贷款余额(元),逾期状态\n"
                    "202501,a,100,正常\n202501,b,200,m2\n202502,a,100,M1\n202502,b,200,M3\n", encoding="gbk")
    mapping = mp.suggest(["数据月份", "借据号", "贷款余额(元)", "逾期状态"])
    con, report = load(str(path), mapping, dpd_codes=mp.dpd_codes("bucket"))
    rows = con.execute("select loan_id, strftime(snapshot_month, '%Y-%m'), days_past_due from loan_snapshots "
                       "order by 2, 1").fetchall()
    assert rows == [("a", "2025-01", 0), ("b", "2025-01", 31), ("a", "2025-02", 1), ("b", "2025-02", 61)]
    assert report.encoding == "gb18030" and report.mapping["days_past_due"] == "逾期状态"
    con.close()
    # a code not in the table is refused as a DPD that is not a number, with its line and value
    path.write_text("数据月份,借据号,贷款余额(元),逾期状态\n202501,a,100,正常\n202501,b,200,X9\n", encoding="gbk")
    with pytest.raises(LoadError) as e:
        load(str(path), mapping, dpd_codes=mp.dpd_codes("bucket"))
    (problem,) = e.value.problems
    assert problem.code == "dpd_unparsable" and problem.examples == ("line 3: 'X9'",)
    assert str(path) in problem.text_en


def test_loader_months_codes_on_a_numeric_parquet_column(tmp_path):
    import duckdb
    path = tmp_path / "uci.parquet"
    duckdb.connect().sql("select * from (values ('2005-04', 1, 10.0, -2), ('2005-05', 1, 20.0, 2), "
                         "('2005-04', 2, 5.0, 0)) as t(month, id, bal, pay)").write_parquet(str(path))
    mapping = {"snapshot_month": "month", "loan_id": "id", "outstanding_balance": "bal", "days_past_due": "pay"}
    con, _ = load(str(path), mapping, dpd_codes=mp.dpd_codes("months"))
    assert con.execute("select loan_id, days_past_due from loan_snapshots order by snapshot_month, loan_id"
                       ).fetchall() == [("1", 0), ("2", 0), ("1", 60)]
    con.close()
