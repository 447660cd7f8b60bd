"""Which drawn series a rule watches: the link that lets one rule drive lines, points and cells."""
from monitor.metrics import Scope
from monitor.rule_links import applicable, series_of, thresholds
from monitor.rules import Rule


def r(scope=(), **kw):
    return Rule(**{"id": "x", "kind": "level", "metric": "overdue_rate", "level": "M1+", "warn": 0.09,
                   "critical": 0.10, "scope": scope, **kw})


PRODUCTS = ["ALL", "信用卡", "消费分期"]


def test_book_rule_is_the_all_line_only_without_filters():
    assert series_of(r(), Scope(), "product", PRODUCTS) == "ALL"
    assert series_of(r(), Scope(products=("信用卡",)), "none", ["ALL"]) is None


def test_product_rule_is_its_line_or_the_filtered_all_line():
    rule = r((("product", "消费分期"),))
    assert series_of(rule, Scope(), "product", PRODUCTS) == "消费分期"
    assert series_of(rule, Scope(), "none", ["ALL"]) is None
    assert series_of(rule, Scope(products=("消费分期",)), "none", ["ALL"]) == "ALL"
    # another dimension filtered: the 消费分期 line is no longer the rule's scope
    assert series_of(rule, Scope(regions=("广东",)), "product", PRODUCTS) is None
    # the same dimension filtered to several products: the line still is exactly 消费分期
    assert series_of(rule, Scope(products=("信用卡", "消费分期")), "product", PRODUCTS) == "消费分期"


def test_segment_rule_follows_the_segment_dimension():
    rule = r((("age_band", "18-24"),))
    assert series_of(rule, Scope(seg_dim="age_band"), "segment", ["ALL", "18-24", "25-34"]) == "18-24"
    assert series_of(rule, Scope(seg_dim="age_band", seg_values=("18-24",)), "none", ["ALL"]) == "ALL"
    assert series_of(rule, Scope(seg_dim="income_band"), "segment", ["ALL", "<5k"]) is None


def test_applicable_matches_metric_level_basis_and_lag():
    rules = [r(id="a"), r(id="b", level="M2+"), r(id="c", basis="count"), r(id="d", lagged=True),
             r(id="e", metric="cure_rate", bucket="M1", direction="below", warn=0.3, critical=0.2)]
    assert applicable(rules, Scope(), "none", ["ALL"], metric="overdue_rate", level="M1+") == {"a": "ALL"}
    assert applicable(rules, Scope(), "none", ["ALL"], metric="cure_rate", bucket="M1") == {"e": "ALL"}


def test_thresholds_only_for_level_rules():
    rules = [r(id="a"), r(id="t", kind="rising", warn=4, critical=6)]
    th = thresholds(rules, {"a": "ALL", "t": "ALL"}, "en")
    assert th == [{"value": 0.09, "severity": "warn", "label": "warn"},
                  {"value": 0.10, "severity": "critical", "label": "critical"}]
