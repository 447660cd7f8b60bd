"""Tunable parameters of the sample-book generator: products, segments, behaviour and storyline.

Everything the story of the sample depends on lives here, so the generator module holds only
mechanics. Monthly probabilities are per month-end snapshot. Calendar knots are ``YYYY-MM`` strings;
between knots a factor is interpolated linearly, outside them it holds the nearest knot's value.
"""

from __future__ import annotations

# --- dimensions (code order = dictionary order in the output) -------------------------------------

PRODUCTS = ("信用卡", "微粒贷", "e招贷", "消费分期", "信用贷")
CARD = 0  # index of the one revolving product in PRODUCTS
REGIONS = ("广东", "江苏", "浙江", "山东", "河南", "四川", "湖北", "北京", "上海", "福建", "其他")
CHANNELS = ("手机银行APP", "线下网点", "合作渠道", "电话销售")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
INCOME_BANDS = ("<5k", "5k-10k", "10k-20k", "20k+")
OCCUPATIONS = ("企业职员", "公务员/事业单位", "个体经营", "自由职业", "学生", "退休")
ACTIONS = ("none", "sms", "phone", "outsourced", "legal")
NONE, SMS, PHONE, OUTSOURCED, LEGAL = range(5)

# --- products -------------------------------------------------------------------------------------
# book_share: share of the active book (loan count) in steady state; originations follow from it.
# size: lognormal median / sigma of principal (card: credit limit), clipped to [lo, hi], rounded.
# terms/term_p: installment terms in months (None = revolving). exit: monthly prepayment hazard of a
# current installment loan, or attrition (closure) of a current card. rate: annual interest rate.
# miss: base monthly probability that a current loan misses its payment (M0 -> M1).
# cure: product multiplier on cure probabilities (small tickets are easier to collect).
PRODUCT_SPECS = {
    "信用卡": dict(book_share=0.77, median=20_000, sigma=0.65, lo=5_000, hi=100_000, round_to=1000,
                   terms=None, term_p=None, exit=0.010, rate=0.18, miss=0.0067, cure=1.00),
    "微粒贷": dict(book_share=0.045, median=6_000, sigma=0.85, lo=500, hi=40_000, round_to=100,
                   terms=(3, 6, 10, 20), term_p=(0.10, 0.25, 0.35, 0.30), exit=0.030, rate=0.18,
                   miss=0.0050, cure=1.10),
    "e招贷": dict(book_share=0.06, median=50_000, sigma=0.75, lo=10_000, hi=300_000, round_to=1000,
                  terms=(12, 24, 36), term_p=(0.20, 0.35, 0.45), exit=0.010, rate=0.08,
                  miss=0.0035, cure=1.00),
    "消费分期": dict(book_share=0.07, median=6_000, sigma=0.75, lo=1_000, hi=50_000, round_to=100,
                     terms=(3, 6, 12, 24), term_p=(0.10, 0.25, 0.40, 0.25), exit=0.015, rate=0.12,
                     miss=0.0210, cure=0.95),
    "信用贷": dict(book_share=0.055, median=100_000, sigma=0.75, lo=20_000, hi=500_000, round_to=1000,
                   terms=(12, 24, 36), term_p=(0.15, 0.35, 0.50), exit=0.010, rate=0.06,
                   miss=0.0040, cure=0.95),
}
CARD_MIN_PAYMENT = 0.10  # minimum payment = 10% of the statement balance (China card convention)
CARD_MIN_PAYMENT_FLOOR = 100.0
CARD_UTIL_BETA = (1.6, 2.4)  # long-run utilisation of a card ~ Beta(a, b)
CARD_UTIL_NOISE = 0.07  # month-to-month wobble of utilisation around its long-run level
CARD_UTIL_RISK = (0.6, 1.0)  # miss multiplier = a + b * utilisation (full cards default more)
CARD_CREDIT_BALANCE_P = 0.0005  # share of current card rows with an overpayment (negative balance)
CARD_CREDIT_BALANCE_MAX = 2_000.0

# Origination volume by calendar month (Jan..Dec): quiet Chinese New Year, 618 and Double 11 peaks.
ORIGINATION_SEASON = (1.0, 0.85, 1.05, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 1.0, 1.12, 1.05)
STOCK_MAX_CARD_AGE = 24  # stock cards were opened at most this many months before the start
BURN_IN_MONTHS = 12  # months simulated before the start so the opening book has a settled DPD mix

