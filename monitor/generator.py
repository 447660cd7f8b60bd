"""Deterministic sample-book generator: a synthetic consumer-loan book with a storyline.

The book is simulated month by month over numpy arrays (one element per active loan, never a Python
loop over loans) and emitted as one Arrow table per month-end snapshot in the data contract of
DESIGN.md §1. Delinquency is a Markov chain over payment events (miss, cure, partial payment, roll),
so days past due are calendar-consistent. Products, segments and the storyline live in
``generator_params``; this module holds the mechanics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from monitor import generator_params as P
from monitor.generator_population import _draw_loans, _first_days, _knots, _month_index, _spec

_DICT = pa.dictionary(pa.int8(), pa.string())
SCHEMA = pa.schema([
    ("snapshot_month", pa.date32()), ("loan_id", pa.string()),
    ("outstanding_balance", pa.float64()), ("days_past_due", pa.int32()),
    ("product", _DICT), ("region", _DICT), ("channel", _DICT),
    ("origination_month", pa.date32()), ("principal", pa.float64()),
    ("overdue_amount", pa.float64()), ("age_band", _DICT), ("income_band", _DICT),
    ("occupation", _DICT), ("collection_action", _DICT), ("restructured", pa.bool_()),
])
_CATEGORIES = {
    "product": P.PRODUCTS, "region": P.REGIONS, "channel": P.CHANNELS, "age_band": P.AGE_BANDS,
    "income_band": P.INCOME_BANDS, "occupation": P.OCCUPATIONS, "collection_action": P.ACTIONS,
}

_BUCKET_EDGES = np.array([0, 30, 60, 90, 120, 150, 180])  # China: M1 = DPD 1-30 ... M7 = DPD > 180
_CARD_REMAINING = 30_000  # a card has no term: its "instalments remaining" never run out




_EXIT_H, _MISS, _CURE_PRODUCT = _spec("exit"), _spec("miss"), _spec("cure")
_RATE_M = _spec("rate") / 12
_CURE = np.array([[P.CURE.get(b, {}).get(a, 0.0) for a in range(len(P.ACTIONS))] for b in range(8)])
_PARTIAL = np.array([P.PARTIAL.get(b, 0.0) for b in range(8)])
_MOB_RISK = np.array([  # miss multiplier by product and months on book (column = MOB, capped)
    ([0.0, *early] + [late] * 64)[:64]
    for early, late in (((P.MOB_RISK_CARD, P.MOB_RISK_CARD_LATE) if p == P.CARD
                         else (P.MOB_RISK_INSTALLMENT, P.MOB_RISK_INSTALLMENT_LATE))
                        for p in range(len(P.PRODUCTS)))
])


# --- calendar --------------------------------------------------------------------------------------

_STEPS = ((np.sqrt(5) - 1) / 2, np.sqrt(2) - 1, np.sqrt(3) - 1)


def _even_uniforms(rng: np.random.Generator, group: np.ndarray, stream: int) -> np.ndarray:
    """One U(0,1) per loan, spread evenly within each group (a randomly shifted Kronecker sequence).

    Each loan's draw is still uniform, so every loan keeps its own event probability, but the number
    of events in a group (product x bucket) lands within a few of its expectation: monthly rates stay
    steady at sample sizes where independent draws would be dominated by binomial noise.
    """
    u = np.empty(group.size)
    u[np.argsort(group, kind="stable")] = (rng.random() + np.arange(group.size) * _STEPS[stream]) % 1
    return u


# --- the loans -------------------------------------------------------------------------------------

def _annuity(balance: np.ndarray, n: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Equal monthly instalment (等额本息) that repays `balance` over `n` months at rate `i`."""
    return balance * i / (1 - (1 + i) ** -np.maximum(n, 1).astype(float))


def _bucket(dpd: np.ndarray) -> np.ndarray:
    return np.searchsorted(_BUCKET_EDGES, dpd, side="left").astype(np.int8)


# --- the simulation --------------------------------------------------------------------------------

