"""The benchmark's plain-pandas baseline computes the same summary, transition matrix and vintage
as the app (bench/compare.py's check passes), and the check does catch a wrong number."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from monitor.book import open_book
from monitor.generator import write_book

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import compare  # noqa: E402
import pandas_baseline  # noqa: E402


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "book.parquet"
    write_book(path, loans=1200, months=7, start="2024-06", seed=3)
    book = open_book(str(path))
    yield book, pandas_baseline.run(str(path))
    book.close()


def test_pandas_outputs_equal_ours(both):
    book, outputs = both
    counts = compare.check_all(book.con, outputs)
    assert counts["summary"] == 7 * 6  # 7 months x (5 products + ALL)
    assert counts["transitions"] == 6 * 6 and counts["vintage"] > 100


def test_the_check_catches_a_difference(both):
    book, outputs = both
    bad = dict(outputs, summary=outputs["summary"].copy())
    bad["summary"].loc[3, "rate_M2+"] *= 1.001
    with pytest.raises(AssertionError, match="overdue_rate M2"):
        compare.check_all(book.con, bad)
