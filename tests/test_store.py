"""The prebuilt cube store: `python -m monitor build` writes what the app needs into one DuckDB
file, atomically; `open_store` gives the same cubes, metrics and load report as loading the raw
data, read-only and sealed; the app runs on it (`-- --db` / MONITOR_DB)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from helpers import close

from monitor import records
from monitor.alerts import evaluate
from monitor.book import open_book
from monitor.cubes import CUBES
from monitor.errors import LoadError
from monitor.generator import write_book
from monitor.rules import load_rules
from monitor.store import RULES_SAMPLE, build_store, is_store, open_store

ROOT = Path(__file__).resolve().parent.parent


def frame(con, table: str) -> pd.DataFrame:
    df = con.execute(f"select * from {table}").df()
    return df.sort_values(list(df.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("raw") / "book.parquet"
    write_book(path, loans=3000, months=9, start="2024-01", seed=7)
    return str(path)


@pytest.fixture(scope="module")
def built(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("store") / "book.duckdb"
    proc = subprocess.run([sys.executable, "-m", "monitor", "build", "--data", raw, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "monthly_cube" in proc.stdout
    loaded, store = open_book(raw), open_store(str(out))
    yield out, loaded, store
    loaded.close()
    store.close()


def test_the_store_holds_the_cubes_of_a_fresh_load(built):
    _, loaded, store = built
    for name in [*CUBES, "dpd_lookup", "scheme_band", "scheme_level"]:
        pd.testing.assert_frame_equal(frame(store.con, name), frame(loaded.con, name), check_exact=False,
                                      rtol=1e-12, obj=name)
    n = "select count(*), sum(exposure) from loan_snapshots"
    assert store.con.execute(n).fetchone() == pytest.approx(loaded.con.execute(n).fetchone())


def test_the_metrics_are_the_same(built):
    _, loaded, store = built
    close(records.summary_records(store.con), records.summary_records(loaded.con), "summary")
    close(records.migration_records(store.con, "us"), records.migration_records(loaded.con, "us"), "migration")
    close(records.vintage_records(store.con, "cn", "M3+"), records.vintage_records(loaded.con, "cn", "M3+"),
          "vintage")


def test_the_report_and_provenance(built, raw):
    out, loaded, store = built
    a, b = loaded.report, store.report
    assert (b.source, b.kind, b.rows, b.loans, b.months, b.first_month, b.last_month, b.columns) == \
        (a.source, a.kind, a.rows, a.loans, a.months, a.first_month, a.last_month, a.columns)
    assert [(w.code, w.count, w.examples, w.text_zh) for w in b.warnings] == \
        [(w.code, w.count, w.examples, w.text_zh) for w in a.warnings]
    assert store.source == raw and store.store == str(out) and store.engine == "duckdb"
    assert store.built_at is not None and set(store.cube_stats) == set(CUBES)


def test_the_store_holds_the_breaches_of_the_sample_rules(built):
    _, loaded, store = built
    want, _ = evaluate(loaded.con, load_rules(RULES_SAMPLE), "cn")
    got = store.con.execute("select * from breaches").df()
    assert len(got) == len(want) > 0
    assert sorted(zip(got["rule"], got["severity"])) == sorted(zip(want["rule"], want["severity"]))


def test_the_store_connection_is_sealed(built):
    _, _, store = built
    with pytest.raises(duckdb.Error):
        store.con.execute("select * from read_csv('/etc/passwd')").fetchall()
    with pytest.raises(duckdb.Error):
        store.con.execute("set enable_external_access = true")
    with pytest.raises(duckdb.Error):  # read-only: a page cannot change the store
        store.con.execute("delete from store.main.monthly_cube")
    cur = store.con.cursor()  # the app queries on cursors: they see the same views and macros
    assert cur.execute("select count(*) from monthly_grouped('cn', date '2024-01-01', date '2030-01-01', "
                       "'none', null, null, null, 'all', null)").fetchone()[0] > 0
    cur.close()


def test_a_failed_build_leaves_the_old_store(tmp_path, built):
    out = tmp_path / "book.duckdb"
    out.write_bytes(built[0].read_bytes())
    bad = tmp_path / "bad.csv"
    bad.write_text("snapshot_month,loan_id,outstanding_balance,days_past_due\n2024-01,A,1,-3\n")
    with pytest.raises(LoadError):
        build_store(str(bad), str(out))
    assert out.read_bytes() == built[0].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "book.duckdb"]


def test_a_raw_duckdb_source_is_not_a_store(tmp_path, built):
    raw = tmp_path / "raw.duckdb"
    con = duckdb.connect(str(raw))
    con.execute("create table loan_snapshots as select date '2024-01-01' as snapshot_month, 'A' as loan_id, "
                "1.0 as outstanding_balance, 0 as days_past_due")
    con.close()
    assert not is_store(str(raw)) and is_store(str(built[0]))


@pytest.mark.parametrize("page", ["pages/data.py", "pages/segments.py", "pages/migration.py"])
def test_the_app_runs_on_a_store(built, page, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("MONITOR_DB", str(built[0]))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    if page == "pages/data.py":
        text = "\n".join(m.value for m in at.markdown)
        assert os.path.basename(built[1].source) in text


def test_store_breaches_answer_the_same_rules(tmp_path, sample):
    """The app reads a store's precomputed breaches only for the very rules they were built with."""
    from pathlib import Path

    import pandas as pd

    from monitor.alerts import evaluate
    from monitor.book import open_book, stored_breaches
    from monitor.rules import parse_rules
    from monitor.store import build_store
    rules = Path(sample).with_name("rules.toml").read_text(encoding="utf-8")
    out = tmp_path / "b.duckdb"
    build_store(sample, str(out))
    book = open_book(str(out))
    stored = stored_breaches(book, rules, "cn")
    fresh, _ = evaluate(book.con, parse_rules(rules), "cn")
    for df in (stored, fresh):
        df["month"], df["since"] = pd.to_datetime(df["month"]), pd.to_datetime(df["since"])
    pd.testing.assert_frame_equal(stored, fresh, check_dtype=False)
    assert stored_breaches(book, rules + "\n# edited\n", "cn") is None  # other rules: evaluate
    assert stored_breaches(book, rules, "us") is None  # another scheme: evaluate
    book.close()