def _policy_arrays(policy: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bucket: first action, its probability, and the alternative action."""
    first, p_first, second = np.zeros(8, np.int8), np.ones(8), np.zeros(8, np.int8)
    for b, options in policy.items():
        first[b], p_first[b] = options[0]
        second[b] = options[-1][0]
    return first, p_first, second


class _Book:
    """The active loans, compacted into arrays: dynamic state plus the static fields a step reads."""

    _FIELDS = ("idx", "prod", "orig", "principal", "util", "risk", "cure", "due_day",
               "bal", "inst", "rem", "missed", "dpd", "m7", "action", "restr")

    def __init__(self, loans: dict, rng: np.random.Generator, start: int, months: int) -> None:
        self.L, self.rng, self.start, self.t0 = loans, rng, start, -P.BURN_IN_MONTHS
        cal = start + np.arange(self.t0, months)
        days = _first_days(start + self.t0, months - self.t0 + 1)
        self.first_day, self.dim = days[:-1], np.diff(days)
        self.miss_trend = np.ones((len(P.PRODUCTS), cal.size)) * _knots(P.BOOK_MISS_TREND, cal)
        self.cure_trend = np.ones((len(P.PRODUCTS), cal.size))
        for name, knots in P.MISS_TREND.items():
            self.miss_trend[P.PRODUCTS.index(name)] *= _knots(knots, cal)
        for name, knots in P.CURE_TREND.items():
            self.cure_trend[P.PRODUCTS.index(name)] *= _knots(knots, cal)
        self.policy = np.zeros(cal.size, int)
        for k, (since, _) in enumerate(P.COLLECTION_POLICY):
            self.policy[cal >= _month_index(since)] = k
        self.policies = [_policy_arrays(pol) for _, pol in P.COLLECTION_POLICY]
        self.m1_boost = np.where(cal >= _month_index(P.M1_STRATEGY_BOOST[0]),
                                 P.M1_STRATEGY_BOOST[1], 1.0)
        # loans are sorted by origination: each month's new loans are one contiguous slice
        self.bounds = np.searchsorted(loans["orig"], np.arange(self.t0, months + 1))
        self.bounds[0] = 0  # stock older than the burn-in joins at its start
        for f in self._FIELDS:
            setattr(self, f, np.empty(0))
        self._append(self.t0)

    def _append(self, t: int) -> None:
        """Add the loans originated in month t (at the burn-in start: all older stock as well)."""
        sl = slice(self.bounds[t - self.t0], self.bounds[t - self.t0 + 1])
        L, n = self.L, sl.stop - sl.start
        prod, card, principal = L["prod"][sl], L["prod"][sl] == P.CARD, L["principal"][sl]
        mob, term, i = (t - L["orig"][sl]).astype(np.int64), L["term"][sl], _RATE_M[prod]
        inst = _annuity(principal, term, i)
        grow = (1 + i) ** mob  # older stock joins current and on schedule: `mob` instalments paid
        bal = np.where(card, principal * L["util"][sl] * np.where(mob == 0, 0.6, 1.0),
                       principal * grow - inst * (grow - 1) / i)
        new = dict(
            idx=np.arange(sl.start, sl.stop, dtype=np.int32), prod=prod, orig=L["orig"][sl],
            principal=principal, util=L["util"][sl], risk=L["risk"][sl], cure=L["cure"][sl],
            due_day=L["due_day"][sl], bal=bal, inst=np.where(card, 0.0, inst),
            rem=np.where(card, _CARD_REMAINING, term - mob).astype(np.int16),
            missed=np.zeros(n, np.int16), dpd=np.zeros(n, np.int32), m7=np.zeros(n, np.int8),
            action=np.zeros(n, np.int8), restr=np.zeros(n, bool),
        )
        for f in self._FIELDS:
            setattr(self, f, np.concatenate([getattr(self, f), new[f]]).astype(new[f].dtype))

    def step(self, t: int) -> None:
        """Advance every active loan from month t-1 to month t, then add month t's originations."""
        # up to the first snapshot nobody leaves: every loan of the book shows at least once
        rng, n, ti, burn = self.rng, self.idx.size, t - self.t0, t <= 0
        moy, dim = (self.start + t) % 12, int(self.dim[ti])
        prod, card, dpd0 = self.prod, self.prod == P.CARD, self.dpd
        cur, b0 = dpd0 == 0, _bucket(dpd0)
        u_event = _even_uniforms(rng, prod * 8 + b0, 0)
        u_exit = _even_uniforms(rng, prod * 8 + b0, 1)
        noise = rng.standard_normal(n, dtype=np.float32)
        # u_exit serves disjoint groups: current (prepay / close), M2-M3 (restructure), M7 (write-off)
        vol = cur & (u_exit < _EXIT_H[prod]) & (not burn)
        wo = (self.m7 >= 2) | ((self.m7 == 1) & (u_exit < P.WRITE_OFF_FIRST))
        rs = ((b0 == 2) | (b0 == 3)) & (u_exit < P.RESTRUCTURE_P)

        mob = np.minimum(t - self.orig.astype(np.int64), _MOB_RISK.shape[1] - 1)
        p_miss = (_MISS[prod] * self.risk * P.SEASON_MISS[moy] * self.miss_trend[prod, ti]
                  * _MOB_RISK[prod, mob] * np.where(self.restr, P.RESTRUCTURED_RISK, 1.0))
        p_miss[card & (self.bal < 50)] = 0.0  # nothing to pay on an empty card
        p_cure = (_CURE[b0, self.action] * _CURE_PRODUCT[prod] * self.cure_trend[prod, ti]
                  * P.SEASON_CURE[moy] * self.cure * np.where(b0 == 1, self.m1_boost[ti], 1.0))
        p_cure = np.minimum(p_cure, 0.95)
        p_part = np.minimum(_PARTIAL[b0], 0.98 - p_cure)

        miss = cur & ~vol & (u_event < p_miss)
        pay = cur & ~vol & ~miss
        dq = ~cur & ~wo & ~rs
        cure = dq & (u_event < p_cure)
        part = dq & ~cure & (u_event < p_cure + p_part)
        roll = dq & ~cure & ~part

        # one instalment falls due each month until the schedule ends (cards: a minimum payment)
        owed = self.missed + ((self.rem - self.missed) > 0)
        paid = np.where(pay | cure, owed, np.where(part, np.minimum(owed, 1), 0))
        missed = np.where(rs, 0, owed - paid)
        rem = self.rem - paid
        i = _RATE_M[prod]
        bal = self.bal * (1 + i) - paid * self.inst  # arrears keep accruing interest
        util = np.clip(self.util + P.CARD_UTIL_NOISE * noise, 0, 1)
        bal = np.maximum(np.where(card & pay, self.principal * util, bal), 0.0)
        minimum = np.maximum(P.CARD_MIN_PAYMENT * self.bal,
                             np.minimum(self.bal, P.CARD_MIN_PAYMENT_FLOOR))
        inst = np.where(card & miss, minimum, self.inst)
        # restructuring (展期): the arrears fold into a longer schedule and DPD goes back to 0
        rs_loan = rs & ~card
        rem = np.where(rs_loan, rem + P.RESTRUCTURE_EXTENSION, rem)
        inst = np.where(rs_loan, _annuity(bal, rem, i), inst)

        # first miss: DPD counts from the due day; a roll adds exactly the days of the new month
        dpd = np.where(miss, dim - self.due_day,
                       np.where(roll, dpd0 + dim, np.where(part & (missed > 0), dpd0, 0)))
        cleared = bal < 1.0  # a payment that clears a (small) balance in full cures the loan
        if burn:  # the burn-in only settles the opening DPD mix: M7 restarts current
            cleared |= wo
            gone = np.zeros(n, bool)
        else:
            gone = wo | vol | (~card & (rem <= 0))
        missed, dpd = np.where(cleared, 0, missed), np.where(cleared, 0, dpd)

        b1 = _bucket(dpd)
        u_other = _even_uniforms(rng, prod * 8 + b1, 2)
        first, p_first, second = self.policies[self.policy[ti]]
        action = np.where(dpd > 0, np.where(u_other < p_first[b1], first[b1], second[b1]), P.NONE)
        credit = card & pay & (u_other < P.CARD_CREDIT_BALANCE_P)  # overpaid: a credit balance
        bal[credit] = -(1 + u_other[credit] / P.CARD_CREDIT_BALANCE_P * P.CARD_CREDIT_BALANCE_MAX)

        self.bal, self.inst, self.rem = bal, inst, rem.astype(np.int16)
        self.missed, self.dpd = missed.astype(np.int16), dpd.astype(np.int32)
        self.m7 = np.where(dpd > 180, self.m7 + 1, 0).astype(np.int8)
        self.action, self.restr = action.astype(np.int8), self.restr | rs
        if gone.any():
            for f in self._FIELDS:
                setattr(self, f, getattr(self, f)[~gone])
        self._append(t)

    def table(self, t: int, ids: pa.Array, dictionaries: dict) -> pa.Table:
        """The month-end snapshot of month t, in SCHEMA."""
        L, idx = self.L, self.idx
        bal = np.round(self.bal, 2)
        overdue = np.where(self.missed > 0, np.minimum(np.round(self.missed * self.inst, 2), bal), 0)

        def cat(name: str, codes: np.ndarray) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), dictionaries[name])

        day = pa.scalar(int(self.first_day[t - self.t0]), pa.int32())
        return pa.Table.from_arrays([
            pa.repeat(day, idx.size).view(pa.date32()), ids.take(pa.array(idx)), pa.array(bal),
            pa.array(self.dpd), cat("product", self.prod), cat("region", L["region"][idx]),
            cat("channel", L["channel"][idx]), pa.array(L["orig_day"][idx]).view(pa.date32()),
            pa.array(self.principal), pa.array(np.maximum(overdue, 0.0)),
            cat("age_band", L["age"][idx]), cat("income_band", L["income"][idx]),
            cat("occupation", L["occupation"][idx]), cat("collection_action", self.action),
            pa.array(self.restr),
        ], schema=SCHEMA)


