"""Alerts page: the month's breaches, and the rules editor that validates before it saves."""
from __future__ import annotations

import shutil

import pytest
from helpers import SAMPLE, open_app

from monitor.alerts import evaluate
from monitor.book import open_book
from monitor.rules import load_rules

RULES = SAMPLE.with_name("rules.toml")


@pytest.fixture()
def rules_file(tmp_path, monkeypatch):
    p = tmp_path / "rules.toml"
    shutil.copy(RULES, p)
    monkeypatch.setenv("MONITOR_RULES", str(p))
    return p


@pytest.fixture(scope="module")
def latest_breaches():
    book = open_book(str(SAMPLE))
    df, _ = evaluate(book.con, load_rules(RULES))
    book.close()
    return df[df["month"] == df["month"].max()]


def _breach_count(at) -> int:
    (m,) = [m for m in at.metric if m.label in ("Active breaches", "当前预警")]
    return int(m.value)


def test_alerts_page_lists_the_months_breaches(rules_file, latest_breaches):
    at = open_app("pages/alerts.py", query={"lang": "en"})
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for msg in latest_breaches["message"]:
        assert msg in text
    assert f"{len(latest_breaches)}" in at.caption[0].value or any(
        f"{(latest_breaches['severity'] == 'critical').sum()} critical" in c.value for c in at.caption)


def test_a_saved_edit_changes_the_overview_count_and_a_bad_one_is_refused(rules_file, latest_breaches):
    at = open_app("pages/overview.py")
    before = _breach_count(at)
    assert before == len(latest_breaches)

    at.switch_page("pages/alerts.py")
    at.run()
    original = rules_file.read_text(encoding="utf-8")
    # an invalid edit (warn above critical for an 'above' rule) is refused; the file is unchanged
    bad = original.replace("warn = 0.016\ncritical = 0.019", "warn = 0.5\ncritical = 0.019")
    assert bad != original
    at.text_area(key="alerts_rules_text").set_value(bad)
    at.button(key="alerts_save").click()
    at.run()
    assert not at.exception
    assert any("book_m2_level" in e.value and "warn" in e.value for e in at.error)
    assert rules_file.read_text(encoding="utf-8") == original

    # a valid edit: the book-level M2+ rule's limits rise out of reach, so its breach goes away
    good = original.replace("warn = 0.016\ncritical = 0.019", "warn = 0.5\ncritical = 0.6")
    at.text_area(key="alerts_rules_text").set_value(good)
    at.button(key="alerts_save").click()
    at.run()
    assert not at.exception
    assert rules_file.read_text(encoding="utf-8") == good
    at.switch_page("pages/overview.py")
    at.run()
    gone = int((latest_breaches["rule"] == "book_m2_level").sum())
    assert gone == 1
    assert _breach_count(at) == before - gone
