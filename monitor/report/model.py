"""The monthly summary behind every report format: what the Overview shows for one month and scope,
plus the month's breaches, the biggest movers and the tables of the workbook.

Built once from a query connection; the HTML, PDF and Excel writers and the summary sentences only
read it. Nothing here imports Streamlit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pandas as pd

from .. import metrics as m
from .. import views_overview as vo
from ..alerts import breaches_in, evaluate
from ..definitions import load_definitions
from ..metrics import Scope
from ..rules import Rule

#: Dimensions whose values can be movers: the product, the cube's region and channel, and the
#: customer segments of the cube's grouping sets (collection action and restructuring follow
#: delinquency rather than explain it, so they are left out).
MOVER_DIMS = ("product", "region", "channel", "age_band", "income_band", "occupation")
#: The levels a move is measured at: early delinquency and "30+".
MOVER_LEVELS = ("M1+", "M2+")
#: A value needs this share of the scope's exposure to be a mover: tiny groups swing on a few loans.
MIN_SHARE = 0.01
TOP_MOVERS = 8
MOVER_COLUMNS = ["dim", "value", "exposure", "share", "M1+", "M1+ MoM", "M2+", "M2+ MoM", "move"]
#: A rate change smaller than 0.01 pp reads as flat (it shows as 0.00 pp at two decimals).
FLAT = 0.0001


def _month(x) -> date:
    """A month from a query (Timestamp or date) as a date."""
    return pd.Timestamp(x).date()


@dataclass(frozen=True)
class Driver:
    """The product that contributed most to the headline rate's change, in the same direction:
    its own rate change (`delta`) and its contribution to the book's change (`contribution`)."""

    product: str
    delta: float
    contribution: float


@dataclass(frozen=True)
class MonthlySummary:
    """Everything a report of `month` in `scope` shows (rates by balance, coincident)."""

    month: date
    scope: Scope
    source: str
    generated: datetime
    book_months: tuple[date, ...]
    levels: tuple[str, ...]  # the headline levels (M1+, M2+, M4+ where the scheme has them)
    all_levels: tuple[str, ...]  # every level of the scheme (the workbook shows them all)
    has_amount: bool
    cards: tuple[vo.Kpi, ...]
    trend: pd.DataFrame  # vo.trend_frame: 12 months ending at `month`
    table: pd.DataFrame  # vo.product_table at the headline levels (the Overview's table)
    table_all: pd.DataFrame  # vo.product_table at every level
    month_rates: pd.DataFrame  # overdue_by_month rows of `month` (grp, level, balances, rates)
    buckets: pd.DataFrame  # bucket_balance of `month` by product, with shares
    transition: pd.DataFrame  # transition_matrix ending at `month` ('ALL' of the scope)
    breaches: pd.DataFrame  # alerts.evaluate rows of `month` (each rule's own scope)
    skipped: tuple[str, ...]  # rules the data cannot evaluate, with the reason
    owners: dict = field(default_factory=dict)  # rule id -> owner
    movers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MOVER_COLUMNS))
    driver: Driver | None = None
    movers_note: str = ""  # why some dimensions could not be ranked ('' when none)

    @property
    def has_data(self) -> bool:
        return bool(self.cards) and self.cards[0].value is not None

    @property
    def prev_month(self) -> date:
        return vo.shift_month(self.month, -1)

    @property
    def year_month(self) -> date:
        return vo.shift_month(self.month, -12)

    @property
    def has_prev(self) -> bool:
        return self.has_data and self.cards[0].has_prev

    @property
    def headline(self) -> vo.Kpi | None:
        """The card the summary leads with: M2+ ("30+"), else the first rate."""
        by_key = {k.key: k for k in self.cards}
        return by_key.get("M2+") or next((k for k in self.cards if k.kind == "rate"), None)

    def card(self, key: str) -> vo.Kpi | None:
        return next((k for k in self.cards if k.key == key), None)

    @property
    def critical(self) -> int:
        return int((self.breaches["severity"] == "critical").sum())

    @property
    def warn(self) -> int:
        return int((self.breaches["severity"] == "warn").sum())


