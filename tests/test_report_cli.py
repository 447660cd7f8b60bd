"""`python -m monitor report` on a hand-built book of four loans over three months: the report's
summary sentence and workbook carry the hand-computed numbers; bad input exits 2 with a message."""
from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from helpers import ROOT

from monitor.cli import main

# 2024-03: exposure 3000; M1+ = L2 (DPD 45) + L3 (DPD 10) = 1500 -> 50%; M2+ = L2 = 1000 -> 33.33%.
# 2024-02: M1+ = L2 (DPD 15) = 1000 -> 33.33%; M2+ = 0. 信用卡's M2+ went 0 -> 1000/2000 = 50%.
ROWS = """snapshot_month,loan_id,outstanding_balance,days_past_due,product
2024-01,L1,1000,0,信用卡
2024-01,L2,1000,0,信用卡
2024-01,L3,500,0,消费分期
2024-01,L4,500,0,消费分期
2024-02,L1,1000,0,信用卡
2024-02,L2,1000,15,信用卡
2024-02,L3,500,0,消费分期
2024-02,L4,500,0,消费分期
2024-03,L1,1000,0,信用卡
2024-03,L2,1000,45,信用卡
2024-03,L3,500,10,消费分期
2024-03,L4,500,0,消费分期
"""
RULES = """[[rule]]
id = "book_m2"
name_en = "Book M2+ overdue rate"
name_zh = "全行 M2+ 逾期率"
kind = "level"
metric = "overdue_rate"
level = "M2+"
warn = 0.2
critical = 0.3
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    (d / "book.csv").write_text(ROWS, encoding="utf-8")
    (d / "rules.toml").write_text(RULES, encoding="utf-8")
    return d


def _run(files, *args: str) -> int:
    return main(["report", "--data", str(files / "book.csv"), "--rules", str(files / "rules.toml"), *args])


def test_html_report_carries_the_hand_computed_summary(files):
    out = files / "r.html"
    assert _run(files, "--month", "2024-03", "--lang", "en", "--out", str(out)) == 0
    page = out.read_text(encoding="utf-8")
    assert "M2+ rose 33.33 pp to 33.33%, driven by 信用卡 (+50.00 pp); 1 critical breach." in page
    assert "M1+ 50.00% (+16.67 pp MoM), M4+ 0.00% (+0.00 pp MoM); no data a year earlier for the " \
           "year-on-year change." in page
    assert "Exposure ¥3.00K (+0.0% MoM)." in page
    assert "Book M2+ overdue rate: 33.33% in 2024-03, above the critical limit 30.00%." in page


def test_xlsx_report_carries_the_hand_computed_numbers(files):
    out = files / "r.xlsx"
    assert _run(files, "--month", "2024-03", "--lang", "zh", "--out", str(out)) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["按产品"]
    head = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["全部"]["敞口余额"] == 3000 and rows["全部"]["贷款笔数"] == 4
    assert rows["全部"]["M1+ 逾期率"] == pytest.approx(0.5)
    assert rows["全部"]["M2+ 逾期率"] == pytest.approx(1 / 3)
    assert rows["信用卡"]["M2+ 环比 (pp)"] == pytest.approx(50.0)
    assert rows["消费分期"]["M1+ 逾期余额"] == 500
    assert rows["全部"]["逾期金额"] is None  # the book has no overdue_amount column
    counts = {r[0]: r for r in wb["迁徙矩阵-笔数"].iter_rows(min_row=3, values_only=True)}
    # M0 at 2024-02 (L1, L3, L4): L1 and L4 stay M0, L3 rolls to M1; M1 (L2) rolls to M2
    assert counts["M0"][1:3] == (2, 1) and counts["M1"][3] == 1


def test_first_month_and_default_month(files):
    out = files / "first.html"
    assert _run(files, "--month", "2024-01", "--lang", "zh", "--out", str(out)) == 0
    assert "M2+ 逾期率为 0.00%，无上月数据可比；未触发预警。" in out.read_text(encoding="utf-8")
    latest = files / "latest.html"
    assert _run(files, "--out", str(latest)) == 0  # the latest month by default
    assert "2024-03" in latest.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (("--out", "r.doc"), "unknown extension '.doc'"),
    (("--month", "2023-12", "--out", "r.html"), "month 2023-12 is not in the book (2024-01 … 2024-03)"),
    (("--month", "March", "--out", "r.html"), "use YYYY-MM"),
    (("--out", "missing_dir/r.pdf"), "does not exist"),
])
def test_bad_input_exits_2_with_a_message(files, capsys, args, message):
    args = tuple(str(files / a) if a.startswith(("r.", "missing_dir")) else a for a in args)
    assert _run(files, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_bad_rules_exit_2(files, capsys):
    bad = files / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nkind = "level"\nmetric = "overdue_rate"\nlevel = "M9+"\nwarn = 1\n',
                   encoding="utf-8")
    code = main(["report", "--data", str(files / "book.csv"), "--rules", str(bad), "--out", str(files / "r.html")])
    assert code == 2
    assert "field 'level'" in capsys.readouterr().err


def test_command_line_entry_point(files):
    """The documented command, as cron runs it: a separate process writing a PDF."""
    out = files / "cron.pdf"
    done = subprocess.run([sys.executable, "-m", "monitor", "report", "--data", str(files / "book.csv"),
                           "--month", "2024-03", "--rules", str(files / "rules.toml"), "--lang", "zh",
                           "--out", str(out), "--scheme", "us"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "wrote" in done.stderr
