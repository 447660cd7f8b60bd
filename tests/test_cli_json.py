"""The CLI's JSON contract, end to end: `python -m monitor` on a hand-built book.

The expected records are written out by hand from DESIGN §2 and must match key for key (extra
keys are allowed by the contract; every contract key and every hand-computed extra must match).
Product names in Chinese, and one that looks like SQL, must come back verbatim.
"""
from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CARD, INST = "信用卡", "消费分期"
EVIL = "x'); DROP TABLE loan_snapshots; --"
LEVELS = ("M1+", "M2+", "M3+", "M4+")

# May: C1 M0, C2 M1, I1 M2, I2 M4, X1 M0. June: C1 falls into M1, C2 cures, I1 rolls to M3,
# I2 exits (written off), X1 has a credit balance (exposure 0), C3 is new.
HEADER = ["snapshot_month", "loan_id", "product", "outstanding_balance", "days_past_due",
          "overdue_amount", "origination_month", "principal"]
ROWS = [
    ["2024-05", "C1", CARD, "1000", "0", "0", "2024-05", "1000"],
    ["2024-05", "C2", CARD, "600", "12", "50", "2024-04", "800"],
    ["2024-05", "I1", INST, "400", "35", "100", "2024-04", "500"],
    ["2024-05", "I2", INST, "200", "95", "200", "2024-04", "300"],
    ["2024-05", "X1", EVIL, "300", "0", "0", "2024-05", "300"],
    ["2024-06", "C1", CARD, "950", "3", "30", "2024-05", "1000"],
    ["2024-06", "C2", CARD, "580", "0", "0", "2024-04", "800"],
    ["2024-06", "I1", INST, "390", "65", "150", "2024-04", "500"],
    ["2024-06", "X1", EVIL, "-10", "0", "0", "2024-05", "300"],
    ["2024-06", "C3", CARD, "700", "0", "0", "2024-06", "700"],
]


def lv(*values) -> dict:
    return dict(zip(LEVELS, values))


SUMMARY_JUNE = {
    "ALL": {
        "month": "2024-06", "product": "ALL", "loans": 5, "balance": 2620.0,
        "overdue_amount": 180.0,
        "overdue_balance": lv(1340.0, 390.0, 390.0, 0.0),
        "overdue_rate": lv(1340 / 2620, 390 / 2620, 390 / 2620, 0.0),
        "overdue_count_rate": lv(2 / 5, 1 / 5, 1 / 5, 0.0),
        # M1+ over May's 2500; M2+ .. M4+ would need April and earlier: not in the book
        "overdue_rate_lagged": lv(1340 / 2500, None, None, None),
    },
    CARD: {
        "month": "2024-06", "product": CARD, "loans": 3, "balance": 2230.0, "overdue_amount": 30.0,
        "overdue_balance": lv(950.0, 0.0, 0.0, 0.0),
        "overdue_rate": lv(950 / 2230, 0.0, 0.0, 0.0),
        "overdue_count_rate": lv(1 / 3, 0.0, 0.0, 0.0),
        "overdue_rate_lagged": lv(950 / 1600, None, None, None),
    },
    INST: {
        "month": "2024-06", "product": INST, "loans": 1, "balance": 390.0, "overdue_amount": 150.0,
        "overdue_balance": lv(390.0, 390.0, 390.0, 0.0),
        "overdue_rate": lv(1.0, 1.0, 1.0, 0.0),
        "overdue_count_rate": lv(1.0, 1.0, 1.0, 0.0),
        "overdue_rate_lagged": lv(390 / 600, None, None, None),
    },
    # a credit balance: still a loan, exposure 0, so the balance rates are undefined
    EVIL: {
        "month": "2024-06", "product": EVIL, "loans": 1, "balance": 0.0, "overdue_amount": 0.0,
        "overdue_balance": lv(0.0, 0.0, 0.0, 0.0),
        "overdue_rate": lv(None, None, None, None),
        "overdue_count_rate": lv(0.0, 0.0, 0.0, 0.0),
        "overdue_rate_lagged": lv(0.0, None, None, None),
    },
}

