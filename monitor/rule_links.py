"""Where a rule shows: which drawn series (group) of a chart or table a rule watches, so that one
rule drives its chart's reference lines, the breaching points, the highlighted cells and the KPI
colour — all from the same breach records."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .i18n import t
from .metrics import Scope
from .rules import Rule

_GROUP_OF_KEY = {"product": "product", "region": "region", "channel": "channel"}


def _sidebar_filters(scope: Scope) -> dict[str, tuple[str, ...]]:
    out = {k: v for k, v in (("product", scope.products), ("region", scope.regions),
                             ("channel", scope.channels)) if v}
    if scope.seg_dim != "all" and scope.seg_values:
        out[scope.seg_dim] = scope.seg_values
    return out


def series_of(rule: Rule, scope: Scope, group_by: str, groups: Iterable[str]) -> str | None:
    """The group (a value of `group_by`, or 'ALL') whose series is exactly the rule's scope in
    a chart drawn with the sidebar `scope`; None when no drawn series matches."""
    filters = _sidebar_filters(scope)
    rscope = rule.scope_dict
    # the whole drawn scope ('ALL') equals the rule's scope when the sidebar filters are exactly it
    if filters == {k: (v,) for k, v in rscope.items()}:
        return "ALL"
    if len(rscope) == 1:
        (key, value), = rscope.items()
        by = "segment" if key == scope.seg_dim else _GROUP_OF_KEY.get(key)
        # a group's series is the rule's scope when no other dimension is filtered
        if by == group_by and not filters.keys() - {key} and value in set(groups):
            return value
    return None


def applicable(rules: Iterable[Rule], scope: Scope, group_by: str, groups: Iterable[str], *,
               metric: str, level: str | None = None, basis: str = "balance", lagged: bool = False,
               bucket: str | None = None, mob: int | None = None) -> dict[str, str]:
    """{rule id: group} for the enabled rules watching this exact metric on a drawn series."""
    groups = list(groups)
    out = {}
    for r in rules:
        if not r.enabled or r.metric != metric:
            continue
        if level is not None and r.metric in ("overdue_rate", "vintage_rate") and r.level != level:
            continue
        if r.metric in ("overdue_rate", "roll_rate", "cure_rate", "vintage_rate") and r.basis != basis:
            continue
        if r.metric == "overdue_rate" and r.lagged != lagged:
            continue
        if bucket is not None and r.bucket != bucket:
            continue
        if mob is not None and r.mob != mob:
            continue
        grp = series_of(r, scope, group_by, groups)
        if grp is not None:
            out[r.id] = grp
    return out


def thresholds(rules: Iterable[Rule], links: dict[str, str], lang: str) -> list[dict]:
    """Horizontal reference lines for the level rules among `links` (trend rules have none)."""
    out = []
    for r in rules:
        if r.id in links and r.kind == "level":
            grp = links[r.id]
            who = "" if grp == "ALL" else f"{grp} "
            for sev, value in r.limits():
                out.append({"value": value, "severity": sev, "label": f"{who}{t(sev, lang)}"})
    return out


def breach_points(breaches: pd.DataFrame, links: dict[str, str], lang: str,
                  start=None, end=None) -> pd.DataFrame:
    """Breaching points to mark on the chart (months start…end): x, y, severity, grp, text, rule."""
    b = breaches if breaches is not None else pd.DataFrame(columns=["month", "rule"])
    b = b[b["rule"].isin(links.keys())]
    if start is not None:
        b = b[(b["month"] >= start) & (b["month"] <= end)]
    msg = b["message_zh"] if lang == "zh" else b["message"]
    return pd.DataFrame({"x": pd.to_datetime(pd.Series(b["month"].tolist(), dtype="object")),
                         "y": b["value"].astype("float64").tolist(), "severity": b["severity"].tolist(),
                         "grp": b["rule"].map(links).tolist(), "text": msg.tolist(),
                         "rule": b["rule"].tolist()})


def worst(points: pd.DataFrame, month=None, grp: str | None = None) -> str | None:
    """'critical', 'warn' or None: the worst breach among points (optionally one month / group)."""
    p = points
    if month is not None:
        p = p[p["x"] == pd.Timestamp(month)]
    if grp is not None:
        p = p[p["grp"] == grp]
    sev = set(p["severity"])
    return "critical" if "critical" in sev else "warn" if "warn" in sev else None


def link_for(rule: Rule, month, scope: Scope, lang: str) -> tuple[str, dict]:
    """The page and URL parameters that show the rule's metric in its scope up to `month`, with
    the rule's lines drawn (the sidebar filters become the rule's scope)."""
    start = scope.from_month if scope.from_month and scope.from_month <= month else month
    params: dict = {"lang": lang, "scheme": scope.scheme, "months": [f"{start:%Y-%m}", f"{month:%Y-%m}"]}
    for key, value in rule.scope:
        if key in _GROUP_OF_KEY:
            params[key] = [value]
        else:
            params["seg"], params["segv"] = key, [value]
    if rule.metric in ("overdue_rate", "overdue_amount"):
        params.update({"trends_level": rule.level, "trends_basis": rule.basis,
                       "trends_mode": "lagged" if rule.lagged else "coincident", "trends_group": "none"})
        return "pages/trends.py", params
    if rule.metric == "vintage_rate":
        return "pages/vintage.py", params
    return "pages/migration.py", params


def cell_severities(rules: Iterable[Rule], breaches: pd.DataFrame, scope: Scope, month, group_by: str,
                    groups: Iterable[str], levels: Iterable[str]) -> dict[tuple[str, str], str]:
    """{(group, level): worst severity} of the overdue-rate rules (by balance, coincident) that
    breach in `month` on a table of groups x levels; ('ALL', level) is the whole scope (the KPI)."""
    groups = list(groups)
    out: dict[tuple[str, str], str] = {}
    for lv in levels:
        links = applicable(rules, scope, group_by, groups, metric="overdue_rate", level=lv)
        points = breach_points(breaches, links, "en", month, month)
        for grp in set(points["grp"]):
            out[(grp, lv)] = worst(points, grp=grp)
    return out


def bucket_marks(rules: Iterable[Rule], breaches: pd.DataFrame, scope: Scope, metric: str,
                 buckets: Iterable[str], lang: str, start, end, basis: str = "balance") -> dict[str, dict]:
    """{from-bucket: {"thresholds": [...], "points": DataFrame}} of the rules watching `metric`
    (roll_rate, cure_rate or flow_rate) of each bucket on the whole drawn scope."""
    out = {}
    for b in buckets:
        links = applicable(rules, scope, "none", ["ALL"], metric=metric, bucket=b,
                           basis=basis if metric != "flow_rate" else "balance")
        if links:
            out[b] = {"thresholds": thresholds(rules, links, lang),
                      "points": breach_points(breaches, links, lang, start, end)}
    return out
