"""The sample rules on the sample book (storyline breaches found, healthy months quiet) and the
`check` command's exit codes and JSON, including bad rules files."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import duckdb
import pytest
from helpers import ROOT, SAMPLE

from monitor.alerts import evaluate
from monitor.book import open_book
from monitor.rules import load_rules

RULES = SAMPLE.with_name("rules.toml")


@pytest.fixture(scope="module")
def breaches():
    book = open_book(str(SAMPLE))
    df, skipped = evaluate(book.con, load_rules(RULES))
    book.close()
    assert skipped == []
    return df


def m1_rates(where: str = "true") -> dict[date, float]:
    """M1+ overdue rate by balance per month, straight from the Parquet file (not the cubes)."""
    sql = ("select snapshot_month, sum(greatest(coalesce(outstanding_balance, 0), 0)) "
           "filter (where days_past_due >= 1) / sum(greatest(coalesce(outstanding_balance, 0), 0)) "
           f"from read_parquet($p) where {where} group by 1 order by 1")
    with duckdb.connect() as con:
        return {m: r for m, r in con.execute(sql, {"p": str(SAMPLE)}).fetchall()}


def fired(df, rule: str) -> dict[date, str]:
    sub = df[df["rule"] == rule]
    return dict(zip(sub["month"], sub["severity"]))


def test_installments_passing_10_percent(breaches):
    rates = m1_rates("product = '消费分期'")
    crossing = min(m for m, r in rates.items() if r > 0.10)
    assert crossing.year == 2025  # the storyline: it climbs through 2025 and passes 10%
    got = fired(breaches, "installments_m1_level")
    assert min(got) == crossing
    assert got == {m: ("critical" if r > 0.12 else "warn") for m, r in rates.items() if r > 0.10}


def test_card_rising_four_months_running(breaches):
    rates = m1_rates("product = '信用卡'")
    months = sorted(rates)
    run, expected = 0, {}
    for prev, cur in zip(months, months[1:]):
        run = run + 1 if (rates[cur] - rates[prev]) * 10_000 >= 5 else 0  # min_step = 5 bp
        if run >= 4:
            expected[cur] = "critical" if run >= 6 else "warn"
    assert expected and min(expected) >= date(2025, 7, 1)
    assert fired(breaches, "card_m1_rising") == expected


def test_february_bumps(breaches):
    rates = m1_rates()
    jumps = fired(breaches, "book_m1_jump")
    for year in (2023, 2024, 2025):
        feb, jan = date(year, 2, 1), date(year, 1, 1)
        change_bp = (rates[feb] - rates[jan]) * 10_000
        assert change_bp > 45, (year, change_bp)
        assert jumps[feb] == ("critical" if change_bp > 70 else "warn")


def test_quiet_where_the_book_is_healthy(breaches):
    healthy = breaches[(breaches["month"] >= date(2023, 3, 1)) & (breaches["month"] <= date(2025, 7, 1))]
    assert set(m.month for m in healthy["month"]) <= {2}, healthy[["month", "rule"]].to_string()


# --- the command --------------------------------------------------------------------------------------
def check(*args: str):
    p = subprocess.run([sys.executable, "-m", "monitor", "check", "--data", str(SAMPLE), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr
    return p.returncode, p.stdout, p.stderr


def test_check_json_and_exit_codes(breaches):
    code, out, _ = check("--rules", str(RULES))
    records = json.loads(out)
    latest = breaches[breaches["month"] == breaches["month"].max()]
    assert code == 1  # the latest month holds critical breaches
    assert [r["rule"] for r in records] == list(latest["rule"])
    assert set(records[0]) == {"month", "rule", "scope", "metric", "value", "limit", "severity", "message"}
    assert records[0]["severity"] == "critical" and records[0]["month"] == "2025-12"

    code, out, _ = check("--rules", str(RULES), "--month", "2024-06")
    assert (code, json.loads(out)) == (0, [])
    warn_only = [m for m, g in breaches.groupby("month") if set(g["severity"]) == {"warn"}]
    month = f"{warn_only[0]:%Y-%m}"
    assert check("--rules", str(RULES), "--month", month)[0] == 0
    assert check("--rules", str(RULES), "--month", month, "--fail-on", "warn")[0] == 1


@pytest.mark.parametrize("text, needle", [
    ('[[rule]]\nid = "a"\nmetric = "overdue_rate"\nwarn = 0.1\n', "field 'kind': is missing"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "npl_ratio"\nwarn = 0.1\n', "field 'metric': unknown metric"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nwarn = 0.2\ncritical = 0.1\n',
     "field 'warn': 0.2 is above critical 0.1"),
    ('[[rule]\nid = "a"\n', "not valid TOML"),
])
def test_check_bad_rules_exit_2(tmp_path, text, needle):
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    code, out, err = check("--rules", str(p))
    assert code == 2 and out == ""
    assert needle in err and str(p) in err


def test_check_missing_inputs_exit_2(tmp_path):
    assert check("--rules", str(tmp_path / "none.toml"))[0] == 2
    p = subprocess.run([sys.executable, "-m", "monitor", "check", "--data", str(tmp_path / "no.parquet"),
                        "--rules", str(RULES)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "file not found" in p.stderr and "Traceback" not in p.stderr
