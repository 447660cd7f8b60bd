"""The report's plain-language summary in Chinese and English, templated only from computed numbers
(the sentence shapes live in monitor/i18n/report.py; every number comes from the summary).

"M2+ rose 0.31 pp to 3.84%, driven by 消费分期 (+1.20 pp); 2 critical breaches."
A change below 0.01 pp reads as flat; a month without a previous month, or without data, says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from .. import fmt
from ..i18n import DIM_LABELS, t
from ..metrics import Scope
from ..views_overview import Kpi
from .model import FLAT, Driver, MonthlySummary


def _end(lang: str) -> str:
    return "。" if lang == "zh" else "."


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _comma(lang: str) -> str:
    return "，" if lang == "zh" else ", "


def pp_size(delta: float, lang: str) -> str:
    """The size of a change in prose: '0.31 pp' / '0.31 个百分点'."""
    return f"{abs(delta) * 100:.2f} " + ("个百分点" if lang == "zh" else "pp")


def direction(delta: float | None) -> str:
    """'up', 'down' or 'flat' (|Δ| < 0.01 pp); 'none' when there is nothing to compare with."""
    if delta is None or pd.isna(delta):
        return "none"
    if abs(delta) < FLAT:
        return "flat"
    return "up" if delta > 0 else "down"


# --- clauses -------------------------------------------------------------------------------------
def move_clause(level: str, value: float, delta: float | None, lang: str) -> str:
    """'M2+ rose 0.31 pp to 3.84%' / fell / was flat / had no previous month."""
    v = fmt.pct(value)
    way = direction(delta)
    if way == "up":
        return t("{level} rose {pp} to {value}", lang, level=level, pp=pp_size(delta, lang), value=v)
    if way == "down":
        return t("{level} fell {pp} to {value}", lang, level=level, pp=pp_size(delta, lang), value=v)
    if way == "flat":
        return t("{level} was flat at {value} (a change below 0.01 pp)", lang, level=level, value=v)
    return t("{level} was {value}, with no previous month to compare with", lang, level=level, value=v)


def driver_clause(driver: Driver | None, delta: float | None, lang: str) -> str:
    """', driven by 消费分期 (+1.20 pp)' when the rate rose; ', led by …' when it fell."""
    if driver is None or direction(delta) not in ("up", "down"):
        return ""
    key = ", driven by {product} ({pp})" if delta > 0 else ", led by {product} ({pp})"
    return t(key, lang, product=driver.product, pp=fmt.pp(driver.delta))


def breach_clause(critical: int, warn: int, lang: str) -> str:
    """'2 critical breaches', '1 critical breach and 3 warnings', 'no breaches'."""
    if critical and warn:
        # the Chinese names the counts once ("触发严重预警 2 项、一般预警 1 项"): it reads c and w
        return t("{critical} and {warn}", lang, critical=_count(critical, "critical", lang),
                 warn=_count(warn, "warn", lang), c=critical, w=warn)
    if critical:
        return _count(critical, "critical", lang)
    if warn:
        return _count(warn, "warn", lang)
    return t("no breaches", lang)


def _count(n: int, severity: str, lang: str) -> str:
    if severity == "critical":
        return t("1 critical breach" if n == 1 else "{n} critical breaches", lang, n=n)
    return t("1 warning" if n == 1 else "{n} warnings", lang, n=n)


# --- sentences -------------------------------------------------------------------------------------
def headline_sentence(level: str, value: float, delta: float | None, driver: Driver | None,
                      critical: int, warn: int, lang: str) -> str:
    """'M2+ rose 0.31 pp to 3.84%, driven by 消费分期 (+1.20 pp); 2 critical breaches.'"""
    text = move_clause(level, value, delta, lang) + driver_clause(driver, delta, lang)
    return text + _sep(lang) + breach_clause(critical, warn, lang) + _end(lang)


def levels_sentence(cards: Sequence[Kpi], head: str, lang: str) -> str:
    """The other headline levels with their month-on-month change, then the headline's
    year-on-year change (or that there is no month a year earlier)."""
    rates = {k.key: k for k in cards if k.kind == "rate"}
    parts = []
    for key, k in rates.items():
        if key == head or k.value is None:
            continue
        if k.mom is None:
            parts.append(t("{level} {value}", lang, level=key, value=fmt.pct(k.value)))
        else:
            parts.append(t("{level} {value} ({pp} MoM)", lang, level=key, value=fmt.pct(k.value),
                           pp=fmt.pp(_zero(k.mom))))
    h = rates.get(head)
    yoy = (t("year on year, {level} {pp}", lang, level=head, pp=fmt.pp(_zero(h.yoy)))
           if h is not None and h.yoy is not None
           else t("no data a year earlier for the year-on-year change", lang))
    text = _comma(lang).join(parts)
    return (text + _sep(lang) + yoy if text else _capital(yoy, lang)) + _end(lang)


def exposure_sentence(exposure: Kpi, amount: Kpi | None, lang: str) -> str:
    """'Exposure ¥234.01M (+0.28% MoM); overdue amount ¥2.18M (+12.0% MoM).'"""
    parts = [_money_part("Exposure {value}", "Exposure {value} ({rel} MoM)", exposure, lang)]
    if amount is not None and amount.value is not None:
        parts.append(_money_part("overdue amount {value}", "overdue amount {value} ({rel} MoM)", amount, lang))
    return _sep(lang).join(parts) + _end(lang)


def _money_part(plain: str, with_change: str, k: Kpi, lang: str) -> str:
    if k.mom is None:
        return t(plain, lang, value=fmt.money(k.value, lang))
    return t(with_change, lang, value=fmt.money(k.value, lang), rel=fmt.rel(k.mom))


def mover_sentence(movers: pd.DataFrame, lang: str) -> str:
    """The largest move outside the products: 'Largest move by region, channel or segment:
    Age band 18-24, M1+ rose 1.10 pp to 8.77%.' ('' when there is none)."""
    other = movers[movers["dim"] != "product"] if len(movers) else movers
    if other.empty:
        return ""
    row = other.iloc[0]
    level = max(("M1+", "M2+"), key=lambda lv: abs(row[f"{lv} MoM"]) if pd.notna(row[f"{lv} MoM"]) else -1)
    return t("Largest move by region, channel or segment: {dim} {value}, {move}.", lang,
             dim=t(DIM_LABELS.get(row["dim"], row["dim"]), lang), value=row["value"],
             move=move_clause(level, row[level], row[f"{level} MoM"], lang))


