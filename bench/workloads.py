"""The queries each page runs on a render, with the filters a user typically sets: what the
benchmark times as "server-side time per page" (the app caches results; these are the misses).

Each page is a list of (label, fn(con) -> DataFrame). Two filter sets per page: the whole book
(the first view) and one product over the last 12 months (a typical click).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from monitor import db
from monitor import metrics as m
from monitor import views_segments as vs
from monitor.alerts import evaluate
from monitor.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "sample_data" / "rules.toml"


def _shift(d: date, months: int) -> date:
    k = d.year * 12 + d.month - 1 + months
    return date(k // 12, k % 12 + 1, 1)


def scopes(con) -> list[tuple[str, m.Scope]]:
    """The whole book, and the largest product over the last 12 months."""
    first, last = m.book_months(con)
    product = con.execute("select product from monthly_cube where seg_dim = 'all' and snapshot_month = $m "
                          "group by product order by sum(exposure) desc limit 1", {"m": last}).fetchone()[0]
    recent = m.Scope(from_month=max(first, _shift(last, -11)), to_month=last, products=(product,))
    return [("book", m.Scope(from_month=first, to_month=last)), ("product_12m", recent)]


def page_queries(con, scope: m.Scope) -> dict[str, list]:
    """{page: [(label, fn)]} for one filter set, mirroring pages/*.py."""
    month = scope.to_month
    one = scope.with_months(month, month)
    split, group_by, _ = vs.split_scope(scope, "age_band")
    level, rules = "M2+", load_rules(RULES)
    sidebar = [("dimension_values", lambda c: db.run(c, "ui/dimension_values")),
               ("months", lambda c: m.months(c))]
    return {
        "overview": sidebar + [
            ("overdue_by_month/product", lambda c: m.overdue_by_month(
                c, scope.with_months(_shift(month, -12), month), "product"))],
        "trends": sidebar + [
            ("overdue_by_month", lambda c: m.overdue_by_month(c, scope, "none")),
            ("overdue_by_month/product", lambda c: m.overdue_by_month(c, scope, "product")),
            ("bucket_balance", lambda c: m.bucket_balance(c, scope, "none"))],
        "migration": sidebar + [
            ("transition_matrix", lambda c: m.transition_matrix(c, one, "none")),
            ("roll_cure", lambda c: m.roll_cure(c, scope, "none")),
            ("flow_rates", lambda c: m.flow_rates(c, scope, "none")),
            ("bucket_balance/month", lambda c: m.bucket_balance(c, one, "none"))],
        "vintage": sidebar + [
            ("vintage", lambda c: m.vintage(c, scope, level, "none")),
            ("vintage/product", lambda c: m.vintage(c, scope, level, "product"))],
        "segments": sidebar + [
            ("overdue_by_month/age_band", lambda c: m.overdue_by_month(c, split, group_by)),
            ("segment_heatmap", lambda c: db.run(c, "ui/segment_heatmap",
                                                 **vs.heatmap_params(scope, "age_band", month, level, "product"))),
            ("drilldown_loans", lambda c: db.run(c, "ui/drilldown_loans", **vs.drill_params(
                scope, "age_band", None, month, 2, 200)))],
        # one evaluation of every rule per data load (cached by the app, shared by all pages)
        "alerts": sidebar + [("evaluate_rules", lambda c: evaluate(c, rules, scope.scheme))],
    }


def workloads(con) -> dict[str, dict[str, list]]:
    """{filter set: {page: [(label, fn)]}}."""
    return {name: page_queries(con, replace(scope)) for name, scope in scopes(con)}
