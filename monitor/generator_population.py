"""Who the sample book's loans are: origination months, products, segments, sizes and terms.

Drawn once per book, vectorised; the month-by-month simulation lives in ``generator``.
"""

from __future__ import annotations

import numpy as np

from monitor import generator_params as P

_SIZING_LOSS_HAZARD = 0.002  # expected monthly write-off exits, used only to size originations

def _spec(key: str) -> np.ndarray:
    return np.array([P.PRODUCT_SPECS[p][key] for p in P.PRODUCTS], dtype=float)


def _month_index(text: str) -> int:
    """'YYYY-MM' -> months since year 0 (year * 12 + month - 1)."""
    try:
        year, month = (int(x) for x in str(text)[:7].split("-"))
    except ValueError:
        raise ValueError(f"a month must be written YYYY-MM, got {text!r}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"a month must be written YYYY-MM, got {text!r}")
    return year * 12 + month - 1


def _first_days(first: int, count: int) -> np.ndarray:
    """Days since 1970-01-01 of the first day of `count` consecutive months from month `first`."""
    months = np.arange(first, first + count) - 1970 * 12
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _knots(knots, months: np.ndarray) -> np.ndarray:
    """Piecewise-linear factor over calendar months, held flat outside the knots."""
    if not knots:
        return np.ones(np.shape(months))
    return np.interp(months, [_month_index(m) for m, _ in knots], [v for _, v in knots])


# --- random draws ----------------------------------------------------------------------------------

def _choice(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    cdf = np.cumsum(probs) / np.sum(probs)
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1).astype(np.int8)


def _cond_choice(rng: np.random.Generator, given: np.ndarray, table) -> np.ndarray:
    """Draw a category per row from the probability row of `table` that `given` selects."""
    cdf = np.cumsum(np.asarray(table, dtype=float), axis=1)
    cdf /= cdf[:, -1:]
    out = (rng.random(given.size)[:, None] >= cdf[given]).sum(axis=1)
    return np.minimum(out, cdf.shape[1] - 1).astype(np.int8)


# Kronecker-sequence steps, pairwise rationally independent: streams drawn for the same loans are
# jointly equidistributed rather than tied to each other.
def _survival(spec: dict) -> tuple[np.ndarray, np.ndarray]:
    """P(row at MOB a) by term (rows) and age (columns), ignoring delinquency; cards: one row."""
    hazard = spec["exit"] + _SIZING_LOSS_HAZARD
    if spec["terms"] is None:
        return np.zeros(1, int), ((1 - hazard) ** np.arange(600))[None, :]
    terms = np.array(spec["terms"])
    ages = np.arange(terms.max())
    term_p = np.array(spec["term_p"]) / np.sum(spec["term_p"])
    return terms, term_p[:, None] * (ages < terms[:, None]) * (1 - hazard) ** ages


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(-(raw - counts), kind="stable")[:total - counts.sum()]] += 1
    return counts


