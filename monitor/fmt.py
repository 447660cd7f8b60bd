"""Number formatting for people: CNY with 万/亿 in Chinese, percentages with 2 decimals."""
from __future__ import annotations

import math


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def money(x, lang: str = "zh", exact: bool = False, short: bool = False) -> str:
    """CNY: '1.23亿' / '4,567.89万' in Chinese, '¥123.4M' in English; exact=True gives every cent.
    short=True (a KPI card's width): whole 万 from 1,000万 up ('2,165万'), so no value needs more
    than 7 characters."""
    if _missing(x):
        return "—"
    x = float(x)
    if exact:
        return f"¥{x:,.2f}"
    a = abs(x)
    if lang == "zh":
        if a >= 1e8:
            return f"{x / 1e8:,.2f}亿"
        if a >= 1e4:
            return f"{x / 1e4:,.0f}万" if short and a >= 1e7 else f"{x / 1e4:,.2f}万"
        return f"{x:,.0f}元"
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"¥{x / div:,.2f}{unit}"
    return f"¥{x:,.0f}"


def count_short(n, lang: str = "zh") -> str:
    """A count in at most 8 characters: exact below 10 million ('576,622'), then 5,774万 / 1.23亿 in
    Chinese and 57.74M / 1.23B in English."""
    if _missing(n):
        return "—"
    n = int(n)
    if abs(n) < 10_000_000:
        return f"{n:,}"
    if lang == "zh":
        return f"{n / 1e8:,.2f}亿" if abs(n) >= 1e8 else f"{n / 1e4:,.0f}万"
    return f"{n / 1e9:,.2f}B" if abs(n) >= 1e9 else f"{n / 1e6:,.2f}M"


def pct(x, digits: int = 2) -> str:
    """0.02171 -> '2.17%'."""
    return "—" if _missing(x) else f"{float(x) * 100:.{digits}f}%"


def pp(delta, digits: int = 2) -> str:
    """A change of rate in percentage points, signed: 0.0031 -> '+0.31 pp'."""
    return "—" if _missing(delta) else f"{float(delta) * 100:+.{digits}f} pp"


def rel(delta, digits: int = 1) -> str:
    """A relative change, signed: 0.052 -> '+5.2%'."""
    return "—" if _missing(delta) else f"{float(delta) * 100:+.{digits}f}%"


def count(n) -> str:
    return "—" if _missing(n) else f"{int(n):,}"


def month(d, lang: str = "zh") -> str:
    """date(2024, 3, 1) -> '2024-03' (the same in both languages, sortable and unambiguous)."""
    return "—" if d is None else f"{d:%Y-%m}"
