"""Invariants of the cubes and metrics on random small books (hypothesis).

Books: 1-6 loans over 2-5 consecutive months, 1-3 products (one Chinese, one SQL-looking), DPD
drawn around every bucket edge, balances positive, zero, negative (credit) or empty, loans that
come, go and come back (exits, new loans and gaps), months written as YYYY-MM or mid-month dates.
"""
from __future__ import annotations

import csv
import math
import random
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from helpers import close
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import metrics as m
from monitor import records
from monitor.book import Book, open_book

PRODUCTS = ["card", "信用卡", "消费分期", "x'); DROP TABLE loan_snapshots; --"]
EDGES = [0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 119, 120, 121, 149, 150, 151, 179, 180, 181, 400]
DPD = st.one_of(st.sampled_from(EDGES), st.integers(0, 250))
BALANCE = st.one_of(st.none(), st.just(0.0), st.integers(-50_000, -1).map(lambda c: c / 100),
                    st.integers(1, 500_000).map(lambda c: c / 100))
OVERDUE = st.one_of(st.none(), st.just(0.0), st.integers(1, 200_000).map(lambda c: c / 100))
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)


def add_months(d: date, n: int) -> date:
    y, mo = divmod(d.month - 1 + n, 12)
    return date(d.year + y, mo + 1, 1)


@st.composite
def books(draw) -> dict:
    """Rows of a random book: {month, loan_id, product, balance, dpd[, overdue]}."""
    start = draw(st.sampled_from([date(2023, 11, 1), date(2024, 1, 1)]))
    months = [add_months(start, i) for i in range(draw(st.integers(2, 5)))]
    products = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True))
    with_overdue = draw(st.booleans())
    rows = []
    for i in range(draw(st.integers(1, 6))):
        product = draw(st.sampled_from(products))
        present = draw(st.lists(st.booleans(), min_size=len(months), max_size=len(months)))
        if i == 0:
            present[0] = True  # a book has at least one row
        for month, here in zip(months, present):
            if not here:
                continue
            text = month.strftime("%Y-%m") if draw(st.booleans()) else month.strftime("%Y-%m-15")
            row = {"snapshot_month": text, "month": month, "loan_id": f"L{i}", "product": product,
                   "outstanding_balance": draw(BALANCE), "days_past_due": draw(DPD)}
            if with_overdue:
                row["overdue_amount"] = draw(OVERDUE)
            rows.append(row)
    return {"rows": rows, "overdue": with_overdue}


def write_csv(rows: list[dict], folder: str, name: str = "book.csv") -> str:
    columns = ["snapshot_month", "loan_id", "product", "outstanding_balance", "days_past_due"]
    if "overdue_amount" in rows[0]:
        columns.append("overdue_amount")
    path = str(Path(folder) / name)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r[c] is None else r[c] for c in columns])
    return path


def open_rows(rows: list[dict], folder: str, name: str = "book.csv") -> Book:
    return open_book(write_csv(rows, folder, name))


def is_rate(x) -> bool:
    return x is None or 0.0 <= x <= 1.0 + 1e-12


# --- transitions add up to the monthly cube -----------------------------------------------------------
@settings(FAST, max_examples=20)
@given(book=books(), scheme=st.sampled_from(["cn", "us"]))
def test_transition_rows_sum_to_the_monthly_cube(book, scheme):
    with tempfile.TemporaryDirectory() as tmp:
        b = open_rows(book["rows"], tmp)
        try:
            scope = m.Scope(scheme=scheme)
            tm = m.transition_matrix(b.con, scope, "product")
            bb = m.bucket_balance(b.con, scope, "product")
            book_months = set(m.months(b.con))
        finally:
            b.close()
    tm["to_month"] = pd.to_datetime(tm["to_month"]).dt.date
    bb["snapshot_month"] = pd.to_datetime(bb["snapshot_month"]).dt.date
    # pairs: every month whose previous calendar month is also in the book
    assert set(tm["to_month"]) == {t for t in book_months if add_months(t, -1) in book_months}
    cube = {(r.snapshot_month, r.grp, r.bucket_idx): (r.loans, r.exposure) for r in bb.itertuples()}
    for t in set(tm["to_month"]):
        prev = add_months(t, -1)
        pair = tm[tm["to_month"] == t]
        # rows: every loan at t-1 is in exactly one cell of its from-bucket row (exited included)
        rows = pair[pair["from_idx"] >= 0].groupby(["grp", "from_idx"])[["loans", "exposure_from"]].sum()
        want = {(g, k): v for (mo, g, k), v in cube.items() if mo == prev}
        assert set(rows.index) == set(want)
        for (g, k), (loans, exposure) in want.items():
            assert rows.loc[(g, k), "loans"] == loans
            assert math.isclose(rows.loc[(g, k), "exposure_from"], exposure, abs_tol=1e-6)
        # columns: every loan at t is in one cell of its to-bucket column (new loans included)
        cols = pair[pair["to_idx"] >= 0].groupby(["grp", "to_idx"])[["loans", "exposure_to"]].sum()
        want = {(g, k): v for (mo, g, k), v in cube.items() if mo == t}
        assert set(cols.index) == set(want)
        for (g, k), (loans, exposure) in want.items():
            assert cols.loc[(g, k), "loans"] == loans
            assert math.isclose(cols.loc[(g, k), "exposure_to"], exposure, abs_tol=1e-6)