def no_data_sentence(month: date, book_months: Sequence[date], critical: int, warn: int, lang: str) -> str:
    """Why there is nothing to report: the month is outside the book, or the filters leave no
    loan in it; then the breaches of the book's rules in that month."""
    if month in book_months or not book_months:
        head = t("No data for {month} in the filters in force: there are no rates to report.", lang,
                 month=f"{month:%Y-%m}")
    else:
        head = t("{month} is not in the book ({first} … {last}): there are no rates to report.", lang,
                 month=f"{month:%Y-%m}", first=f"{book_months[0]:%Y-%m}", last=f"{book_months[-1]:%Y-%m}")
    tail = t("Rules: {breaches}.", lang, breaches=breach_clause(critical, warn, lang))
    return head + ("" if lang == "zh" else " ") + tail


def summary(s: MonthlySummary, lang: str) -> list[str]:
    """The plain-language summary of the month: two to four sentences, numbers from `s` only."""
    if not s.has_data:
        return [no_data_sentence(s.month, s.book_months, s.critical, s.warn, lang)]
    head = s.headline
    out = []
    if head is not None and head.value is not None:
        out.append(headline_sentence(head.key, head.value, head.mom, s.driver, s.critical, s.warn, lang))
        out.append(levels_sentence(s.cards, head.key, lang))
    out.append(exposure_sentence(s.card("exposure"), s.card("overdue_amount") if s.has_amount else None, lang))
    mover = mover_sentence(s.movers, lang)
    if mover:
        out.append(mover)
    return out


def _zero(x: float) -> float:
    """A change that rounds to zero reads '+0.00 pp', never '-0.00 pp'."""
    return 0.0 if abs(x) < 0.00005 else x


def _capital(text: str, lang: str) -> str:
    return text[:1].upper() + text[1:] if lang == "en" else text


def severity_label(severity: str, lang: str) -> str:
    """'严重' / '预警' in Chinese (as everywhere in the app), 'Critical' / 'Warning' in English."""
    return t(severity, lang) if lang == "zh" else {"critical": "Critical", "warn": "Warning"}[severity]


# --- the scope in words --------------------------------------------------------------------------
def filters_text(scope: Scope, lang: str) -> str:
    """The filters in force in one line ('Product=信用卡+消费分期 | Age band=18-24'); 'None (the
    whole book)' when nothing is filtered. Months and scheme are stated separately."""
    parts = []
    for dim, vals in (("product", scope.products), ("region", scope.regions), ("channel", scope.channels)):
        if vals:
            parts.append(f"{t(DIM_LABELS[dim], lang)}={'+'.join(vals)}")
    if scope.seg_dim != "all":
        parts.append(f"{t(DIM_LABELS.get(scope.seg_dim, scope.seg_dim), lang)}="
                     f"{'+'.join(scope.seg_values or [t('All', lang)])}")
    return " | ".join(parts) if parts else t("None (the whole book)", lang)
