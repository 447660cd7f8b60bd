"""The loader of DESIGN §1: normalisation, exposure, warnings, one test per refusal reason, every
source kind, GBK text, and the real public panel in shared/real_data."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from helpers import REAL

from monitor.errors import LoadError, UserError
from monitor.loader import load

ROOT = Path(__file__).resolve().parent.parent
HEADER = "snapshot_month,loan_id,outstanding_balance,days_past_due"


def write(tmp_path: Path, text: str, name: str = "book.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return str(path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def snapshots(con, columns: str = "snapshot_month, loan_id, outstanding_balance, days_past_due, "
                                   "exposure, overdue_amount, product") -> list[tuple]:
    return con.execute(f"select {columns} from loan_snapshots order by snapshot_month, loan_id").fetchall()


# --- normalisation, exposure and warnings ----------------------------------------------------------
# A: 0 -> 29 in February (29 days: allowed), 29 -> 60 in March (31 days: allowed),
#    60 -> 91 in April (30 days: too fast).
# B: empty balance in Jan; 0 -> 30 in February (too fast) with 60 overdue on a balance of 50;
#    absent in March (a gap).
# C: a credit balance in Jan; absent in February (a gap).
WARNED = f"""
{HEADER},overdue_amount
2024-01,A,100,0,0
2024-01-15,B,,0,
2024-01-31,C,-25.5,0,
2024-02,A,80,29,10
2024-02-29,B,50,30,60
2024-03,A,60,60,20
2024-03-01,C,10,0,
2024-04,A,55,91,30
2024-04-30,B,40,95,40
"""


@pytest.fixture(scope="module")
def warned(tmp_path_factory):
    con, report = load(write(tmp_path_factory.mktemp("warned"), WARNED))
    yield con, report
    con.close()


def test_months_normalised_and_exposure(warned):
    con, _ = warned
    jan, feb, mar, apr = (date(2024, m, 1) for m in (1, 2, 3, 4))
    # exposure = greatest(balance, 0), empty as 0; a missing product reads as one product
    assert snapshots(con) == [
        (jan, "A", 100.0, 0, 100.0, 0.0, "(none)"),
        (jan, "B", None, 0, 0.0, None, "(none)"),
        (jan, "C", -25.5, 0, 0.0, None, "(none)"),
        (feb, "A", 80.0, 29, 80.0, 10.0, "(none)"),
        (feb, "B", 50.0, 30, 50.0, 60.0, "(none)"),
        (mar, "A", 60.0, 60, 60.0, 20.0, "(none)"),
        (mar, "C", 10.0, 0, 10.0, None, "(none)"),
        (apr, "A", 55.0, 91, 55.0, 30.0, "(none)"),
        (apr, "B", 40.0, 95, 40.0, 40.0, "(none)"),
    ]


def test_report_counts(warned):
    _, report = warned
    assert (report.kind, report.rows, report.loans, report.months) == ("csv", 9, 3, 4)
    assert (report.first_month, report.last_month) == (date(2024, 1, 1), date(2024, 4, 1))
    assert report.columns == ["overdue_amount"]


def test_warnings_and_their_counts(warned):
    _, report = warned
    assert {w.code: w.count for w in report.warnings} == {
        "balance_empty": 1, "balance_negative": 1, "overdue_above_balance": 1,
        "gaps": 2, "dpd_jumps": 2}
    by_code = {w.code: w for w in report.warnings}
    # CSV locators count the header as line 1
    assert by_code["balance_empty"].examples == ("line 3",)
    assert by_code["balance_negative"].examples[0].startswith("line 4")
    assert "-25.5" in by_code["balance_negative"].examples[0]
    assert by_code["overdue_above_balance"].examples[0].startswith("line 6")
    assert [e.split(":")[0] for e in by_code["gaps"].examples] == ["B", "C"]
    assert by_code["dpd_jumps"].examples == (
        "B 2024-02: 0 → 30 in a 29-day month", "A 2024-04: 60 → 91 in a 30-day month")
    for w in report.warnings:
        assert w.text_en.count("\n") == 0 and "book.csv" in w.text_en and w.column in w.text_en


def test_validate_json_reports_the_same_warnings(tmp_path):
    proc = run_cli("validate", "--data", write(tmp_path, WARNED), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["rows"], out["loans"], out["months"]) == (9, 3, 4)
    assert (out["first_month"], out["last_month"]) == ("2024-01", "2024-04")
    assert {w["code"]: w["count"] for w in out["warnings"]} == {
        "balance_empty": 1, "balance_negative": 1, "overdue_above_balance": 1,
        "gaps": 2, "dpd_jumps": 2}


def test_a_clean_book_has_no_warnings(tmp_path):
    con, report = load(write(tmp_path, f"""
        {HEADER}
        2024-01,A,100,0
        2024-02,A,90,29
        2024-03,A,80,60
    """))
    con.close()
    assert report.warnings == []


# --- refusals: one test per reason of DESIGN §1 ------------------------------------------------------
def _corrupt_parquet(tmp_path: Path) -> str:
    path = tmp_path / "book.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file")
    return str(path)


def _empty(tmp_path: Path) -> str:
    path = tmp_path / "book.csv"
    path.write_bytes(b"")
    return str(path)


def _csv(text: str):
    return lambda tmp_path: write(tmp_path, text)


# reason -> (make the source, problem code, column named, row(s) named)
REFUSALS = {
    "unreadable_file": (_corrupt_parquet, "unreadable", None, ()),
    "empty_file": (_empty, "empty_file", None, ()),
    "no_rows": (_csv(HEADER + "\n"), "no_rows", None, ()),
    "missing_column": (_csv("snapshot_month,loan_id,outstanding_balance\n2024-01,A,1\n"),
                       "missing_column", "days_past_due", ()),
    "unparsable_month": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-13,B,1,0\n2024-01,C,1,0\n"),
                         "month_unparsable", "snapshot_month", ("line 3",)),
    "unparsable_number": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,B,12abc,0\n"),
                          "balance_unparsable", "outstanding_balance", ("line 3",)),
    "non_integer_dpd": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,B,1,1.5\n"),
                        "dpd_not_integer", "days_past_due", ("line 3",)),
    "negative_dpd": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,B,1,-3\n"),
                     "dpd_negative", "days_past_due", ("line 3",)),
    "empty_loan_id": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,,1,0\n"),
                      "loan_id_missing", "loan_id", ("line 3",)),
    "empty_snapshot_month": (_csv(f"{HEADER}\n2024-01,A,1,0\n,B,1,0\n"),
                             "month_missing", "snapshot_month", ("line 3",)),
    "empty_days_past_due": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,B,1,\n"),
                            "dpd_missing", "days_past_due", ("line 3",)),
    # the same loan twice in one month, once written as a mid-month date
    "duplicate_loan_in_month": (_csv(f"{HEADER}\n2024-01,A,1,0\n2024-01,B,1,0\n2024-01-20,A,2,0\n"),
                                "duplicate", "loan_id", ("line 2", "line 4")),
}


@pytest.mark.parametrize("reason", list(REFUSALS))
def test_refusal(tmp_path, reason):
    make, code, column, rows = REFUSALS[reason]
    path = make(tmp_path)
    proc = run_cli("validate", "--data", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, lines  # "nothing was loaded; 1 problem(s)" and one line for it
    assert "nothing was loaded" in lines[0]
    problem = lines[1]
    assert path in problem
    if column:
        assert f"'{column}'" in problem
    for row in rows:
        assert row in problem
    with pytest.raises(LoadError) as err:
        load(path)
    assert [p.code for p in err.value.problems] == [code]
    assert err.value.source == path


def test_one_line_per_problem(tmp_path):
    path = write(tmp_path, f"{HEADER}\n2024-13,A,1,0\n2024-01,,x,-1\n")
    proc = run_cli("validate", "--data", path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    problems = proc.stderr.strip().splitlines()[1:]
    assert len(problems) == 4
    assert all(path in p for p in problems)
    with pytest.raises(LoadError) as err:
        load(path)
    assert sorted(p.code for p in err.value.problems) == [
        "balance_unparsable", "dpd_negative", "loan_id_missing", "month_unparsable"]


def test_a_path_that_does_not_exist_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        load(str(tmp_path / "nope.csv"))


# --- every source kind loads to the same table --------------------------------------------------------
FRAME = pd.DataFrame({
    "snapshot_month": ["2024-01", "2024-01", "2024-01", "2024-02", "2024-02"],
    "loan_id": ["A", "B", "C", "A", "C"],
    "outstanding_balance": [100.0, -5.0, 30.0, 90.0, None],
    "days_past_due": [0, 3, 0, 31, 0],
    "product": ["信用卡", "消费分期", "信用卡", "信用卡", "信用卡"],
})
EXPECTED_FRAME = [
    (date(2024, 1, 1), "A", 100.0, 0, 100.0, None, "信用卡"),
    (date(2024, 1, 1), "B", -5.0, 3, 0.0, None, "消费分期"),
    (date(2024, 1, 1), "C", 30.0, 0, 30.0, None, "信用卡"),
    (date(2024, 2, 1), "A", 90.0, 31, 90.0, None, "信用卡"),
    (date(2024, 2, 1), "C", None, 0, 0.0, None, "信用卡"),
]


def _as_csv(tmp_path: Path) -> str:
    FRAME.to_csv(tmp_path / "book.csv", index=False)
    return str(tmp_path / "book.csv")


def _as_parquet(tmp_path: Path) -> str:
    FRAME.to_parquet(tmp_path / "book.parquet", index=False)
    return str(tmp_path / "book.parquet")


def _as_hive_folder(tmp_path: Path) -> str:
    root = tmp_path / "snapshots"
    for month, part in FRAME.groupby("snapshot_month"):
        folder = root / f"snapshot_month={month}"
        folder.mkdir(parents=True)
        part.drop(columns="snapshot_month").to_parquet(folder / "part.parquet", index=False)
    return str(root)


def _as_duckdb(tmp_path: Path) -> str:
    path = tmp_path / "book.duckdb"
    con = duckdb.connect(str(path))
    con.register("frame", FRAME)
    con.execute("create table loan_snapshots as select * from frame")
    con.close()
    return str(path)


@pytest.mark.parametrize("make,kind", [(_as_csv, "csv"), (_as_parquet, "parquet"),
                                       (_as_hive_folder, "parquet_dir"), (_as_duckdb, "duckdb")],
                         ids=["csv", "parquet", "parquet_folder", "duckdb"])
def test_every_source_kind_loads_the_same_table(tmp_path, make, kind):
    con, report = load(make(tmp_path))
    try:
        assert report.kind == kind
        assert snapshots(con) == EXPECTED_FRAME
        assert {w.code: w.count for w in report.warnings} == {
            "balance_empty": 1, "balance_negative": 1, "dpd_jumps": 1}
    finally:
        con.close()


def test_gbk_csv_loads(tmp_path):
    path = tmp_path / "gbk.csv"
    FRAME.to_csv(path, index=False, encoding="gbk")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "信用卡".encode("gbk") in path.read_bytes()
    con, report = load(str(path))
    try:
        assert report.encoding in ("gbk", "gb18030")
        assert snapshots(con) == EXPECTED_FRAME
    finally:
        con.close()


# --- the real public panel ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    if not REAL.exists():
        pytest.skip(f"{REAL} is not present")
    return pd.read_parquet(REAL)


def test_real_panel_loads_with_its_warnings(real):
    con, report = load(str(REAL))
    con.close()
    assert (report.rows, report.loans, report.months) == (180_000, 30_000, 6)
    assert (report.first_month, report.last_month) == (date(2005, 4, 1), date(2005, 9, 1))
    counts = {w.code: w.count for w in report.warnings}
    assert counts["balance_negative"] == int((real["outstanding_balance"] < 0).sum())
    # DPD rising faster than the calendar: compare each account month with the one before
    df = real.assign(month=pd.to_datetime(real["snapshot_month"])).sort_values(["loan_id", "month"])
    prev = df.groupby("loan_id")["days_past_due"].shift()
    consecutive = df.groupby("loan_id")["month"].shift() == df["month"] - pd.DateOffset(months=1)
    jumps = int(((df["days_past_due"] - prev > df["month"].dt.days_in_month) & consecutive).sum())
    assert 6_000 < jumps < 6_400
    assert counts["dpd_jumps"] == jumps
    assert "balance_empty" not in counts and "gaps" not in counts


def _expected_summary(real: pd.DataFrame, month: str) -> dict:
    """Summary records for one month computed with pandas straight from the parquet."""
    df = real.assign(month=pd.to_datetime(real["snapshot_month"]).dt.strftime("%Y-%m"),
                     exposure=real["outstanding_balance"].fillna(0).clip(lower=0))
    edges = {"M1+": 1, "M2+": 31, "M3+": 61, "M4+": 91}
    months = sorted(df["month"].unique())
    out = {}
    for product, g in [("ALL", df), *df.groupby("product")]:
        now = g[g["month"] == month]
        balance = now["exposure"].sum()
        rec = {"month": month, "product": product, "loans": len(now), "balance": round(balance, 2),
               "overdue_amount": None, "overdue_balance": {}, "overdue_rate": {},
               "overdue_count_rate": {}, "overdue_rate_lagged": {}}
        for k, (level, edge) in enumerate(edges.items(), start=1):
            late = now[now["days_past_due"] >= edge]
            rec["overdue_balance"][level] = round(late["exposure"].sum(), 2)
            rec["overdue_rate"][level] = late["exposure"].sum() / balance
            rec["overdue_count_rate"][level] = len(late) / len(now)
            earlier = months[months.index(month) - k]
            rec["overdue_rate_lagged"][level] = \
                late["exposure"].sum() / g[g["month"] == earlier]["exposure"].sum()
        out[product] = rec
    return out


def test_real_panel_summary_2005_09(real):
    expected = _expected_summary(real, "2005-09")
    proc = run_cli("summary", "--data", str(REAL), "--month", "2005-09")
    assert proc.returncode == 0, proc.stderr
    recs = json.loads(proc.stdout)
    assert [r["product"] for r in recs][0] == "ALL"
    assert sorted(r["product"] for r in recs) == sorted(expected)
    for rec in recs:
        want = expected[rec["product"]]
        for key in ("month", "product", "loans", "overdue_amount"):
            assert rec[key] == want[key], (rec["product"], key)
        assert rec["balance"] == pytest.approx(want["balance"], abs=0.005)
        for key in ("overdue_balance", "overdue_rate", "overdue_count_rate", "overdue_rate_lagged"):
            assert set(rec[key]) == set(want[key])
            for level, value in want[key].items():
                assert rec[key][level] == pytest.approx(value, rel=1e-9, abs=0.005 if key ==
                                                        "overdue_balance" else 1e-12), \
                    (rec["product"], key, level)


def test_examples_read_in_chinese():
    from monitor.load_checks import zh_example
    assert zh_example("line 519: -116.32") == "第 519 行: -116.32"
    assert zh_example("part-1.parquet row 3") == "part-1.parquet 第 3 行"
    assert zh_example("row 12") == "第 12 行"
    assert zh_example("LN1 2024-02: 151 → 181 in a 29-day month") == "LN1 2024-02: 151 → 181（当月 29 天）"
    assert zh_example("LN9: 2 month(s) missing between 2024-01 and 2024-06") == "LN9：2024-01 至 2024-06 之间缺 2 个月"
    assert zh_example("LN5 in 2024-03 at line 4, line 9") == "LN5（2024-03）位于 第 4 行, 第 9 行"