# --- customers ------------------------------------------------------------------------------------
REGION_P = (0.16, 0.10, 0.09, 0.07, 0.06, 0.06, 0.05, 0.07, 0.08, 0.05, 0.21)
REGION_RISK = (1.00, 0.90, 0.90, 1.05, 1.15, 1.10, 1.05, 0.85, 0.85, 0.95, 1.15)
CHANNEL_P = {  # by product
    "信用卡": (0.45, 0.30, 0.15, 0.10),
    "微粒贷": (0.85, 0.00, 0.15, 0.00),
    "e招贷": (0.70, 0.15, 0.00, 0.15),
    "消费分期": (0.35, 0.10, 0.55, 0.00),
    "信用贷": (0.30, 0.50, 0.00, 0.20),
}
CHANNEL_RISK = (1.00, 0.80, 1.45, 1.25)
AGE_P = {  # by product
    "信用卡": (0.10, 0.38, 0.29, 0.16, 0.07),
    "微粒贷": (0.18, 0.45, 0.24, 0.10, 0.03),
    "e招贷": (0.06, 0.36, 0.33, 0.19, 0.06),
    "消费分期": (0.25, 0.42, 0.20, 0.10, 0.03),
    "信用贷": (0.03, 0.30, 0.37, 0.22, 0.08),
}
AGE_RISK = (1.55, 1.10, 0.90, 0.85, 0.95)
OCCUPATION_P_BY_AGE = (  # rows: AGE_BANDS, columns: OCCUPATIONS
    (0.45, 0.05, 0.07, 0.13, 0.30, 0.00),
    (0.62, 0.12, 0.12, 0.13, 0.01, 0.00),
    (0.55, 0.15, 0.18, 0.12, 0.00, 0.00),
    (0.50, 0.17, 0.20, 0.11, 0.00, 0.02),
    (0.20, 0.10, 0.12, 0.08, 0.00, 0.50),
)
OCCUPATION_RISK = (1.00, 0.55, 1.35, 1.45, 1.70, 0.80)
INCOME_P_BY_OCCUPATION = (  # rows: OCCUPATIONS, columns: INCOME_BANDS
    (0.20, 0.42, 0.28, 0.10),
    (0.10, 0.45, 0.35, 0.10),
    (0.25, 0.35, 0.25, 0.15),
    (0.35, 0.38, 0.20, 0.07),
    (0.90, 0.08, 0.02, 0.00),
    (0.45, 0.40, 0.12, 0.03),
)
INCOME_RISK = (1.45, 1.05, 0.80, 0.60)
INCOME_SIZE = (0.60, 0.90, 1.20, 1.80)  # principal / limit scales with income
FRAILTY_SIGMA = 0.6  # idiosyncratic lognormal risk on top of the segment multipliers
CURE_FRAILTY_POWER = -0.25  # riskier borrowers cure less: cure x risk^power

# --- delinquency behaviour ------------------------------------------------------------------------
# Miss multiplier by months on book (MOB 1..): young loans rarely miss, risk peaks in the first year.
MOB_RISK_INSTALLMENT = (0.50, 0.75, 0.90, 1.10, 1.15, 1.15, 1.15, 1.10, 1.10, 1.10, 1.05, 1.05)
MOB_RISK_INSTALLMENT_LATE = 0.95  # MOB 13+
MOB_RISK_CARD = (0.55, 0.70, 0.85, 0.95)
MOB_RISK_CARD_LATE = 1.00
# Miss / cure multipliers by calendar month (Jan..Dec): the Chinese New Year in February disrupts
# repayments (travel, bonuses spent, collectors on holiday); March catches up.
SEASON_MISS = (1.00, 2.00, 0.90, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.02)
SEASON_CURE = (1.00, 0.85, 1.40, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00)