def _originations(rng: np.random.Generator, loans: int, months: int, start: int):
    """Product, origination month (relative to start; < 0 = stock) and term of every loan."""
    n_prod, surv = len(P.PRODUCTS), [_survival(P.PRODUCT_SPECS[p]) for p in P.PRODUCTS]
    life = np.array([grid.sum() for _, grid in surv])
    rate = _spec("book_share") / life  # steady state: book share = originations x expected life
    season = np.array(P.ORIGINATION_SEASON)[(start + np.arange(months)) % 12]
    # the stock on book at the start: steady-state originations still alive at MOB >= 1
    counts = _largest_remainder(np.concatenate([rate * (life - 1), np.outer(rate, season).ravel()]),
                                loans)
    prod, orig, term = [], [], []
    for p, (terms, grid) in enumerate(surv):
        k = int(counts[p])
        if p == P.CARD:  # stock cards: opened 1..STOCK_MAX_CARD_AGE months before the start
            w = grid[0, 1:P.STOCK_MAX_CARD_AGE + 1]
            ages, t = 1 + rng.choice(w.size, size=k, p=w / w.sum()), np.zeros(k, int)
        else:  # stock instalment loans: (term, age) from the steady state, age 1..term-1
            w = grid[:, 1:]
            cell = rng.choice(w.size, size=k, p=(w / w.sum()).ravel())
            ages, t = 1 + cell % w.shape[1], terms[cell // w.shape[1]]
        prod, orig, term = prod + [np.full(k, p)], orig + [-ages], term + [t]
    for p, per_month in enumerate(counts[n_prod:].reshape(n_prod, months)):
        k, spec = int(per_month.sum()), P.PRODUCT_SPECS[P.PRODUCTS[p]]
        prod.append(np.full(k, p))
        orig.append(np.repeat(np.arange(months), per_month))
        term.append(np.zeros(k, int) if spec["terms"] is None
                    else np.array(spec["terms"])[_choice(rng, k, spec["term_p"])])
    prod, orig, term = (np.concatenate(x) for x in (prod, orig, term))
    order = np.lexsort((rng.random(loans), orig))  # loan ids follow origination order
    return prod[order].astype(np.int8), orig[order].astype(np.int16), term[order].astype(np.int16)


def _draw_loans(rng: np.random.Generator, loans: int, months: int, start: int) -> dict:
    """Every loan of the book with its static fields: product, customer, size and risk."""
    prod, orig, term = _originations(rng, loans, months, start)
    n_prod = len(P.PRODUCTS)
    region = _choice(rng, loans, P.REGION_P)
    channel = _cond_choice(rng, prod, [P.CHANNEL_P[p] for p in P.PRODUCTS])
    age = _cond_choice(rng, prod, [P.AGE_P[p] for p in P.PRODUCTS])
    occupation = _cond_choice(rng, age, P.OCCUPATION_P_BY_AGE)
    income = _cond_choice(rng, occupation, P.INCOME_P_BY_OCCUPATION)
    util = rng.beta(*P.CARD_UTIL_BETA, size=loans).astype(np.float32)
    segment = (np.array(P.REGION_RISK)[region] * np.array(P.CHANNEL_RISK)[channel]
               * np.array(P.AGE_RISK)[age] * np.array(P.OCCUPATION_RISK)[occupation]
               * np.array(P.INCOME_RISK)[income])
    segment *= np.where(prod == P.CARD, P.CARD_UTIL_RISK[0] + P.CARD_UTIL_RISK[1] * util, 1.0)
    # normalised per product, so a product's base miss rate is its average borrower's rate
    mean = np.bincount(prod, segment, n_prod) / np.maximum(np.bincount(prod, minlength=n_prod), 1)
    sigma = P.FRAILTY_SIGMA
    relative = segment / mean[prod] * np.exp(sigma * rng.standard_normal(loans) - sigma**2 / 2)
    vintage = np.ones(loans)
    for name, knots in P.VINTAGE_RISK.items():
        mine = prod == P.PRODUCTS.index(name)
        vintage[mine] = _knots(knots, start + orig[mine].astype(np.int64))

    size = (_spec("median")[prod] * np.array(P.INCOME_SIZE)[income]
            * np.exp(_spec("sigma")[prod] * rng.standard_normal(loans)))
    step = _spec("round_to")[prod]
    first = int(orig.min())
    return dict(
        prod=prod, orig=orig, term=term, region=region, channel=channel, age=age,
        occupation=occupation, income=income, util=util,
        principal=np.round(np.clip(size, _spec("lo")[prod], _spec("hi")[prod]) / step) * step,
        risk=(relative * vintage).astype(np.float32),
        cure=np.clip(relative ** P.CURE_FRAILTY_POWER, 0.6, 1.4).astype(np.float32),
        due_day=rng.integers(1, 28, size=loans, dtype=np.int8),  # due day 1..27: first DPD >= 1
        orig_day=_first_days(start + first, months - first)[orig - first].astype(np.int32),
    )
