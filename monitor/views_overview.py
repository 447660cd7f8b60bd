"""Pure reshaping for the Overview page (the executive monthly summary):
KPI values with their month-on-month and year-on-year changes, the per-product table, the
and the one-line summary of the month.

Nothing here imports Streamlit; every function takes DataFrames or plain objects and returns one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from pandas.io.formats.style import Styler

from . import fmt
from .i18n import t

#: The levels the executive summary headlines: early delinquency, "30+", and the NPL proxy "90+".
HEADLINE_LEVELS = ("M1+", "M2+", "M4+")
#: Cells (and KPI cards) that breach a rule: amber for warn, red for critical.
BREACH_CSS = {"warn": "background-color: #FEF3C7; color: #92400E; font-weight: 700",
              "critical": "background-color: #FEE2E2; color: #991B1B; font-weight: 700"}
KPI_CARD_CSS = {"warn": "background-color: #FFFBEB; border: 2px solid #F59E0B !important;",
                "critical": "background-color: #FEF2F2; border: 2px solid #DC2626 !important;"}
#: A rate change that shows as +0.00 pp at the displayed precision (2 decimals) is not a worsening.
WORSE_PP = 0.00005


# --- months ------------------------------------------------------------------------------------
def shift_month(d: date, n: int) -> date:
    """The first day of the month `n` months after `d` (negative `n`: before)."""
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


# --- KPI cards ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kpi:
    """One headline card: the month's value and its changes.

    `kind` "rate": changes are differences (fractions; 0.0012 = +0.12 pp). `kind` "money":
    changes are relative (0.05 = +5 %). `has_prev` / `has_year_ago`: the comparison month is
    in the data for this scope (False: say so, never show a fake change)."""

    key: str
    kind: str
    value: float | None
    prev: float | None
    year_ago: float | None
    has_prev: bool
    has_year_ago: bool

    @property
    def mom(self) -> float | None:
        return _change(self.value, self.prev, self.kind)

    @property
    def yoy(self) -> float | None:
        return _change(self.value, self.year_ago, self.kind)


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _change(now: float | None, before: float | None, kind: str) -> float | None:
    if now is None or before is None:
        return None
    if kind == "rate":
        return now - before
    return None if before == 0 else now / before - 1


def headline_levels(levels: Sequence[str]) -> list[str]:
    """The headline levels a scheme offers (M1+, M2+, M4+ where defined)."""
    return [lv for lv in HEADLINE_LEVELS if lv in levels]


def kpis(rates: pd.DataFrame, month: date, levels: Sequence[str],
         has_overdue_amount: bool = True) -> list[Kpi]:
    """Exposure, the rate at each of `levels`, and the overdue amount for `month`, from the 'ALL'
    rows of overdue_by_month (which must reach back 12 months for the year-on-year change).
    The overdue amount is None when the data has no overdue_amount column."""
    a = rates[rates["grp"] == "ALL"]
    by_month = {m: g for m, g in a.groupby(a["snapshot_month"].map(_as_date))}
    prev_m, year_m = shift_month(month, -1), shift_month(month, -12)

    def pick(m: date, key: str):
        g = by_month.get(m)
        if g is None or g.empty:
            return None
        if key == "exposure":
            return _num(g["balance"].iloc[0])
        if key == "overdue_amount":
            return _num(g["overdue_amount"].iloc[0]) if has_overdue_amount else None
        row = g[g["level"] == key]
        return _num(row["rate"].iloc[0]) if len(row) else None

    keys = [("exposure", "money"), *((lv, "rate") for lv in levels), ("overdue_amount", "money")]
    return [Kpi(key, kind, pick(month, key), pick(prev_m, key), pick(year_m, key),
                prev_m in by_month, year_m in by_month) for key, kind in keys]


def _as_date(x) -> date:
    """A month from the query (Timestamp or date) as a date."""
    return pd.Timestamp(x).date()


def change_text(kpi: Kpi, which: str) -> str | None:
    """The signed change for a card ('+0.12 pp' / '-3.4%'), None when it cannot be computed."""
    delta = kpi.mom if which == "mom" else kpi.yoy
    if delta is None:
        return None
    return fmt.pp(delta) if kpi.kind == "rate" else fmt.rel(delta)


def value_text(kpi: Kpi, lang: str) -> str:
    return fmt.pct(kpi.value) if kpi.kind == "rate" else fmt.money(kpi.value, lang, short=True)


# --- trends ------------------------------------------------------------------------------------
def trend_frame(rates: pd.DataFrame, month: date, levels: Sequence[str], months: int = 12) -> pd.DataFrame:
    """One row per month of the `months` months ending at `month` ('ALL' rows): snapshot_month,
    exposure, overdue_amount and one rate column per level."""
    a = rates[(rates["grp"] == "ALL") & (rates["level"].isin(levels))]
    start = pd.Timestamp(shift_month(month, 1 - months))
    a = a[(pd.to_datetime(a["snapshot_month"]) >= start)
          & (pd.to_datetime(a["snapshot_month"]) <= pd.Timestamp(month))]
    cols = ["snapshot_month", "exposure", "overdue_amount", *levels]
    if a.empty:
        return pd.DataFrame(columns=cols)
    wide = a.pivot_table(index="snapshot_month", columns="level", values="rate", sort=True, dropna=False)
    totals = a.groupby("snapshot_month", sort=True)[["balance", "overdue_amount"]].first()
    out = totals.rename(columns={"balance": "exposure"}).join(wide).reset_index()
    out["snapshot_month"] = pd.to_datetime(out["snapshot_month"])
    return out.reindex(columns=cols)


# --- product table -----------------------------------------------------------------------------
def product_table(rates: pd.DataFrame, month: date, levels: Sequence[str]) -> pd.DataFrame:
    """Per product for `month`: exposure, loans, the rate at each level with its change in pp
    from the previous month and from the same month a year earlier (fractions; None where that
    month has no data), and `worsened`: the levels whose rate rose month-on-month by at least
    WORSE_PP. The 'ALL' row (the whole scope) comes first, then products by exposure."""
    r = rates[rates["level"].isin(levels)].copy()
    r["m"] = r["snapshot_month"].map(_as_date)
    cur = r[r["m"] == month]
    cols = ["grp", "exposure", "loans",
            *[c for lv in levels for c in (lv, f"{lv} MoM", f"{lv} YoY")], "worsened"]
    if cur.empty:
        return pd.DataFrame(columns=cols)

    def rate_of(m: date) -> pd.DataFrame:
        return r[r["m"] == m].pivot_table(index="grp", columns="level", values="rate", dropna=False)

    now = rate_of(month)
    prev, year = rate_of(shift_month(month, -1)), rate_of(shift_month(month, -12))
    heads = cur.groupby("grp", sort=False)[["balance", "loans"]].first()
    out = pd.DataFrame({"grp": heads.index, "exposure": heads["balance"].to_numpy(),
                        "loans": heads["loans"].to_numpy()})
    for lv in levels:
        out[lv] = out["grp"].map(now[lv]) if lv in now else None
        for name, base in (("MoM", prev), ("YoY", year)):
            before = out["grp"].map(base[lv]) if lv in base else pd.Series(float("nan"), index=out.index)
            out[f"{lv} {name}"] = out[lv].astype(float) - before.astype(float)
    out["worsened"] = [tuple(lv for lv in levels if pd.notna(row[f"{lv} MoM"])
                             and row[f"{lv} MoM"] >= WORSE_PP) for _, row in out.iterrows()]
    out = out.assign(_all=out["grp"] == "ALL").sort_values(["_all", "exposure"], ascending=False)
    return out.drop(columns="_all").reset_index(drop=True)[cols]


def worsened_products(table: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    """(product, levels that rose) for every product (not 'ALL') that worsened month-on-month."""
    return [(r.grp, r.worsened) for r in table.itertuples() if r.grp != "ALL" and r.worsened]


def product_labels(levels: Sequence[str], lang: str) -> dict[str, str]:
    """Column headings of the product table in `lang`."""
    out = {"grp": t("Product", lang), "exposure": t("Exposure", lang), "loans": t("Loans", lang),
           "worsened": t("Worse MoM", lang)}
    for lv in levels:
        out[lv] = lv
        out[f"{lv} MoM"] = f"{lv} {t('MoM', lang)}"
        out[f"{lv} YoY"] = f"{lv} {t('YoY', lang)}"
    return out


def _shown_columns(table: pd.DataFrame, levels: Sequence[str]) -> pd.DataFrame:
    """Leave out the year-on-year columns when no product has a year-earlier month (a young book)."""
    yoy = [f"{lv} YoY" for lv in levels]
    return table.drop(columns=yoy) if table[yoy].isna().all().all() else table


def product_export(table: pd.DataFrame, levels: Sequence[str], lang: str) -> pd.DataFrame:
    """The product table for download: plain numbers (rates and changes as fractions)."""
    out = _shown_columns(table, levels).copy()
    out["grp"] = out["grp"].map(lambda g: t("All", lang) if g == "ALL" else g)
    out["worsened"] = out["worsened"].map(" ".join)
    return out.rename(columns=product_labels(levels, lang))


def _pp(x) -> str:
    """A change in pp; one that rounds to zero reads '+0.00 pp', never '-0.00 pp'."""
    return fmt.pp(0.0 if x is not None and not pd.isna(x) and abs(x) < WORSE_PP else x)


def _change_css(x) -> str:
    if x is None or pd.isna(x) or abs(x) < WORSE_PP:
        return ""
    return "color: #B91C1C; background-color: #FEE2E2" if x > 0 else "color: #15803D"


def product_styler(table: pd.DataFrame, levels: Sequence[str], lang: str,
                   breaches: dict[tuple[str, str], str] | None = None) -> Styler:
    """The product table formatted for people: money in 万/亿 (Chinese), rates with 2 decimals,
    changes in pp; rises in red, falls in green, the names of worsened products in red, and the
    rate cells that breach a rule (`breaches`: {(product or 'ALL', level): severity}) filled
    amber (warn) or red (critical)."""
    shown = _shown_columns(table, levels).copy()
    shown["grp"] = shown["grp"].map(lambda g: t("All", lang) if g == "ALL" else g)
    shown["worsened"] = shown["worsened"].map(lambda w: " ".join(w) if w else "")
    labels = product_labels(levels, lang)
    change_cols = [labels[c] for c in shown.columns if c.endswith((" MoM", " YoY"))]
    shown = shown.rename(columns=labels)
    rate_cols = [labels[lv] for lv in levels]
    formats = {labels["exposure"]: lambda x: fmt.money(x, lang), labels["loans"]: fmt.count,
               **{c: fmt.pct for c in rate_cols}, **{c: _pp for c in change_cols}}
    worse = (table["worsened"].map(bool) & (table["grp"] != "ALL")).to_numpy()
    name_css = ["color: #B91C1C; font-weight: 600" if w else "" for w in worse]
    cells = pd.DataFrame("", index=shown.index, columns=rate_cols)
    for (grp, lv), sev in (breaches or {}).items():
        rows = table.index[table["grp"] == grp]
        if len(rows) and lv in levels:
            cells.loc[rows, labels[lv]] = BREACH_CSS[sev]
    return (shown.style.format(formats, na_rep="—")
            .map(_change_css, subset=change_cols)
            .apply(lambda _: name_css, subset=[labels["grp"], labels["worsened"]])
            .apply(lambda _: cells, axis=None, subset=rate_cols))


def change_color(delta: float | None, kind: str, up_is_bad: bool = True) -> str:
    """Markdown colour of a change: red when it moved the bad way, green the good way, gray when
    flat (below the display precision), unknown or neither good nor bad."""
    if delta is None or not up_is_bad:
        return "gray"
    if abs(delta) < (WORSE_PP if kind == "rate" else 0.0005):
        return "gray"
    return "red" if delta > 0 else "green"


def summary_sentence(cards: Sequence[Kpi], worse: Sequence[tuple[str, tuple[str, ...]]],
                     month: date, lang: str) -> str:
    """One or two plain sentences on the month: the 30+ rate (M2+) with its changes, the exposure,
    and the products whose rates rose."""
    by_key = {k.key: k for k in cards}
    head = by_key.get("M2+") or next((k for k in cards if k.kind == "rate"), None)
    exp = by_key["exposure"]
    parts = []
    if head is not None and head.value is not None:
        mom, yoy = change_text(head, "mom"), change_text(head, "yoy")
        changes = [t("{x} MoM", lang, x=mom) if mom else t("no previous month", lang),
                   t("{x} YoY", lang, x=yoy) if yoy else t("no data a year earlier", lang)]
        parts.append(t("{month}: {level} overdue rate {value} ({changes}); exposure {exposure}.",
                       lang, month=f"{month:%Y-%m}", level=head.key, value=value_text(head, lang),
                       changes=("，" if lang == "zh" else ", ").join(changes),
                       exposure=value_text(exp, lang)))
    if worse:
        sep, open_, close = ("；", "（", "）") if lang == "zh" else ("; ", " (", ")")
        names = sep.join(f"{p}{open_}{' '.join(lv)}{close}" for p, lv in worse)
        parts.append(t("Rates up month-on-month: {names}.", lang, names=names))
    elif head is not None and head.has_prev:
        parts.append(t("No product's rate rose month-on-month.", lang))
    return ("" if lang == "zh" else " ").join(parts)