# Transition of a delinquent loan by its bucket at t-1 (M1..M7) and the action taken on it then.
# CURE[b][a]: probability of paying all arrears; PARTIAL[b]: paying one instalment (DPD unchanged);
# the rest rolls (no payment, DPD grows by the days of the month).
CURE = {
    1: {SMS: 0.42, PHONE: 0.62},
    2: {PHONE: 0.24},
    3: {PHONE: 0.10, OUTSOURCED: 0.16},
    4: {OUTSOURCED: 0.07, LEGAL: 0.06},
    5: {OUTSOURCED: 0.05, LEGAL: 0.05},
    6: {OUTSOURCED: 0.04, LEGAL: 0.04},
    7: {OUTSOURCED: 0.02, LEGAL: 0.03},
}
PARTIAL = {1: 0.12, 2: 0.12, 3: 0.10, 4: 0.08, 5: 0.08, 6: 0.08, 7: 0.05}
WRITE_OFF_FIRST = 1.0  # beyond 180 DPD (M7): written off the next month with this probability, else after two
RESTRUCTURE_P = 0.04  # monthly share of M2-M3 loans given a flexible repayment plan (展期)
RESTRUCTURE_EXTENSION = 6  # months added to the remaining term
RESTRUCTURED_RISK = 3.0  # restructured loans re-default at this multiple of the normal miss rate

# Collections policy: (effective from, {bucket: ((action, probability), ...)}). From 2024-07 the
# team moves M1 from SMS to phone calls and sends more M3 to outsourced agencies (委外).
COLLECTION_POLICY = (
    ("1900-01", {1: ((SMS, 0.90), (PHONE, 0.10)), 2: ((PHONE, 1.0),),
                 3: ((PHONE, 0.60), (OUTSOURCED, 0.40)), 4: ((OUTSOURCED, 0.80), (LEGAL, 0.20)),
                 5: ((OUTSOURCED, 0.75), (LEGAL, 0.25)), 6: ((OUTSOURCED, 0.70), (LEGAL, 0.30)),
                 7: ((OUTSOURCED, 0.40), (LEGAL, 0.60))}),
    ("2024-07", {1: ((SMS, 0.20), (PHONE, 0.80)), 2: ((PHONE, 1.0),),
                 3: ((PHONE, 0.50), (OUTSOURCED, 0.50)), 4: ((OUTSOURCED, 0.80), (LEGAL, 0.20)),
                 5: ((OUTSOURCED, 0.75), (LEGAL, 0.25)), 6: ((OUTSOURCED, 0.70), (LEGAL, 0.30)),
                 7: ((OUTSOURCED, 0.40), (LEGAL, 0.60))}),
)
# Better scripts and timing from the same date lift M1 cures whatever the action.
M1_STRATEGY_BOOST = ("2024-07", 1.10)

# --- storyline ------------------------------------------------------------------------------------
# The default sample (30k loans, 36 months from 2023-01, seed 20251231) tells four stories, each
# asserted by tests/test_generator.py (re-run it after any change in this module):
# 1. a Chinese New Year bump in early delinquency every February: SEASON_MISS, SEASON_CURE;
# 2. 消费分期 climbs through 2025 past 10% M1+: MISS_TREND, CURE_TREND, VINTAGE_RISK;
# 3. 信用卡 sits near 2.17% M1+ (its base `miss`), then rises month after month from 2025-07;
# 4. the collections change of 2024-07 lifts M1 cures: COLLECTION_POLICY, M1_STRATEGY_BOOST.
# Calendar trends by product: multipliers on the miss probability and on cure probabilities.
MISS_TREND = {
    "信用卡": (("2025-06", 1.00), ("2025-07", 1.50), ("2025-12", 3.20)),
    "消费分期": (("2025-02", 1.00), ("2025-07", 1.40), ("2025-12", 2.80)),
}
# Book-wide: early-delinquency inflow drifts up from mid-2024, which the new collections strategy
# offsets, so M1+ levels stay flat while roll rates improve.
BOOK_MISS_TREND = (("2024-06", 1.00), ("2024-07", 1.12), ("2024-12", 1.30))
CURE_TREND = {
    "信用卡": (("2025-06", 1.00), ("2025-12", 0.75)),
    "消费分期": (("2025-02", 1.00), ("2025-12", 0.75)),
}
# Vintage quality: loans originated later carry more risk (消费分期 loosened its partner channel).
VINTAGE_RISK = {
    "消费分期": (("2024-12", 1.00), ("2025-09", 1.50)),
}