SUMMARY_MAY_ALL = {
    "month": "2024-05", "product": "ALL", "loans": 5, "balance": 2500.0, "overdue_amount": 350.0,
    "overdue_balance": lv(1200.0, 600.0, 200.0, 200.0),
    "overdue_rate": lv(1200 / 2500, 600 / 2500, 200 / 2500, 200 / 2500),
    "overdue_count_rate": lv(3 / 5, 2 / 5, 1 / 5, 1 / 5),
    "overdue_rate_lagged": lv(None, None, None, None),
}

MIGRATION_ALL = {
    "from_month": "2024-05", "to_month": "2024-06", "product": "ALL",
    "count": {"M0": {"M0": 1, "M1": 1}, "M1": {"M0": 1}, "M2": {"M3": 1}, "M4": {"exited": 1}},
    "balance": {"M0": {"M0": 300.0, "M1": 1000.0}, "M1": {"M0": 600.0}, "M2": {"M3": 400.0},
                "M4": {"exited": 200.0}},
    "new_loans": 1, "new_balance": 700.0,
    # the exited M4 loan stays in M4's denominator: it neither rolled nor cured
    "roll_rate": {"M0": 1000 / 1300, "M1": 0.0, "M2": 1.0, "M4": 0.0},
    "cure_rate": {"M1": 1.0, "M2": 0.0, "M4": 0.0},
    "roll_rate_count": {"M0": 1 / 2, "M1": 0.0, "M2": 1.0, "M4": 0.0},
    "cure_rate_count": {"M1": 1.0, "M2": 0.0, "M4": 0.0},
    # M1 at Jun 950 / M0 at May 1300; M2 at Jun 0 / M1 at May 600; M3 at Jun 390 / M2 at May 400;
    # M5 at Jun 0 / M4 at May 200; M3, M5, M6 at May were empty
    "flow_rate": {"M0->M1": 950 / 1300, "M1->M2": 0.0, "M2->M3": 390 / 400, "M3->M4": None,
                  "M4->M5": 0.0, "M5->M6": None, "M6->M7": None},
    "chained_flow": {f"M{k}->M7": None for k in range(7)},
}

MIGRATION_PRODUCTS = {
    CARD: {
        "from_month": "2024-05", "to_month": "2024-06", "product": CARD,
        "count": {"M0": {"M1": 1}, "M1": {"M0": 1}},
        "balance": {"M0": {"M1": 1000.0}, "M1": {"M0": 600.0}},
        "new_loans": 1, "new_balance": 700.0,
        "roll_rate": {"M0": 1.0, "M1": 0.0}, "cure_rate": {"M1": 1.0},
        "flow_rate": {"M0->M1": 950 / 1000, "M1->M2": 0.0, "M2->M3": None, "M3->M4": None,
                      "M4->M5": None, "M5->M6": None, "M6->M7": None},
    },
    INST: {
        "from_month": "2024-05", "to_month": "2024-06", "product": INST,
        "count": {"M2": {"M3": 1}, "M4": {"exited": 1}},
        "balance": {"M2": {"M3": 400.0}, "M4": {"exited": 200.0}},
        "new_loans": 0, "new_balance": 0.0,
        "roll_rate": {"M2": 1.0, "M4": 0.0}, "cure_rate": {"M2": 0.0, "M4": 0.0},
        "flow_rate": {"M0->M1": None, "M1->M2": None, "M2->M3": 390 / 400, "M3->M4": None,
                      "M4->M5": 0.0, "M5->M6": None, "M6->M7": None},
    },
    EVIL: {
        "from_month": "2024-05", "to_month": "2024-06", "product": EVIL,
        "count": {"M0": {"M0": 1}}, "balance": {"M0": {"M0": 300.0}},
        "new_loans": 0, "new_balance": 0.0,
        "roll_rate": {"M0": 0.0}, "cure_rate": {},
        "flow_rate": {"M0->M1": 0.0, "M1->M2": None, "M2->M3": None, "M3->M4": None,
                      "M4->M5": None, "M5->M6": None, "M6->M7": None},
    },
}


