"""One evaluation of the rules over the cubes: breach records that drive every chart line,
highlighted cell, the Alerts page and `check`'s exit code (DESIGN §3).

A limit is breached when the value is strictly beyond it: exactly at the limit is not a breach.
Rising rules count months: a limit of 4 fires at the 4th consecutive monthly rise.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from . import fmt
from . import metrics as m
from .rules import Rule

SEVERITY_ORDER = {"critical": 0, "warn": 1}
BREACH_COLUMNS = ["month", "rule", "name_zh", "name_en", "kind", "scope", "metric", "value", "limit",
                  "severity", "message", "message_zh", "since"]


@dataclass(frozen=True)
class Breach:
    month: object  # datetime.date
    rule: str
    name_zh: str
    name_en: str
    kind: str
    scope: str
    metric: str
    value: float
    limit: float
    severity: str
    message: str
    message_zh: str
    since: object = None  # first month of the unbroken run of breaches of this rule up to `month`


# --- the metric series a rule watches ----------------------------------------------------------
def rule_scope(rule: Rule, scheme: str) -> m.Scope:
    s = rule.scope_dict
    seg = next((k for k in s if k in m.SEG_DIMS), None)
    one = lambda k: (s[k],) if k in s else None  # noqa: E731
    return m.Scope(scheme=scheme, products=one("product"), regions=one("region"),
                   channels=one("channel"), seg_dim=seg or "all", seg_values=(s[seg],) if seg else None)


def metric_series(con, rule: Rule, scheme: str = "cn") -> pd.Series | None:
    """Monthly values of the rule's metric in its scope (index: month); None when the data
    cannot give the metric (e.g. no overdue_amount column)."""
    scope = rule_scope(rule, scheme)
    if rule.metric == "overdue_rate":
        df = m.overdue_by_month(con, scope)
        df = df[df["level"] == rule.level]
        col = ("lagged_" if rule.lagged else "") + ("rate" if rule.basis == "balance" else "count_rate")
        return pd.Series(df[col].to_numpy(), index=df["snapshot_month"])
    if rule.metric == "overdue_amount":
        df = m.bucket_balance(con, scope).groupby("snapshot_month")["overdue_amount"].sum(min_count=1)
        return None if df.isna().all() else df
    if rule.metric in ("roll_rate", "cure_rate"):
        df = m.roll_cure(con, scope)
        df = df[df["from_bucket"] == rule.bucket]
        col = rule.metric + ("" if rule.basis == "balance" else "_count")
        return pd.Series(df[col].to_numpy(), index=df["to_month"])
    if rule.metric == "flow_rate":
        df = m.flow_rates(con, scope)
        df = df[df["from_bucket"] == rule.bucket]
        return pd.Series(df["flow_rate"].to_numpy(), index=df["snapshot_month"])
    if rule.metric == "vintage_rate":
        if not con.execute("select count(*) from vintage_cohort").fetchone()[0]:
            return None
        df = m.vintage(con, scope, rule.level)
        df = df[(df["mob"] == rule.mob) & ~df["immature"] & ~df["left_censored"]]
        col = "rate" if rule.basis == "balance" else "ever_rate"
        # a cohort's MOB-m value becomes known in the month cohort + m
        return pd.Series(df[col].to_numpy(), index=df["snapshot_month"])
    raise ValueError(rule.metric)


# --- pure evaluation of one series ---------------------------------------------------------------
def _beyond(value: float, limit: float, direction: str) -> bool:
    return value > limit if direction == "above" else value < limit


def _severity(value: float, rule: Rule, magnitude: bool = False) -> tuple[str, float] | None:
    """The worst limit `value` is strictly beyond: (severity, limit) or None."""
    direction = "above" if magnitude else rule.direction
    for sev, limit in sorted(rule.limits(), key=lambda x: SEVERITY_ORDER[x[0]]):
        # a rising rule counts months: "rises 4 months in a row" fires at the 4th rise
        if _beyond(value, limit, direction) or (rule.kind == "rising" and value == limit):
            return sev, limit
    return None


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _prev_month(d):
    return (pd.Timestamp(d) - pd.DateOffset(months=1)).date()


def evaluate_series(rule: Rule, series: pd.Series) -> list[dict]:
    """Breaches of one rule over one monthly series: [{month, value, limit, severity, detail}]."""
    s = series.sort_index()
    s.index = [pd.Timestamp(i).date() for i in s.index]
    months = list(s.index)
    out = []
    run = 0  # rising: months in a row with a rise, ending at the current month
    for i, month in enumerate(months):
        v = s.iloc[i]
        prev_ok = i > 0 and months[i - 1] == _prev_month(month) and _ok(s.iloc[i - 1])
        prev = s.iloc[i - 1] if prev_ok else None
        hit, detail = None, {}
        if not _ok(v):
            run = 0
            continue
        if rule.kind == "level":
            hit = _severity(v, rule)
        elif rule.kind == "rising":
            step = (v - prev) * (10_000 if rule.metric != "overdue_amount" else 1) if prev is not None else None
            run = run + 1 if step is not None and step > 0 and step >= rule.min_step else 0
            hit = _severity(run, rule, magnitude=True) if run else None
            detail = {"run": run, "from": months[i - run] if run else month}
        elif rule.kind == "change" and prev is not None:
            if rule.unit == "bp":
                change = (v - prev) * 10_000
            else:
                change = (v / prev - 1) if prev else None
            if change is not None:
                signed = change if rule.direction == "above" else -change
                hit = _severity(signed, rule, magnitude=True)
                detail = {"change": change, "prev": prev}
        elif rule.kind == "outlier":
            window = [s.iloc[j] for j in range(max(0, i - rule.window), i) if _ok(s.iloc[j])]
            if len(window) >= rule.min_history:
                mean = sum(window) / len(window)
                sd = math.sqrt(sum((x - mean) ** 2 for x in window) / (len(window) - 1))
                if sd > 0:
                    z = (v - mean) / sd
                    signed = z if rule.direction == "above" else -z
                    hit = _severity(signed, rule, magnitude=True)
                    detail = {"z": z, "mean": mean, "sd": sd}
        if hit:
            out.append({"month": month, "value": float(v), "severity": hit[0], "limit": hit[1], **detail})
    return out


# --- sentences ---------------------------------------------------------------------------------
def _value_text(rule: Rule, x: float) -> str:
    return fmt.money(x, "en", exact=True) if rule.metric == "overdue_amount" else fmt.pct(x)


def sentence(rule: Rule, b: dict, lang: str) -> str:
    """A sentence a person can read, from the breach's own numbers."""
    name, month = rule.name(lang), f"{b['month']:%Y-%m}"
    val, lim = _value_text(rule, b["value"]), b["limit"]
    sev_zh = {"warn": "预警", "critical": "严重"}[b["severity"]]
    if rule.kind == "level":
        lim_t = _value_text(rule, lim)
        if lang == "zh":
            side = "高于" if rule.direction == "above" else "低于"
            return f"{name}：{month} 为 {val}，{side}{sev_zh}阈值 {lim_t}。"
        return f"{name}: {val} in {month}, {rule.direction} the {b['severity']} limit {lim_t}."
    if rule.kind == "rising":
        start = f"{b['from']:%Y-%m}"
        if lang == "zh":
            return f"{name}：自 {start} 起连续 {b['run']} 个月上升，{month} 达 {val}（{sev_zh}阈值 {lim:g} 个月）。"
        return (f"{name}: rose {b['run']} months in a row from {start} to {month}, reaching {val} "
                f"({b['severity']} at {lim:g} months).")
    if rule.kind == "change":
        if rule.unit == "bp":
            ch, lim_t = f"{b['change']:+.0f} bp", f"{lim:g} bp"
        else:
            ch, lim_t = f"{b['change'] * 100:+.1f}%", f"{lim * 100:g}%"
        if lang == "zh":
            return f"{name}：{month} 环比变动 {ch}，升至 {val}（{sev_zh}阈值 {lim_t}）。" if b["change"] > 0 else \
                f"{name}：{month} 环比变动 {ch}，降至 {val}（{sev_zh}阈值 {lim_t}）。"
        verb = "rose" if b["change"] > 0 else "fell"
        return f"{name}: {verb} {ch} month on month to {val} in {month} ({b['severity']} limit {lim_t})."
    mean = _value_text(rule, b["mean"])
    if lang == "zh":
        return (f"{name}：{month} 为 {val}，偏离近 {rule.window} 个月均值 {mean} 达 {b['z']:+.1f}σ"
                f"（{sev_zh}阈值 {lim:g}σ）。")
    return (f"{name}: {val} in {month} is {b['z']:+.1f}σ from its trailing {rule.window}-month mean "
            f"{mean} ({b['severity']} limit {lim:g}σ).")