# --- building ------------------------------------------------------------------------------------
def build(con, month: date, scope: Scope, rules: Sequence[Rule], *, source: str,
          columns: Sequence[str], breaches: pd.DataFrame | None = None,
          skipped: Sequence[str] = (), now: datetime | None = None) -> MonthlySummary:
    """The summary of `month` in `scope` (its months are ignored: the report reads the 12 months
    ending at `month`). `breaches`: the evaluation of `rules` over the whole book when the caller
    has it already (the app caches it); else the rules are evaluated here. A month without data
    in the scope (or outside the book) gives a summary whose `has_data` is False, never an error."""
    scheme = load_definitions().scheme(scope.scheme)
    levels = tuple(vo.headline_levels(scheme.levels))
    has_amount = "overdue_amount" in columns
    book_months = tuple(m.months(con))
    year_m = vo.shift_month(month, -12)
    rates = m.overdue_by_month(con, scope.with_months(year_m, month), "product")
    cards = tuple(vo.kpis(rates, month, levels, has_amount))
    if breaches is None:
        breaches, skipped = evaluate(con, list(rules), scope.scheme)
    this_month = breaches_in(breaches, month) if len(breaches) else breaches.iloc[0:0]
    base = dict(month=month, scope=scope, source=source, generated=now or datetime.now(),
                book_months=book_months, levels=levels, all_levels=tuple(scheme.levels),
                has_amount=has_amount, cards=cards, breaches=this_month.reset_index(drop=True),
                skipped=tuple(skipped), owners={r.id: r.owner for r in rules})
    if cards[0].value is None:
        empty = vo.product_table(rates.iloc[0:0], month, levels)
        return MonthlySummary(**base, trend=vo.trend_frame(rates, month, levels), table=empty,
                              table_all=vo.product_table(rates.iloc[0:0], month, scheme.levels),
                              month_rates=rates.iloc[0:0], buckets=_buckets(rates.iloc[0:0]),
                              transition=pd.DataFrame())
    one = scope.with_months(month, month)
    table = vo.product_table(rates, month, levels)
    movers, note = mover_table(con, scope, month, columns)
    return MonthlySummary(
        **base, trend=vo.trend_frame(rates, month, levels), table=table,
        table_all=vo.product_table(rates, month, scheme.levels),
        month_rates=rates[rates["snapshot_month"].map(_month) == month].reset_index(drop=True),
        buckets=_buckets(m.bucket_balance(con, one, "product")),
        transition=m.transition_matrix(con, one, "none"),
        movers=movers, movers_note=note,
        driver=driver(rates, month, cards_headline(cards)))


def cards_headline(cards: Sequence[vo.Kpi]) -> str | None:
    by_key = {k.key: k for k in cards}
    head = by_key.get("M2+") or next((k for k in cards if k.kind == "rate"), None)
    return head.key if head else None


def _buckets(bb: pd.DataFrame) -> pd.DataFrame:
    """bucket_balance rows with each bucket's share of its product's exposure and loans."""
    cols = ["grp", "bucket_idx", "bucket", "loans", "exposure", "overdue_amount",
            "exposure_share", "loan_share"]
    if bb.empty:
        return pd.DataFrame(columns=cols)
    out = bb.copy()
    tot = out.groupby("grp")[["exposure", "loans"]].transform("sum")
    out["exposure_share"] = (out["exposure"] / tot["exposure"].where(tot["exposure"] > 0)).astype(float)
    out["loan_share"] = (out["loans"] / tot["loans"].where(tot["loans"] > 0)).astype(float)
    out = out.assign(_all=out["grp"] == "ALL", _size=out["grp"].map(out.groupby("grp")["exposure"].sum()))
    out = out.sort_values(["_all", "_size", "grp", "bucket_idx"], ascending=[False, False, True, True])
    return out[cols].reset_index(drop=True)


