"""Hand-built books with hand-computed expectations for the metrics of DESIGN §2.

dbt-style unit tests: a few input rows written out below, and the exact expected output computed
on paper from DESIGN's definitions (never by calling the code under test). Exposure is
greatest(balance, 0) with empty as 0; every balance figure is exposure.
"""
from __future__ import annotations

import math
import textwrap
from datetime import date

import pytest

from monitor import metrics as m
from monitor import records
from monitor.book import open_book
from monitor.errors import LoadError

LEVELS = ("M1+", "M2+", "M3+", "M4+")
STEPS = ("M0->M1", "M1->M2", "M2->M3", "M3->M4", "M4->M5", "M5->M6", "M6->M7")
CHAINS = ("M0->M7", "M1->M7", "M2->M7", "M3->M7", "M4->M7", "M5->M7", "M6->M7")


def write_book(tmp_path, text: str, name: str = "book.csv") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return str(path)


def assert_close(actual, expected, where: str = "") -> None:
    """Equal key for key; floats within 1e-12 relative (the expectations are exact fractions)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not a dict"
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for k in expected:
            assert_close(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert actual is not None, f"{where}: got null, expected {expected}"
        assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12), \
            f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def nonzero(matrix: dict) -> dict:
    """A transition matrix without its zero cells ("zero cells may be left out")."""
    out = {}
    for frm, row in matrix.items():
        kept = {to: v for to, v in row.items() if v}
        if kept:
            out[frm] = kept
    return out


def only_all(recs: list[dict]) -> dict:
    """The "ALL" record of a book without a product column (which reads as one product)."""
    assert [r["product"] for r in recs] == ["ALL", "(none)"]
    return recs[0]


def levels(*values) -> dict:
    return dict(zip(LEVELS, values))


def flows(**given) -> dict:
    """Every step of the scheme; the ones not given are undefined (null)."""
    named = {k.replace("_", "->"): v for k, v in given.items()}
    return {s: named.get(s) for s in STEPS}


# --- bucket edges ---------------------------------------------------------------------------------
# One loan per DPD; balance 2**i so that a bucket's exposure names exactly the loans in it.
# (dpd, China bucket, US bucket) written out from DESIGN §2 and definitions.toml.
EDGES = [
    (0, "M0", "M0"), (1, "M1", "M1"), (29, "M1", "M1"), (30, "M1", "M2"), (31, "M2", "M2"),
    (59, "M2", "M2"), (60, "M2", "M3"), (61, "M3", "M3"), (89, "M3", "M3"), (90, "M3", "M4"),
    (91, "M4", "M4"), (119, "M4", "M4"), (120, "M4", "M5"), (121, "M5", "M5"), (149, "M5", "M5"),
    (150, "M5", "M6"), (151, "M6", "M6"), (179, "M6", "M6"), (180, "M6", "M7"), (181, "M7", "M7"),
]


@pytest.fixture(scope="module")
def edge_book(tmp_path_factory):
    rows = "\n".join(f"2024-01,E{dpd},{2 ** i},{dpd}" for i, (dpd, _, _) in enumerate(EDGES))
    path = write_book(tmp_path_factory.mktemp("edges"),
                      "snapshot_month,loan_id,outstanding_balance,days_past_due\n" + rows)
    book = open_book(path)
    yield book
    book.close()


@pytest.mark.parametrize("scheme,col", [("cn", 1), ("us", 2)])
def test_every_bucket_edge_lands_in_its_bucket(edge_book, scheme, col):
    expected: dict[str, tuple[int, float]] = {}
    for i, row in enumerate(EDGES):
        n, total = expected.get(row[col], (0, 0.0))
        expected[row[col]] = (n + 1, total + 2 ** i)
    df = m.bucket_balance(edge_book.con, m.Scope(scheme=scheme))
    got = {r.bucket: (int(r.loans), float(r.exposure)) for r in df.itertuples()}
    assert got == expected


def test_china_edges_by_hand(edge_book):
    df = m.bucket_balance(edge_book.con, m.Scope(scheme="cn"))
    got = {r.bucket: int(r.loans) for r in df.itertuples()}
    # M0 {0}; M1 {1, 29, 30}; M2 {31, 59, 60}; M3 {61, 89, 90}; M4 {91, 119, 120};
    # M5 {121, 149, 150}; M6 {151, 179, 180}; M7 {181}
    assert got == {"M0": 1, "M1": 3, "M2": 3, "M3": 3, "M4": 3, "M5": 3, "M6": 3, "M7": 1}


def test_us_edges_by_hand(edge_book):
    df = m.bucket_balance(edge_book.con, m.Scope(scheme="us"))
    got = {r.bucket: int(r.loans) for r in df.itertuples()}
    # M0 {0}; M1 {1, 29}; M2 {30, 31, 59}; M3 {60, 61, 89}; M4 {90, 91, 119};
    # M5 {120, 121, 149}; M6 {150, 151, 179}; M7 {180, 181}
    assert got == {"M0": 1, "M1": 2, "M2": 3, "M3": 3, "M4": 3, "M5": 3, "M6": 3, "M7": 2}


@pytest.mark.parametrize("scheme,at_level", [
    # of the 20 DPDs: >= 1: 19; China >= 31 / 61 / 91: 16 / 13 / 10; US >= 30 / 60 / 90: 17 / 14 / 11
    ("cn", (19, 16, 13, 10)),
    ("us", (19, 17, 14, 11)),
])
def test_levels_count_rates_at_the_edges(edge_book, scheme, at_level):
    rec = only_all(records.summary_records(edge_book.con, scheme))
    assert rec["loans"] == 20
    assert_close(rec["overdue_count_rate"], levels(*(n / 20 for n in at_level)))


def test_levels_balance_at_the_edges(edge_book):
    rec = only_all(records.summary_records(edge_book.con, "cn"))
    weight = {dpd: 2 ** i for i, (dpd, _, _) in enumerate(EDGES)}
    # M1+ = every loan but DPD 0; M4+ = DPD 91 .. 181
    assert rec["balance"] == 2 ** 20 - 1
    assert rec["overdue_balance"]["M1+"] == 2 ** 20 - 2
    assert rec["overdue_balance"]["M4+"] == sum(w for d, w in weight.items() if d >= 91)
    assert rec["overdue_balance"]["M2+"] == sum(w for d, w in weight.items() if d >= 31)
    us = only_all(records.summary_records(edge_book.con, "us"))
    assert us["overdue_balance"]["M2+"] == sum(w for d, w in weight.items() if d >= 30)
    assert us["overdue_balance"]["M4+"] == sum(w for d, w in weight.items() if d >= 90)


# --- the main book: two products, four months ----------------------------------------------------
# Jan: nobody overdue. Feb: L1 (card) and L3 (inst) fall into M1, L4 exits, L5 is new with a zero
# balance, L6 is new with a negative (credit) balance. Mar: L1 rolls to M2, L3 cures, L5 has an
# empty balance, L6 is M1 with a credit balance (a loan at M1+ with no exposure), L7 is new.
# Apr: L1 rolls to M3, L3 exits, L6 cures with a zero balance, L7 falls into M1.
MAIN = """
snapshot_month,loan_id,product,outstanding_balance,days_past_due,overdue_amount
2024-01,L1,card,1000,0,0
2024-01,L2,card,500,0,0
2024-01,L3,inst,300,0,0
2024-01,L4,inst,200,0,0
2024-02,L1,card,900,15,30
2024-02,L2,card,450,0,0
2024-02,L3,inst,280,20,20
2024-02,L5,inst,0,0,0
2024-02,L6,card,-50,0,0
2024-03,L1,card,880,45,60
2024-03,L2,card,400,0,0
2024-03,L3,inst,270,0,0
2024-03,L5,inst,,0,
2024-03,L6,card,-20,5,0
2024-03,L7,inst,600,0,0
2024-04,L1,card,870,75,90
2024-04,L2,card,350,0,0
2024-04,L5,inst,100,0,0
2024-04,L6,card,0,0,0
2024-04,L7,inst,580,10,40
"""


@pytest.fixture(scope="module")
def main_book(tmp_path_factory):
    book = open_book(write_book(tmp_path_factory.mktemp("main"), MAIN))
    yield book
    book.close()


@pytest.fixture(scope="module")
def summary(main_book):
    return {(r["month"], r["product"]): r for r in records.summary_records(main_book.con)}


@pytest.fixture(scope="module")
def migration(main_book):
    return {(r["to_month"], r["product"]): r for r in records.migration_records(main_book.con)}


def test_main_book_loads_with_its_warnings(main_book):
    codes = {w.code: w.count for w in main_book.report.warnings}
    # L6 in Feb and Mar: credit balance; L5 in Mar: empty balance. No gap, no DPD jump.
    assert codes == {"balance_negative": 2, "balance_empty": 1}


def test_summary_has_one_record_per_month_and_product(summary):
    assert list(summary) == [(mo, p) for mo in ("2024-01", "2024-02", "2024-03", "2024-04")
                             for p in ("ALL", "card", "inst")]


SUMMARY_ALL = {
    # a month with no overdue loan: rates 0, lagged null (no month before the first)
    "2024-01": dict(loans=4, balance=2000.0, overdue_amount=0.0,
                    overdue_balance=levels(0.0, 0.0, 0.0, 0.0),
                    overdue_rate=levels(0.0, 0.0, 0.0, 0.0),
                    overdue_count_rate=levels(0.0, 0.0, 0.0, 0.0),
                    overdue_rate_lagged=levels(None, None, None, None)),
    # exposure 900 + 450 + 280 + 0 + 0 (credit balance); M1+ = L1 900 + L3 280
    "2024-02": dict(loans=5, balance=1630.0, overdue_amount=50.0,
                    overdue_balance=levels(1180.0, 0.0, 0.0, 0.0),
                    overdue_rate=levels(1180 / 1630, 0.0, 0.0, 0.0),
                    overdue_count_rate=levels(2 / 5, 0.0, 0.0, 0.0),
                    overdue_rate_lagged=levels(1180 / 2000, None, None, None)),
    # exposure 880 + 400 + 270 + 0 (empty) + 0 (credit) + 600; L6 is at M1+ with no exposure
    "2024-03": dict(loans=6, balance=2150.0, overdue_amount=60.0,
                    overdue_balance=levels(880.0, 880.0, 0.0, 0.0),
                    overdue_rate=levels(880 / 2150, 880 / 2150, 0.0, 0.0),
                    overdue_count_rate=levels(2 / 6, 1 / 6, 0.0, 0.0),
                    overdue_rate_lagged=levels(880 / 1630, 880 / 2000, None, None)),
    # exposure 870 + 350 + 100 + 0 + 580; lagged M3+ divides by January's 2000
    "2024-04": dict(loans=5, balance=1900.0, overdue_amount=130.0,
                    overdue_balance=levels(1450.0, 870.0, 870.0, 0.0),
                    overdue_rate=levels(1450 / 1900, 870 / 1900, 870 / 1900, 0.0),
                    overdue_count_rate=levels(2 / 5, 1 / 5, 1 / 5, 0.0),
                    overdue_rate_lagged=levels(1450 / 2150, 870 / 1630, 870 / 2000, None)),
}

SUMMARY_PRODUCTS = {
    ("2024-01", "card"): dict(loans=2, balance=1500.0, overdue_amount=0.0,
                              overdue_balance=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(None, None, None, None)),
    ("2024-02", "card"): dict(loans=3, balance=1350.0, overdue_amount=30.0,
                              overdue_balance=levels(900.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(900 / 1350, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(1 / 3, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(900 / 1500, None, None, None)),
    ("2024-03", "card"): dict(loans=3, balance=1280.0, overdue_amount=60.0,
                              overdue_balance=levels(880.0, 880.0, 0.0, 0.0),
                              overdue_rate=levels(880 / 1280, 880 / 1280, 0.0, 0.0),
                              overdue_count_rate=levels(2 / 3, 1 / 3, 0.0, 0.0),
                              overdue_rate_lagged=levels(880 / 1350, 880 / 1500, None, None)),
    ("2024-04", "card"): dict(loans=3, balance=1220.0, overdue_amount=90.0,
                              overdue_balance=levels(870.0, 870.0, 870.0, 0.0),
                              overdue_rate=levels(870 / 1220, 870 / 1220, 870 / 1220, 0.0),
                              overdue_count_rate=levels(1 / 3, 1 / 3, 1 / 3, 0.0),
                              overdue_rate_lagged=levels(870 / 1280, 870 / 1350, 870 / 1500, None)),
    ("2024-01", "inst"): dict(loans=2, balance=500.0, overdue_amount=0.0,
                              overdue_balance=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(None, None, None, None)),
    ("2024-02", "inst"): dict(loans=2, balance=280.0, overdue_amount=20.0,
                              overdue_balance=levels(280.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(1.0, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(1 / 2, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(280 / 500, None, None, None)),
    # the empty overdue_amount of L5 is not a zero, but the month's sum is L3 0 + L7 0
    ("2024-03", "inst"): dict(loans=3, balance=870.0, overdue_amount=0.0,
                              overdue_balance=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(0.0, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(0.0, 0.0, None, None)),
    ("2024-04", "inst"): dict(loans=2, balance=680.0, overdue_amount=40.0,
                              overdue_balance=levels(580.0, 0.0, 0.0, 0.0),
                              overdue_rate=levels(580 / 680, 0.0, 0.0, 0.0),
                              overdue_count_rate=levels(1 / 2, 0.0, 0.0, 0.0),
                              overdue_rate_lagged=levels(580 / 870, 0.0, 0.0, None)),
}


@pytest.mark.parametrize("month", sorted(SUMMARY_ALL))
def test_summary_all_products(summary, month):
    rec = summary[(month, "ALL")]
    assert_close({k: rec[k] for k in SUMMARY_ALL[month]}, SUMMARY_ALL[month], month)


@pytest.mark.parametrize("key", sorted(SUMMARY_PRODUCTS))
def test_summary_per_product(summary, key):
    rec = summary[key]
    assert_close({k: rec[k] for k in SUMMARY_PRODUCTS[key]}, SUMMARY_PRODUCTS[key], str(key))


def test_products_add_up_to_all(summary):
    for month in SUMMARY_ALL:
        parts = [summary[(month, p)] for p in ("card", "inst")]
        whole = summary[(month, "ALL")]
        assert whole["loans"] == sum(p["loans"] for p in parts)
        assert whole["balance"] == pytest.approx(sum(p["balance"] for p in parts))
        for lv in LEVELS:
            assert whole["overdue_balance"][lv] == pytest.approx(
                sum(p["overdue_balance"][lv] for p in parts))


def test_summary_of_one_month(main_book):
    recs = records.summary_records(main_book.con, month=date(2024, 4, 1))
    assert [(r["month"], r["product"]) for r in recs] == [
        ("2024-04", "ALL"), ("2024-04", "card"), ("2024-04", "inst")]
    # lagged rates still look back before the chosen month
    assert_close(recs[0]["overdue_rate_lagged"], SUMMARY_ALL["2024-04"]["overdue_rate_lagged"])


def test_lagged_rate_is_not_bounded_by_one(tmp_path):
    # The lagged denominator is an earlier month's book: a growing book can exceed 100 %.
    path = write_book(tmp_path, """
        snapshot_month,loan_id,outstanding_balance,days_past_due
        2024-01,A,100,0
        2024-02,A,100,10
        2024-02,B,900,10
    """)
    book = open_book(path)
    try:
        recs = records.summary_records(book.con)
    finally:
        book.close()
    feb = recs[-1]
    assert feb["month"] == "2024-02"
    assert_close(feb["overdue_rate"]["M1+"], 1.0)
    assert_close(feb["overdue_rate_lagged"]["M1+"], 1000 / 100)


MIGRATION_ALL = {
    # L1, L3: M0 -> M1; L2 stays; L4 exits; L5 and L6 are new (exposure 0)
    "2024-02": dict(
        from_month="2024-01",
        count={"M0": {"M0": 1, "M1": 2, "exited": 1}},
        balance={"M0": {"M0": 500.0, "M1": 1300.0, "exited": 200.0}},
        new_loans=2, new_balance=0.0,
        roll_rate={"M0": 1300 / 2000}, roll_rate_count={"M0": 2 / 4},
        cure_rate={}, cure_rate_count={},
        flow_rate=flows(M0_M1=1180 / 2000),
        chained_flow={c: None for c in CHAINS}),
    # L1 M1 -> M2; L3 M1 -> M0 (a cure); L2, L5 stay M0; L6 M0 -> M1 with no exposure; L7 new
    "2024-03": dict(
        from_month="2024-02",
        count={"M0": {"M0": 2, "M1": 1}, "M1": {"M0": 1, "M2": 1}},
        balance={"M0": {"M0": 450.0}, "M1": {"M0": 280.0, "M2": 900.0}},
        new_loans=1, new_balance=600.0,
        roll_rate={"M0": 0.0, "M1": 900 / 1180}, roll_rate_count={"M0": 1 / 3, "M1": 1 / 2},
        cure_rate={"M1": 280 / 1180}, cure_rate_count={"M1": 1 / 2},
        # M0 -> M1: M1 at Mar is L6 with exposure 0; M1 -> M2: 880 at Mar / 1180 at Feb
        flow_rate=flows(M0_M1=0.0, M1_M2=880 / 1180),
        chained_flow={c: None for c in CHAINS}),
    # L3 exits from M0 (it stays in M0's denominator); L6 cures from M1 with no exposure
    "2024-04": dict(
        from_month="2024-03",
        count={"M0": {"M0": 2, "M1": 1, "exited": 1}, "M1": {"M0": 1}, "M2": {"M3": 1}},
        balance={"M0": {"M0": 400.0, "M1": 600.0, "exited": 270.0}, "M2": {"M3": 880.0}},
        new_loans=0, new_balance=0.0,
        roll_rate={"M0": 600 / 1270, "M1": None, "M2": 1.0},
        roll_rate_count={"M0": 1 / 4, "M1": 0.0, "M2": 1.0},
        cure_rate={"M1": None, "M2": 0.0}, cure_rate_count={"M1": 1.0, "M2": 0.0},
        # M0 at Mar = 400 + 270 + 0 + 600; M1 at Mar holds only L6 (exposure 0)
        flow_rate=flows(M0_M1=580 / 1270, M2_M3=870 / 880),
        chained_flow={c: None for c in CHAINS}),
}

MIGRATION_PRODUCTS = {
    ("2024-02", "card"): dict(
        count={"M0": {"M0": 1, "M1": 1}}, balance={"M0": {"M0": 500.0, "M1": 1000.0}},
        new_loans=1, new_balance=0.0,
        roll_rate={"M0": 1000 / 1500}, roll_rate_count={"M0": 1 / 2},
        cure_rate={}, cure_rate_count={}, flow_rate=flows(M0_M1=900 / 1500)),
    ("2024-02", "inst"): dict(
        count={"M0": {"M1": 1, "exited": 1}}, balance={"M0": {"M1": 300.0, "exited": 200.0}},
        new_loans=1, new_balance=0.0,
        roll_rate={"M0": 300 / 500}, roll_rate_count={"M0": 1 / 2},
        cure_rate={}, cure_rate_count={}, flow_rate=flows(M0_M1=280 / 500)),
    ("2024-03", "card"): dict(
        count={"M0": {"M0": 1, "M1": 1}, "M1": {"M2": 1}},
        balance={"M0": {"M0": 450.0}, "M1": {"M2": 900.0}},
        new_loans=0, new_balance=0.0,
        roll_rate={"M0": 0.0, "M1": 1.0}, roll_rate_count={"M0": 1 / 2, "M1": 1.0},
        cure_rate={"M1": 0.0}, cure_rate_count={"M1": 0.0},
        flow_rate=flows(M0_M1=0.0, M1_M2=880 / 900)),
    # inst's M0 at Feb is L5 alone, with exposure 0: its exposure rates are undefined
    ("2024-03", "inst"): dict(
        count={"M0": {"M0": 1}, "M1": {"M0": 1}}, balance={"M1": {"M0": 280.0}},
        new_loans=1, new_balance=600.0,
        roll_rate={"M0": None, "M1": 0.0}, roll_rate_count={"M0": 0.0, "M1": 0.0},
        cure_rate={"M1": 1.0}, cure_rate_count={"M1": 1.0},
        flow_rate=flows(M1_M2=0.0)),
}


def test_migration_has_one_record_per_pair_and_product(migration):
    assert list(migration) == [(mo, p) for mo in ("2024-02", "2024-03", "2024-04")
                               for p in ("ALL", "card", "inst")]


@pytest.mark.parametrize("month", sorted(MIGRATION_ALL))
def test_migration_all_products(migration, month):
    rec = dict(migration[(month, "ALL")])
    rec["count"], rec["balance"] = nonzero(rec["count"]), nonzero(rec["balance"])
    assert_close({k: rec[k] for k in MIGRATION_ALL[month]}, MIGRATION_ALL[month], month)


@pytest.mark.parametrize("key", sorted(MIGRATION_PRODUCTS))
def test_migration_per_product(migration, key):
    rec = dict(migration[key])
    rec["count"], rec["balance"] = nonzero(rec["count"]), nonzero(rec["balance"])
    assert_close({k: rec[k] for k in MIGRATION_PRODUCTS[key]}, MIGRATION_PRODUCTS[key], str(key))


def test_transition_rows_hold_every_loan_of_the_earlier_month(migration, summary):
    for (_to_month, product), rec in migration.items():
        before = summary[(rec["from_month"], product)]
        assert sum(sum(row.values()) for row in rec["count"].values()) == before["loans"]
        assert sum(sum(row.values()) for row in rec["balance"].values()) == \
            pytest.approx(before["balance"])


def test_migration_of_one_month(main_book):
    recs = records.migration_records(main_book.con, month=date(2024, 3, 1))
    assert [(r["from_month"], r["to_month"], r["product"]) for r in recs] == [
        ("2024-02", "2024-03", "ALL"), ("2024-02", "2024-03", "card"),
        ("2024-02", "2024-03", "inst")]
    assert_close(recs[0]["flow_rate"], MIGRATION_ALL["2024-03"]["flow_rate"])


# --- flow rates chained to loss --------------------------------------------------------------------
# Every bucket M0..M7 is held at Jan; each loan rolls one bucket by Feb (29 days: +29 DPD) and pays
# a little; the M7 loan is written off (exits); a new loan arrives in M0.
FLOW = """
snapshot_month,loan_id,outstanding_balance,days_past_due
2024-01,K0,1000,0
2024-01,K1,800,10
2024-01,K2,600,40
2024-01,K3,500,70
2024-01,K4,400,100
2024-01,K5,300,130
2024-01,K6,200,160
2024-01,K7,100,200
2024-02,K0,950,20
2024-02,K1,780,39
2024-02,K2,590,69
2024-02,K3,480,99
2024-02,K4,390,129
2024-02,K5,300,159
2024-02,K6,180,189
2024-02,N1,2000,0
"""


@pytest.fixture(scope="module")
def flow_record(tmp_path_factory):
    book = open_book(write_book(tmp_path_factory.mktemp("flow"), FLOW))
    try:
        rec = only_all(records.migration_records(book.con))
    finally:
        book.close()
    return rec


def test_flow_rates_per_step(flow_record):
    assert_close(flow_record["flow_rate"], {
        "M0->M1": 950 / 1000, "M1->M2": 780 / 800, "M2->M3": 590 / 600, "M3->M4": 480 / 500,
        "M4->M5": 390 / 400, "M5->M6": 300 / 300, "M6->M7": 180 / 200})


def test_chained_flow_to_loss(flow_record):
    # chained(k) = product of the flow rates from M(k) to M7, worked backwards:
    # M6 0.9; M5 1.0 * 0.9; M4 0.975 * 0.9 = 0.8775; M3 0.96 * 0.8775 = 0.8424;
    # M2 (590/600) * 0.8424 = 0.82836; M1 0.975 * 0.82836 = 0.807651; M0 0.95 * 0.807651
    assert_close(flow_record["chained_flow"], {
        "M6->M7": 0.9, "M5->M7": 0.9, "M4->M7": 0.8775, "M3->M7": 0.8424, "M2->M7": 0.82836,
        "M1->M7": 0.807651, "M0->M7": 0.76726845})


def test_flow_matrix_roll_and_cure(flow_record):
    assert nonzero(flow_record["count"]) == {
        "M0": {"M1": 1}, "M1": {"M2": 1}, "M2": {"M3": 1}, "M3": {"M4": 1}, "M4": {"M5": 1},
        "M5": {"M6": 1}, "M6": {"M7": 1}, "M7": {"exited": 1}}
    assert nonzero(flow_record["balance"]) == {
        "M0": {"M1": 1000.0}, "M1": {"M2": 800.0}, "M2": {"M3": 600.0}, "M3": {"M4": 500.0},
        "M4": {"M5": 400.0}, "M5": {"M6": 300.0}, "M6": {"M7": 200.0}, "M7": {"exited": 100.0}}
    assert flow_record["new_loans"] == 1
    assert flow_record["new_balance"] == 2000.0
    # M7 cannot roll further; M0 cannot cure
    assert flow_record["roll_rate"] == {b: 1.0 for b in ("M0", "M1", "M2", "M3", "M4", "M5", "M6")}
    assert flow_record["cure_rate"] == {b: 0.0 for b in ("M1", "M2", "M3", "M4", "M5", "M6", "M7")}


def test_a_product_that_leaves_keeps_its_flow_rates(tmp_path):
    # P2's only loan exits: M1 at Feb is 0 out of M0 at Jan 200, a flow of 0 (not "no data").
    # P3 is new at Feb: nothing was in any bucket at Jan, so every flow is undefined.
    path = write_book(tmp_path, """
        snapshot_month,loan_id,outstanding_balance,days_past_due,product
        2024-01,A,100,0,P1
        2024-01,B,200,0,P2
        2024-02,A,100,10,P1
        2024-02,C,300,0,P3
    """)
    book = open_book(path)
    try:
        recs = {r["product"]: r for r in records.migration_records(book.con)}
    finally:
        book.close()
    assert_close(recs["ALL"]["flow_rate"], flows(M0_M1=100 / 300))
    assert_close(recs["P1"]["flow_rate"], flows(M0_M1=1.0))
    assert_close(recs["P2"]["flow_rate"], flows(M0_M1=0.0))
    assert_close(recs["P3"]["flow_rate"], flows())
    assert nonzero(recs["P2"]["count"]) == {"M0": {"exited": 1}}
    assert recs["P2"]["roll_rate"] == {"M0": 0.0}
    assert recs["P3"]["count"] == {} and recs["P3"]["new_loans"] == 1


# --- vintage -----------------------------------------------------------------------------------------
# Cohort 2024-01: V1 (1000), V2 (500), V4 (300). V2 reaches M1 at MOB 1, M2 at MOB 2 (DPD 51) and
# M3 at MOB 3; V4 is M1 at MOB 1 and cures; V1 pays off and exits at MOB 3 (it stays in the
# cohort). Cohort 2024-02: V3 (800), M1 at MOB 1, M2 at MOB 2. Cohort 2024-03: V5 (400), current.
# OLD (2023-12, 200) was originated before the book starts; N1 has no origination month.
VINTAGE = """
snapshot_month,loan_id,outstanding_balance,days_past_due,origination_month,principal
2024-01,V1,1000,0,2024-01,1000
2024-01,V2,500,0,2024-01,500
2024-01,V4,300,0,2024-01,300
2024-01,OLD,100,0,2023-12,200
2024-01,N1,50,0,,
2024-02,V1,900,0,2024-01,1000
2024-02,V2,480,20,2024-01,500
2024-02,V4,290,10,2024-01,300
2024-02,V3,800,0,2024-02,800
2024-02,OLD,90,0,2023-12,200
2024-03,V1,800,0,2024-01,1000
2024-03,V2,470,51,2024-01,500
2024-03,V4,280,0,2024-01,300
2024-03,V3,700,25,2024-02,800
2024-03,V5,400,0,2024-03,400
2024-03,OLD,80,0,2023-12,200
2024-04,V2,460,81,2024-01,500
2024-04,V4,270,0,2024-01,300
2024-04,V3,690,55,2024-02,800
2024-04,V5,390,0,2024-03,400
2024-04,OLD,70,0,2023-12,200
"""


@pytest.fixture(scope="module")
def vintage_book(tmp_path_factory):
    book = open_book(write_book(tmp_path_factory.mktemp("vintage"), VINTAGE))
    yield book
    book.close()


def cell(cohort, mob, month, level, loans, principal, level_balance, rate, ever, ever_rate,
         immature, left_censored=False) -> dict:
    return {"cohort": cohort, "mob": mob, "month": month, "level": level, "cohort_loans": loans,
            "principal": principal, "level_balance": level_balance, "rate": rate,
            "ever_loans": ever, "ever_rate": ever_rate, "immature": immature,
            "left_censored": left_censored}


def test_vintage_m2(vintage_book):
    recs = records.vintage_records(vintage_book.con, "cn", "M2+")
    # immature: MOB < 2, where no loan can be 31+ days late yet (the code's reading of DESIGN)
    expected = [
        cell("2023-12", 1, "2024-01", "M2+", 1, 200.0, 0.0, 0.0, 0, 0.0, True, True),
        cell("2023-12", 2, "2024-02", "M2+", 1, 200.0, 0.0, 0.0, 0, 0.0, False, True),
        cell("2023-12", 3, "2024-03", "M2+", 1, 200.0, 0.0, 0.0, 0, 0.0, False, True),
        cell("2023-12", 4, "2024-04", "M2+", 1, 200.0, 0.0, 0.0, 0, 0.0, False, True),
        cell("2024-01", 0, "2024-01", "M2+", 3, 1800.0, 0.0, 0.0, 0, 0.0, True),
        cell("2024-01", 1, "2024-02", "M2+", 3, 1800.0, 0.0, 0.0, 0, 0.0, True),
        cell("2024-01", 2, "2024-03", "M2+", 3, 1800.0, 470.0, 470 / 1800, 1, 1 / 3, False),
        cell("2024-01", 3, "2024-04", "M2+", 3, 1800.0, 460.0, 460 / 1800, 1, 1 / 3, False),
        cell("2024-02", 0, "2024-02", "M2+", 1, 800.0, 0.0, 0.0, 0, 0.0, True),
        cell("2024-02", 1, "2024-03", "M2+", 1, 800.0, 0.0, 0.0, 0, 0.0, True),
        cell("2024-02", 2, "2024-04", "M2+", 1, 800.0, 690.0, 690 / 800, 1, 1.0, False),
        cell("2024-03", 0, "2024-03", "M2+", 1, 400.0, 0.0, 0.0, 0, 0.0, True),
        cell("2024-03", 1, "2024-04", "M2+", 1, 400.0, 0.0, 0.0, 0, 0.0, True),
    ]
    assert_close([{k: r[k] for k in expected[0]} for r in recs], expected)


def test_vintage_m1_ever_rate_survives_a_cure(vintage_book):
    recs = {(r["cohort"], r["mob"]): r for r in records.vintage_records(vintage_book.con, "cn", "M1+")}
    # MOB 1: V2 480 + V4 290 at M1; MOB 2: V4 has cured but was ever M1+
    got = {mob: (recs[("2024-01", mob)]["level_balance"], recs[("2024-01", mob)]["rate"],
                 recs[("2024-01", mob)]["ever_loans"], recs[("2024-01", mob)]["ever_rate"],
                 recs[("2024-01", mob)]["immature"]) for mob in range(4)}
    assert_close(got, {
        0: (0.0, 0.0, 0, 0.0, True),
        1: (770.0, 770 / 1800, 2, 2 / 3, False),
        2: (470.0, 470 / 1800, 2, 2 / 3, False),
        3: (460.0, 460 / 1800, 2, 2 / 3, False),
    })
    # V3 is M1 at MOB 1 and M2 at MOB 2: ever M1+ from MOB 1
    assert_close([recs[("2024-02", mob)]["ever_rate"] for mob in range(3)], [0.0, 1.0, 1.0])


def test_vintage_unreached_cells_are_absent(vintage_book):
    keys = {(r["cohort"], r["mob"]) for r in records.vintage_records(vintage_book.con, "cn", "M2+")}
    # the book ends in 2024-04: cohort 2024-03 has reached MOB 1 only; OLD's MOB 0 is before it
    assert ("2024-03", 2) not in keys and ("2024-02", 3) not in keys and ("2024-01", 4) not in keys
    assert ("2023-12", 0) not in keys
    assert keys == {("2023-12", b) for b in range(1, 5)} | {("2024-01", b) for b in range(4)} \
        | {("2024-02", b) for b in range(3)} | {("2024-03", b) for b in range(2)}


def test_a_dimension_value_all_is_refused_not_merged_into_the_total(tmp_path):
    # 'ALL' labels the whole book in every output ("product": "ALL" in the JSON): a product (or any
    # segment value) of that name would be merged into the total, so the load is refused, naming it
    path = write_book(tmp_path, """
        snapshot_month,loan_id,outstanding_balance,days_past_due,product,region
        2024-01,A,100,0,ALL,华东
        2024-01,B,200,40,P2,华东
        2024-02,A,100,0,ALL,华东
        2024-02,B,200,0,P2,ALL
    """)
    with pytest.raises(LoadError) as e:
        open_book(path)
    problems = {p.column: p for p in e.value.problems}
    assert set(problems) == {"product", "region"}
    assert problems["product"].count == 2 and problems["region"].count == 1
    assert "line 2, line 4" in problems["product"].message("en")
    assert "line 5" in problems["region"].message("en") and "第 5 行" in problems["region"].message("zh")
    assert "Rename" in problems["product"].message("en")