# --- the one evaluation --------------------------------------------------------------------------
def _with_since(df: pd.DataFrame) -> pd.DataFrame:
    """For each breach, the first month of the rule's unbroken monthly run of breaches up to it."""
    since = []
    for _, g in df.groupby("rule", sort=False):
        start = None
        prev = None
        for idx, month in zip(g.index, g["month"]):
            if prev is None or _prev_month(month) != prev:
                start = month
            since.append((idx, start))
            prev = month
    return df.assign(since=pd.Series(dict(since)))


def evaluate(con, rules: list[Rule], scheme: str = "cn") -> tuple[pd.DataFrame, list[str]]:
    """All breaches of all enabled rules over the whole book (every month), worst first within a
    month; and the rules that could not be evaluated on this data, with the reason."""
    records, skipped = [], []
    for rule in rules:
        if not rule.enabled:
            continue
        series = metric_series(con, rule, scheme)
        if series is None:
            skipped.append(f"{rule.id}: the data cannot give {rule.metric} "
                           "(a needed column is missing)")
            continue
        for b in evaluate_series(rule, series):
            records.append(asdict(Breach(
                month=b["month"], rule=rule.id, name_zh=rule.name("zh"), name_en=rule.name("en"),
                kind=rule.kind, scope=rule.scope_text(), metric=rule.metric_text(), value=b["value"],
                limit=b["limit"], severity=b["severity"], message=sentence(rule, b, "en"),
                message_zh=sentence(rule, b, "zh"))))
    df = pd.DataFrame(records, columns=BREACH_COLUMNS)
    if df.empty:
        return df, skipped
    df = df.sort_values(["rule", "month"]).reset_index(drop=True)
    df = _with_since(df)
    df["_sev"] = df["severity"].map(SEVERITY_ORDER)
    df = df.sort_values(["month", "_sev", "rule"]).drop(columns="_sev").reset_index(drop=True)
    return df, skipped


def breaches_in(df: pd.DataFrame, month) -> pd.DataFrame:
    """The breaches of one month, critical first."""
    return df[df["month"] == month].reset_index(drop=True)