def vc(cohort, mob, month, loans, principal, level_balance, rate, ever, ever_rate, immature,
       left_censored) -> dict:
    return {"cohort": cohort, "mob": mob, "month": month, "level": "M2+", "cohort_loans": loans,
            "principal": principal, "level_balance": level_balance, "rate": rate,
            "ever_loans": ever, "ever_rate": ever_rate, "immature": immature,
            "left_censored": left_censored}


# Cohort 2024-04 (C2 800, I1 500, I2 300) predates the book: MOB 0 was never observed.
# M2+ at MOB 1 (May): I1 400 + I2 200; at MOB 2 (Jun): I1 390 (I2 exited, still ever M2+).
# Cohort 2024-05 (C1 1000, X1 300) and 2024-06 (C3 700) never reach M2+. MOB < 2 is immature.
VINTAGE = [
    vc("2024-04", 1, "2024-05", 3, 1600.0, 600.0, 600 / 1600, 2, 2 / 3, True, True),
    vc("2024-04", 2, "2024-06", 3, 1600.0, 390.0, 390 / 1600, 2, 2 / 3, False, True),
    vc("2024-05", 0, "2024-05", 2, 1300.0, 0.0, 0.0, 0, 0.0, True, False),
    vc("2024-05", 1, "2024-06", 2, 1300.0, 0.0, 0.0, 0, 0.0, True, False),
    vc("2024-06", 0, "2024-06", 1, 700.0, 0.0, 0.0, 0, 0.0, True, False),
]