# --- the driver of the headline change -----------------------------------------------------------
def driver(rates: pd.DataFrame, month: date, level: str | None) -> Driver | None:
    """The product whose overdue balance moved the scope's `level` rate most, in the direction the
    rate moved, and whose own rate moved that way too. Contribution of product p:
    overdue_p(t) / exposure(t) - overdue_p(t-1) / exposure(t-1); over all products they add up to
    the scope's change. None when the rate is flat, there is one product, or no previous month."""
    if level is None:
        return None
    prev = vo.shift_month(month, -1)
    r = rates[rates["level"] == level].copy()
    r["m"] = r["snapshot_month"].map(_month)
    now, before = r[r["m"] == month].set_index("grp"), r[r["m"] == prev].set_index("grp")
    if "ALL" not in now.index or "ALL" not in before.index:
        return None
    change = float(now.at["ALL", "rate"]) - float(before.at["ALL", "rate"])
    products = [g for g in now.index if g != "ALL" and g in before.index]
    if abs(change) < FLAT or len(products) < 2:
        return None
    best = None
    for p in products:
        contribution = (float(now.at[p, "overdue_balance"]) / float(now.at["ALL", "balance"])
                        - float(before.at[p, "overdue_balance"]) / float(before.at["ALL", "balance"]))
        own = float(now.at[p, "rate"]) - float(before.at[p, "rate"])
        same_way = contribution * change > 0 and own * change > 0 and abs(own) >= FLAT
        if same_way and (best is None or abs(contribution) > abs(best.contribution)):
            best = Driver(p, own, contribution)
    return best


# --- movers ----------------------------------------------------------------------------------------
def _split(scope: Scope, dim: str) -> tuple[Scope, str] | None:
    """(scope, group_by) that ranks the values of `dim` inside `scope`; None when that cannot keep
    the sidebar's segment filter (the cube reads one segment dimension at a time)."""
    if dim in ("product", "region", "channel"):
        return scope, dim
    if scope.seg_dim == dim:
        return scope, "segment"
    if scope.seg_dim != "all":
        return None
    return replace(scope, seg_dim=dim, seg_values=None), "segment"


def mover_rows(rates: pd.DataFrame, dim: str, month: date) -> pd.DataFrame:
    """One row per value of `dim` (from overdue_by_month grouped by it, months t-1 and t): its
    exposure and share of the scope's exposure in `month`, its M1+ and M2+ rates and their changes
    in pp (fractions), and `move`: the larger absolute change of the two. Empty when the scope
    holds a single value of `dim`."""
    r = rates[rates["level"].isin(MOVER_LEVELS)].copy()
    r["m"] = r["snapshot_month"].map(_month)
    now, before = r[r["m"] == month], r[r["m"] == vo.shift_month(month, -1)]
    if now.empty or before.empty:
        return pd.DataFrame(columns=MOVER_COLUMNS)
    heads = now[now["grp"] != "ALL"].groupby("grp", sort=False)["balance"].first()
    if len(heads) < 2:  # one value is the scope itself (a filter picked it): nothing moved against it
        return pd.DataFrame(columns=MOVER_COLUMNS)
    total = float(now.loc[now["grp"] == "ALL", "balance"].iloc[0])
    out = pd.DataFrame({"dim": dim, "value": heads.index, "exposure": heads.to_numpy(dtype=float)})
    out["share"] = out["exposure"] / total if total > 0 else float("nan")
    for lv in MOVER_LEVELS:
        cur = now[now["level"] == lv].set_index("grp")["rate"]
        old = before[before["level"] == lv].set_index("grp")["rate"]
        out[lv] = out["value"].map(cur).astype(float)
        out[f"{lv} MoM"] = out[lv] - out["value"].map(old).astype(float)
    out["move"] = out[[f"{lv} MoM" for lv in MOVER_LEVELS]].abs().max(axis=1)
    return out[MOVER_COLUMNS]


def rank_movers(rows: pd.DataFrame, top: int = TOP_MOVERS, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """The `top` values with the largest move, among those holding at least `min_share` of the
    exposure and whose move is at least 0.01 pp."""
    keep = rows[(rows["share"] >= min_share) & (rows["move"] >= FLAT)].dropna(subset=["move"])
    return keep.sort_values(["move", "exposure"], ascending=False).head(top).reset_index(drop=True)


def mover_table(con, scope: Scope, month: date, columns: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """The biggest movers over every dimension the book has, and a note naming the dimensions that
    could not be ranked inside the scope ('' when none)."""
    frames, dropped = [], []
    for dim in MOVER_DIMS:
        if dim not in columns:
            continue
        split = _split(scope, dim)
        if split is None:
            dropped.append(dim)
            continue
        s, group_by = split
        rates = m.overdue_by_month(con, s.with_months(vo.shift_month(month, -1), month), group_by)
        frames.append(mover_rows(rates, dim, month))
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=MOVER_COLUMNS)
    return rank_movers(rows), ",".join(dropped)