# --- public API ------------------------------------------------------------------------------------

def _loan_ids(loans: int) -> pa.Array:
    """'LN00000001', ... built once per book; each month takes its rows from it."""
    numbers = pa.array(np.arange(1, loans + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise("LN", pc.utf8_lpad(numbers, max(8, len(str(loans))), "0"), "")


def generate_book(loans: int = 30_000, months: int = 36, start: str = "2023-01",
                  seed: int = 20251231) -> Iterator[pa.Table]:
    """Yield one pyarrow Table per month-end snapshot, in month order."""
    loans, months, first = int(loans), int(months), _month_index(start)  # checked before the first month
    if loans < 1 or months < 1:
        raise ValueError(f"loans and months must be at least 1, got {loans} and {months}")
    return _snapshots(loans, months, first, seed)


def _snapshots(loans: int, months: int, first: int, seed: int) -> Iterator[pa.Table]:
    rng = np.random.default_rng(seed)
    book = _Book(_draw_loans(rng, loans, months, first), rng, first, months)
    ids = _loan_ids(loans)
    dictionaries = {name: pa.array(values, pa.string()) for name, values in _CATEGORIES.items()}
    for t in range(book.t0 + 1, months):
        book.step(t)
        if t >= 0:
            yield book.table(t, ids, dictionaries)


def write_book(out: str | Path, loans: int = 30_000, months: int = 36, start: str = "2023-01",
               seed: int = 20251231) -> dict:
    """Stream the book to one Parquet file (a row group per month, zstd); return
    {"rows", "loans", "months", "seconds"}."""
    began, out, rows = time.perf_counter(), Path(out), 0
    tables = generate_book(loans, months, start, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # a failed run never leaves a half-written book
    low_cardinality = [*_CATEGORIES, "snapshot_month", "origination_month"]
    try:
        with pq.ParquetWriter(partial, SCHEMA, compression="zstd", use_dictionary=low_cardinality) as writer:
            for table in tables:
                writer.write_table(table, row_group_size=max(table.num_rows, 1))
                rows += table.num_rows
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return {"rows": rows, "loans": int(loans), "months": int(months),
            "seconds": round(time.perf_counter() - began, 2)}
