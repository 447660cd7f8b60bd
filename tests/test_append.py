"""Monthly appends: a store built from months 1..n-1 plus `append` of month n equals a full build
of months 1..n, cube by cube; so does `--replace` of a middle month; wrong months are refused; a
failed append leaves the store exactly as it was."""
from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from monitor import append as ap
from monitor.append import append_month
from monitor.cubes import CUBES
from monitor.errors import UserError
from monitor.generator import write_book
from monitor.store import build_store, open_store

ROOT = Path(__file__).resolve().parent.parent
TABLES = [*CUBES, "loan_snapshots", "breaches"]


def write_months(book: str, out: Path, where: str, params: dict | None = None, edit: str = "") -> str:
    """A Parquet file of the book's rows `where` (with an optional column edit `edit`)."""
    con = duckdb.connect()
    rel = con.sql(f"select *{edit} from read_parquet($book) where {where}", params={"book": book, **(params or {})})
    rel.write_parquet(str(out))
    con.close()
    return str(out)


def content(path: str) -> dict[str, pd.DataFrame]:
    """Every table of a store, as sorted frames (enum columns as text)."""
    con = duckdb.connect(path, read_only=True)
    try:
        out = {}
        for t in [*TABLES, "store_info"]:
            df = con.execute(f"select * from {t}").df()
            df = df.astype({c: str for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})
            out[t] = df.sort_values(list(df.columns)).reset_index(drop=True) if t != "store_info" else df
        return out
    finally:
        con.close()


def assert_same_cubes(got: str, want: str) -> None:
    a, b = content(got), content(want)
    for t in TABLES:
        x, y = a[t], b[t]
        assert list(x.columns) == list(y.columns), t
        assert len(x) == len(y), (t, len(x), len(y))
        for c in x.columns:
            if pd.api.types.is_float_dtype(x[c]):
                ok = [(math.isnan(p) and math.isnan(q)) or math.isclose(p, q, rel_tol=1e-12, abs_tol=1e-6)
                      for p, q in zip(x[c], y[c])]
                assert all(ok), (t, c)
            else:
                assert x[c].tolist() == y[c].tolist(), (t, c)
    for k in ("rows", "loans", "months", "first_month", "last_month"):
        assert a["store_info"][k].iloc[0] == b["store_info"][k].iloc[0], k


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("book") / "book.parquet"
    write_book(path, loans=2500, months=8, start="2024-01", seed=11)
    return str(path)


@pytest.fixture(scope="module")
def full(book, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("full") / "full.duckdb"
    build_store(book, str(out))
    return str(out)


@pytest.fixture()
def head(book, tmp_path) -> str:
    """A store of months 1..7 of the book."""
    out = tmp_path / "store.duckdb"
    build_store(write_months(book, tmp_path / "head.parquet", "snapshot_month < date '2024-08-01'"), str(out))
    return str(out)


def test_append_equals_a_full_build(book, full, head, tmp_path):
    last = write_months(book, tmp_path / "aug.parquet", "snapshot_month = date '2024-08-01'")
    info = append_month(head, last)
    assert (info["months"], str(info["last_month"])) == (8, "2024-08-01")
    assert_same_cubes(head, full)
    store = open_store(head)
    try:
        assert store.report.months == 8 and store.report.last_month.month == 8
    finally:
        store.close()


def test_replace_of_a_middle_month_equals_a_full_build(book, full, tmp_path):
    # a store whose April lost 300 loans and has other DPDs, then the true April replaces it
    bad = write_months(book, tmp_path / "bad.parquet",
                       "snapshot_month <> date '2024-04-01' or hash(loan_id) % 8 <> 0",
                       edit=" replace (case when snapshot_month = date '2024-04-01' and hash(loan_id) % 5 = 0 "
                            "then days_past_due + 40 else days_past_due end as days_past_due)")
    store = tmp_path / "store.duckdb"
    build_store(bad, str(store))
    with pytest.raises(AssertionError):  # the bad April shows in the cubes
        assert_same_cubes(str(store), full)
    april = write_months(book, tmp_path / "apr.parquet", "snapshot_month = date '2024-04-01'")
    with pytest.raises(UserError, match="already holds 2024-04"):
        append_month(str(store), april)
    append_month(str(store), april, replace=True)
    assert_same_cubes(str(store), full)


def test_a_new_product_in_the_appended_month(book, tmp_path):
    renamed = " replace (case when product = '信用卡' and snapshot_month = date '2024-08-01' " \
              "then '新卡' else product end as product)"
    whole = write_months(book, tmp_path / "whole.parquet", "true", edit=renamed)
    full = tmp_path / "full.duckdb"
    build_store(whole, str(full))
    store = tmp_path / "store.duckdb"
    build_store(write_months(book, tmp_path / "head.parquet", "snapshot_month < date '2024-08-01'"), str(store))
    append_month(str(store), write_months(whole, tmp_path / "aug.parquet", "snapshot_month = date '2024-08-01'"))
    assert_same_cubes(str(store), str(full))


@pytest.mark.parametrize("where,message", [
    ("snapshot_month >= date '2024-07-01'", "holds 2 months"),
    ("snapshot_month = date '2024-07-01'", "already holds 2024-07"),
])
def test_wrong_months_are_refused(book, head, tmp_path, where, message):
    before = content(head)
    with pytest.raises(UserError, match=message):
        append_month(head, write_months(book, tmp_path / "m.parquet", where))
    after = content(head)
    assert all(before[t].equals(after[t]) for t in before)


def test_a_month_after_a_gap_is_refused(book, head, tmp_path):
    later = write_months(book, tmp_path / "sep.parquet", "snapshot_month = date '2024-08-01'",
                         edit=" replace (date '2024-09-01' as snapshot_month)")
    proc = subprocess.run([sys.executable, "-m", "monitor", "append", "--db", head, "--data", later],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "append the next month (2024-08)" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_failed_append_leaves_the_store_as_it_was(book, head, tmp_path, monkeypatch):
    before = content(head)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(head, copy)

    def broken(con, month, months, replace):  # fail after the rows went in and a cube was cut
        con.execute("delete from monthly_cube")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ap, "_recompute", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        append_month(head, write_months(book, tmp_path / "aug.parquet", "snapshot_month = date '2024-08-01'"))
    after = content(head)
    assert all(before[t].equals(after[t]) for t in before)
    monkeypatch.undo()
    append_month(head, str(tmp_path / "aug.parquet"))  # and the store still takes the month


def test_cli_append(book, head, tmp_path):
    aug = write_months(book, tmp_path / "aug.parquet", "snapshot_month = date '2024-08-01'",
                       edit=" replace (-abs(outstanding_balance) as outstanding_balance)")
    proc = subprocess.run([sys.executable, "-m", "monitor", "append", "--db", head, "--data", aug],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "2024-01 … 2024-08" in proc.stdout
    store = open_store(head)
    mine = [w.code for w in store.report.warnings if w.text_en.startswith(aug)]
    store.close()
    assert "balance_negative" in mine
    append_month(head, aug, replace=True)  # a replaced month's warnings replace its earlier ones
    store = open_store(head)
    assert [w.code for w in store.report.warnings if w.text_en.startswith(aug)] == mine
    store.close()