def assert_close(actual, expected, where: str = "") -> None:
    """Exact keys in nested values; every expected top-level key present; floats to 1e-12."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for k in expected:
            assert_close(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, float):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), \
            f"{where}: {actual!r} is not a number"
        assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12), \
            f"{where}: {actual} != {expected}"
    else:
        assert actual == expected and type(actual) is type(expected), \
            f"{where}: {actual!r} != {expected!r}"


def assert_record(rec: dict, expected: dict) -> None:
    """Every expected key is in the record and matches; the contract allows extra keys."""
    missing = set(expected) - set(rec)
    assert not missing, f"record lacks keys {sorted(missing)}"
    got = {k: rec[k] for k in expected}
    for key in ("count", "balance"):  # a migration matrix: zero cells may be left out
        if isinstance(got.get(key), dict):
            got[key] = {f: {t: v for t, v in row.items() if v} for f, row in got[key].items()}
            got[key] = {f: row for f, row in got[key].items() if row}
    assert_close(got, expected, rec.get("product", ""))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def ok_json(*args: str):
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cli") / "book.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return str(path)


@pytest.fixture(scope="module")
def summary_all(book):
    return ok_json("summary", "--data", book)


def test_summary_one_month_key_for_key(book):
    recs = ok_json("summary", "--data", book, "--month", "2024-06")
    assert [r["product"] for r in recs][0] == "ALL"
    assert sorted(r["product"] for r in recs) == sorted(SUMMARY_JUNE)
    for rec in recs:
        assert_record(rec, SUMMARY_JUNE[rec["product"]])


def test_summary_every_month(summary_all):
    assert [(r["month"], r["product"]) for r in summary_all][:1] == [("2024-05", "ALL")]
    assert {r["month"] for r in summary_all} == {"2024-05", "2024-06"}
    assert len(summary_all) == 8  # 4 groups (ALL and three products) in each month
    assert_record(summary_all[0], SUMMARY_MAY_ALL)
    june = [r for r in summary_all if r["month"] == "2024-06"]
    for rec in june:
        assert_record(rec, SUMMARY_JUNE[rec["product"]])


def test_migration_one_pair_key_for_key(book):
    recs = ok_json("migration", "--data", book)
    assert [r["product"] for r in recs][0] == "ALL"
    assert sorted(r["product"] for r in recs) == sorted(["ALL", *MIGRATION_PRODUCTS])
    by_product = {r["product"]: r for r in recs}
    assert_record(by_product["ALL"], MIGRATION_ALL)
    for product, expected in MIGRATION_PRODUCTS.items():
        assert_record(by_product[product], expected)


def test_migration_month_filter(book):
    assert [r["to_month"] for r in ok_json("migration", "--data", book, "--month", "2024-06")] \
        == ["2024-06"] * 4
    # the first month of the book ends no pair
    proc = run_cli("migration", "--data", book, "--month", "2024-05")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def test_vintage_key_for_key(book):
    recs = ok_json("vintage", "--data", book)
    assert len(recs) == len(VINTAGE)
    for rec, expected in zip(recs, VINTAGE):
        assert_record(rec, expected)


def test_vintage_level_option(book):
    recs = ok_json("vintage", "--data", book, "--level", "M4+")
    # only I2 (cohort 2024-04, 200 at DPD 95 in May) ever reaches M4+
    by_cell = {(r["cohort"], r["mob"]): r for r in recs}
    assert {r["level"] for r in recs} == {"M4+"}
    assert_close([by_cell[("2024-04", 1)][k] for k in ("level_balance", "rate", "ever_rate")],
                 [200.0, 200 / 1600, 1 / 3])
    assert_close([by_cell[("2024-04", 2)][k] for k in ("level_balance", "rate", "ever_rate")],
                 [0.0, 0.0, 1 / 3])


def test_summary_csv(book):
    proc = run_cli("summary", "--data", book, "--month", "2024-06", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["product"] for r in rows][0] == "ALL"
    assert sorted(r["product"] for r in rows) == sorted(SUMMARY_JUNE)
    by_product = {r["product"]: r for r in rows}
    for product, expected in SUMMARY_JUNE.items():
        row = by_product[product]
        assert row["month"] == "2024-06"
        assert int(row["loans"]) == expected["loans"]
        assert float(row["balance"]) == expected["balance"]
        for lvl in LEVELS:
            assert float(row[f"overdue_balance.{lvl}"]) == expected["overdue_balance"][lvl]
            rate = expected["overdue_rate"][lvl]
            if rate is None:
                assert row[f"overdue_rate.{lvl}"] == ""
            else:
                assert float(row[f"overdue_rate.{lvl}"]) == pytest.approx(rate, rel=1e-12)


def test_summary_table(book):
    proc = run_cli("summary", "--data", book, "--month", "2024-06", "--format", "table")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 + 4  # header and one line per record
    assert "balance" in lines[0] and "overdue_rate.M2+" in lines[0]
    for product in (CARD, INST, EVIL):
        assert any(product in line for line in lines[1:])
    assert "2620.0" in lines[1]


def test_migration_table_and_vintage_csv(book):
    proc = run_cli("migration", "--data", book, "--format", "table")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 + 4 and "count.M0.M1" in lines[0] and "flow_rate.M0->M1" in lines[0]
    assert any(EVIL in line for line in lines[1:])
    proc = run_cli("vintage", "--data", book, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["cohort"], int(r["mob"]), float(r["rate"])) for r in rows] == [
        (v["cohort"], v["mob"], pytest.approx(v["rate"], rel=1e-12)) for v in VINTAGE]


def test_month_not_in_book_exits_2_with_one_line(book):
    proc = run_cli("summary", "--data", book, "--month", "2023-01")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    message = proc.stderr.strip()
    assert "\n" not in message and "2023-01" in message and "not in the book" in message


def test_bad_month_text_exits_2(book):
    proc = run_cli("migration", "--data", book, "--month", "June")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "\n" not in proc.stderr.strip() and "June" in proc.stderr


def test_missing_file_exits_2_with_one_line(tmp_path):
    missing = str(tmp_path / "no_such_book.csv")
    proc = run_cli("summary", "--data", missing)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    message = proc.stderr.strip()
    assert "\n" not in message and missing in message


def test_sql_looking_product_is_only_data(book, summary_all):
    # the name came back verbatim in every output above; the table it names is still there
    assert sum(r["product"] == EVIL for r in summary_all) == 2
    may_evil = next(r for r in summary_all if r["month"] == "2024-05" and r["product"] == EVIL)
    assert may_evil["loans"] == 1 and may_evil["balance"] == 300.0
    assert Path(book).read_text(encoding="utf-8").count(EVIL) == 2
