"""Rules: parsing with errors that name the rule and field, and each rule kind on hand-built
monthly series with hand-written expected breaches."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from monitor.alerts import evaluate_series, sentence
from monitor.rules import Rule, RulesError, parse_rules, save_rules_text


def series(*values, start=(2024, 1)) -> pd.Series:
    y, mo = start
    idx = []
    for _ in values:
        idx.append(date(y, mo, 1))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return pd.Series(values, index=idx, dtype="float64")


def rule(**kw) -> Rule:
    base = {"id": "r1", "kind": "level", "metric": "overdue_rate", "name_en": "Book M1+", "name_zh": "全行 M1+"}
    return Rule(**{**base, **kw})


def months_sev(found):
    return [(f"{b['month']:%Y-%m}", b["severity"], b["limit"]) for b in found]


# --- level ------------------------------------------------------------------------------------------
def test_level_above_exactly_at_limit_is_not_a_breach():
    r = rule(warn=0.02, critical=0.03)
    found = evaluate_series(r, series(0.019, 0.02, 0.0201, 0.03, 0.031))
    # 0.02 equals warn (no breach); 0.0201 > warn; 0.03 equals critical -> still only warn; 0.031 critical
    assert months_sev(found) == [("2024-03", "warn", 0.02), ("2024-04", "warn", 0.02),
                                 ("2024-05", "critical", 0.03)]


def test_level_below_rule_for_cure_rates():
    r = rule(metric="cure_rate", bucket="M1", direction="below", warn=0.40, critical=0.30)
    found = evaluate_series(r, series(0.45, 0.40, 0.39, 0.30, 0.29))
    assert months_sev(found) == [("2024-03", "warn", 0.40), ("2024-04", "warn", 0.40),
                                 ("2024-05", "critical", 0.30)]


def test_level_skips_missing_values_and_empty_scope():
    r = rule(warn=0.02)
    assert evaluate_series(r, series(float("nan"), 0.05)) == [
        {"month": date(2024, 2, 1), "value": 0.05, "severity": "warn", "limit": 0.02}]
    assert evaluate_series(r, pd.Series([], dtype="float64")) == []


# --- rising -------------------------------------------------------------------------------------------
def test_rising_counts_consecutive_rises_from_the_series_start():
    r = rule(kind="rising", warn=3, critical=4)
    # rises: Feb, Mar, Apr (3 -> warn at Apr), May (4 -> critical), Jun flat (run resets)
    found = evaluate_series(r, series(0.020, 0.021, 0.022, 0.023, 0.024, 0.024, 0.025))
    assert months_sev(found) == [("2024-04", "warn", 3), ("2024-05", "critical", 4)]
    assert found[1]["run"] == 4 and found[1]["from"] == date(2024, 1, 1)


def test_rising_min_step_ignores_tiny_rises():
    r = rule(kind="rising", warn=3, min_step=5)
    # +10 bp, +2 bp (too small: the run restarts), +10, +10, +10 -> 3 qualifying rises at 2024-06
    found = evaluate_series(r, series(0.0200, 0.0210, 0.0212, 0.0222, 0.0232, 0.0242))
    assert months_sev(found) == [("2024-06", "warn", 3)]


def test_rising_needs_consecutive_calendar_months():
    r = rule(kind="rising", warn=2)
    s = pd.Series([0.01, 0.02, 0.03], index=[date(2024, 1, 1), date(2024, 2, 1), date(2024, 4, 1)])
    # March is missing: the April rise does not continue the Feb run
    assert evaluate_series(r, s) == []


# --- change -------------------------------------------------------------------------------------------
def test_change_in_basis_points_and_start_of_series():
    r = rule(kind="change", unit="bp", warn=30, critical=50)
    # first month has no previous month: never a breach. +30 bp exactly: no; +31: warn; +60: critical
    found = evaluate_series(r, series(0.0200, 0.0230, 0.0261, 0.0321, 0.0300))
    assert months_sev(found) == [("2024-03", "warn", 30), ("2024-04", "critical", 50)]
    assert found[1]["change"] == pytest.approx(60)


def test_change_relative_and_downward_direction():
    r = rule(kind="change", unit="relative", direction="below", warn=0.10)
    # 0.50 -> 0.44 is -12% (a fall beyond 10%); 0.44 -> 0.50 is a rise (ignored for 'below')
    found = evaluate_series(r, series(0.50, 0.44, 0.50))
    assert months_sev(found) == [("2024-02", "warn", 0.10)]
    assert found[0]["change"] == pytest.approx(-0.12)


# --- outlier ------------------------------------------------------------------------------------------
def test_outlier_against_trailing_mean_and_sample_sd():
    r = rule(kind="outlier", warn=2, critical=3, window=12, min_history=6)
    # six months alternating 0.01 / 0.03: mean 0.02, sample sd = sqrt(6 * 0.0001 / 5) = 0.010954
    base = [0.01, 0.03] * 3
    found = evaluate_series(r, series(*base, 0.045, 0.06))
    # 0.045: z = 0.025 / 0.010954 = 2.28 -> warn. Then the window has 7 values incl. 0.045:
    # mean = 0.165/7 = 0.0235714, sd = 0.0125357 -> z(0.06) = 2.91 -> warn, not critical
    assert months_sev(found) == [("2024-07", "warn", 2), ("2024-08", "warn", 2)]
    assert found[0]["z"] == pytest.approx(0.025 / (0.0006 / 5) ** 0.5)


def test_outlier_needs_min_history():
    r = rule(kind="outlier", warn=2, min_history=6)
    assert evaluate_series(r, series(0.01, 0.03, 0.01, 0.03, 0.01, 0.5)) == []


# --- sentences ------------------------------------------------------------------------------------------
def test_sentences_hold_the_breach_numbers_in_both_languages():
    r = rule(kind="level", warn=0.08, critical=0.10, name_en="Installments M1+", name_zh="消费分期 M1+")
    b = {"month": date(2025, 9, 1), "value": 0.1046, "severity": "critical", "limit": 0.10}
    assert sentence(r, b, "en") == "Installments M1+: 10.46% in 2025-09, above the critical limit 10.00%."
    assert sentence(r, b, "zh") == "消费分期 M1+：2025-09 为 10.46%，高于严重阈值 10.00%。"


# --- parsing ----------------------------------------------------------------------------------------------
GOOD = """
[[rule]]
id = "xfq"
kind = "level"
metric = "overdue_rate"
level = "M1+"
scope = { product = "消费分期" }
warn = 0.08
critical = 0.10
"""


def test_parse_good_rule():
    (r,) = parse_rules(GOOD)
    assert (r.id, r.kind, r.metric, r.level, r.scope, r.warn, r.critical) == (
        "xfq", "level", "overdue_rate", "M1+", (("product", "消费分期"),), 0.08, 0.10)


@pytest.mark.parametrize("text, needle", [
    ('[[rule]]\nkind = "level"\nmetric = "overdue_rate"\nwarn = 0.1', "rule #1: field 'id': is missing"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "npl"\nwarn = 0.1',
     "rule #1 'a': field 'metric': unknown metric 'npl'"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nwarn = 0.2\ncritical = 0.1',
     "rule #1 'a': field 'warn': 0.2 is above critical 0.1"),
    ('[[rule]]\nid = "a"\nkind = "sideways"\nmetric = "overdue_rate"\nwarn = 0.1', "field 'kind': unknown kind"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"', "field 'warn': is missing"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nwarn = "high"', "field 'warn': must be a number"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "roll_rate"\nwarn = 0.1', "field 'bucket'"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nlevel = "M9+"\nwarn = 0.1', "field 'level'"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nscope = { planet = "x" }\nwarn = 0.1',
     "field 'scope': unknown key(s) planet"),
    ('[[rule]]\nid = "a"\nkind = "level"\nmetric = "overdue_rate"\nwarn = 0.1\n[[rule]]\nid = "a"\nkind = "level"\n'
     'metric = "overdue_rate"\nwarn = 0.1', "rule #2 'a': field 'id': is used by an earlier rule"),
    ("[[rule]\nid = ", "not valid TOML"),
])
def test_bad_rules_name_the_rule_and_field(text, needle):
    with pytest.raises(RulesError) as e:
        parse_rules(text, "rules.toml")
    assert needle in str(e.value)
    assert str(e.value).startswith("rules.toml")


def test_save_is_validated_and_atomic(tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text(GOOD, encoding="utf-8")
    with pytest.raises(RulesError):
        save_rules_text(p, GOOD.replace("critical = 0.10", "critical = 0.01"))
    assert p.read_text(encoding="utf-8") == GOOD  # the old rules stay
    assert list(tmp_path.iterdir()) == [p]  # no temp file left behind
    new = GOOD.replace("warn = 0.08", "warn = 0.07")
    assert save_rules_text(p, new)[0].warn == 0.07
    assert p.read_text(encoding="utf-8") == new
