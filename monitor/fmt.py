"""Number formatting for people: CNY with 万/亿 in Chinese, percentages with 2 decimals."""
from __future__ import annotations

import math


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def money(x, lang: str = "zh", exact: bool = False) -> str:
    """CNY: '1.23亿' / '4,567.89万' in Chinese, '¥123.4M' in English; exact=True gives every cent."""
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
            return f"{x / 1e4:,.2f}万"
        return f"{x:,.0f}元"
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"¥{x / div:,.2f}{unit}"
    return f"¥{x:,.0f}"


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