# --- the monthly cube rolls up to the raw table -----------------------------------------------------
@settings(FAST, max_examples=20)
@given(book=books())
def test_monthly_cube_rolls_up_to_the_raw_table(book):
    with tempfile.TemporaryDirectory() as tmp:
        b = open_rows(book["rows"], tmp)
        try:
            raw = b.con.execute("""
                select snapshot_month, product, count(*) as loans,
                    sum(greatest(coalesce(outstanding_balance, 0), 0)) as exposure,
                    sum(overdue_amount) as overdue_amount
                from loan_snapshots
                group by grouping sets ((snapshot_month), (snapshot_month, product))
            """).df()
            cube = b.con.execute("""
                select snapshot_month, seg_dim, product, sum(loans) as loans,
                    sum(exposure) as exposure, sum(overdue_amount) as overdue_amount
                from monthly_cube
                group by grouping sets ((snapshot_month, seg_dim), (snapshot_month, seg_dim, product))
            """).df()
            summary = records.summary_records(b.con)
        finally:
            b.close()

    def key(df: pd.DataFrame) -> dict:
        return {(r.snapshot_month.date() if hasattr(r.snapshot_month, "date") else r.snapshot_month,
                 r.product if isinstance(r.product, str) else "ALL"):
                (int(r.loans), float(r.exposure),
                 None if pd.isna(r.overdue_amount) else float(r.overdue_amount))
                for r in df.itertuples()}

    expected = key(raw)
    # the raw table holds exactly the generated rows
    by_month: dict = {}
    for r in book["rows"]:
        by_month[(r["month"], "ALL")] = by_month.get((r["month"], "ALL"), 0) + 1
        by_month[(r["month"], r["product"])] = by_month.get((r["month"], r["product"]), 0) + 1
    assert {k: v[0] for k, v in expected.items()} == by_month
    # every segment dimension of the cube partitions the same whole
    for seg_dim, part in cube.groupby("seg_dim"):
        got = key(part)
        assert set(got) == set(expected), seg_dim
        for k, (loans, exposure, overdue) in expected.items():
            g_loans, g_exposure, g_overdue = got[k]
            assert g_loans == loans, (seg_dim, k)
            assert math.isclose(g_exposure, exposure, abs_tol=1e-6), (seg_dim, k)
            assert (g_overdue is None) == (overdue is None), (seg_dim, k)
            if overdue is not None:
                assert math.isclose(g_overdue, overdue, abs_tol=1e-6), (seg_dim, k)
    # and so does the summary
    for rec in summary:
        loans, exposure, overdue = expected[(date.fromisoformat(rec["month"] + "-01"), rec["product"])]
        assert rec["loans"] == loans
        assert math.isclose(rec["balance"], exposure, abs_tol=0.006)
        if not book["overdue"]:
            assert rec["overdue_amount"] is None
        elif overdue is not None:
            assert math.isclose(rec["overdue_amount"], overdue, abs_tol=0.006)


# --- every rate is a share ------------------------------------------------------------------------------
@settings(FAST, max_examples=30)
@given(book=books(), scheme=st.sampled_from(["cn", "us"]))
def test_rates_are_shares_or_null(book, scheme):
    with tempfile.TemporaryDirectory() as tmp:
        b = open_rows(book["rows"], tmp)
        try:
            summary = records.summary_records(b.con, scheme)
            migration = records.migration_records(b.con, scheme)
        finally:
            b.close()
    for rec in summary:
        for key in ("overdue_rate", "overdue_count_rate"):
            assert all(is_rate(v) for v in rec[key].values()), (key, rec)
            # a deeper level holds fewer loans and less exposure
            values = [rec[key][lv] for lv in ("M1+", "M2+", "M3+", "M4+")]
            if values[0] is not None:
                assert all(a >= b - 1e-12 for a, b in zip(values, values[1:])), (key, rec)
        # lagged: same numerator over an earlier month's book, which may have been smaller, so it
        # is not bounded by 1; it is never negative
        assert all(v is None or v >= 0 for v in rec["overdue_rate_lagged"].values()), rec
        assert all(0 <= v <= rec["balance"] + 0.01 for v in rec["overdue_balance"].values()), rec
    for rec in migration:
        for key in ("roll_rate", "cure_rate", "roll_rate_count", "cure_rate_count"):
            assert all(is_rate(v) for v in rec[key].values()), (key, rec)
        for bucket, cure in rec["cure_rate_count"].items():
            roll = rec["roll_rate_count"].get(bucket)
            if roll is not None and cure is not None:
                assert roll + cure <= 1 + 1e-12, rec
        # flow rates compare different loans at t-1 and t: they may exceed 1, never go below 0
        assert all(v is None or v >= 0 for v in rec["flow_rate"].values()), rec
        assert all(v is None or v >= 0 for v in rec["chained_flow"].values()), rec


# --- the order of the rows does not matter ----------------------------------------------------------
@settings(FAST, max_examples=12)
@given(book=books(), seed=st.integers(0, 2**32 - 1))
def test_shuffled_rows_give_the_same_output(book, seed):
    shuffled = list(book["rows"])
    random.Random(seed).shuffle(shuffled)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, rows in (("a.csv", book["rows"]), ("b.csv", shuffled)):
            b = open_rows(rows, tmp, name)
            try:
                out.append((records.summary_records(b.con), records.migration_records(b.con)))
            finally:
                b.close()
    close(out[0][0], out[1][0], "summary")
    close(out[0][1], out[1][1], "migration")
