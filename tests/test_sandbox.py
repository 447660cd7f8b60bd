"""The pages' query connection is sealed (DESIGN §6): once the data is loaded it can neither read
nor write local files, attach databases, install or load extensions, nor change its own settings.

Checked on the connection the app builds (`pages.common._load`, a raw source and a store), on a
cursor of it (every page query runs on one), and on a store opened by monitor.store.open_store.
"""
from __future__ import annotations

import duckdb
import pytest

from monitor.store import build_store, open_store

ATTEMPTS = {
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "replacement scan": "select * from '/etc/passwd'",
    "read_parquet": "select * from read_parquet('/tmp/*.parquet')",
    "glob": "select * from glob('/etc/*')",
    "copy to": "copy (select 42 as x) to '{tmp}/leak.csv'",
    "copy table to": "copy monthly_cube to '{tmp}/leak.parquet' (format parquet)",
    "export database": "export database '{tmp}/dump'",
    "attach": "attach '{tmp}/other.duckdb' as other",
    "install": "install httpfs",
    "load": "load httpfs",
    "set external access": "set enable_external_access = true",
    "reset external access": "reset enable_external_access",
    "unlock": "set lock_configuration = false",
    "allowed directories": "set allowed_directories = ['/']",
    "memory limit": "set memory_limit = '100GB'",
    "pragma": "pragma enable_profiling",
}


def _assert_sealed(con: duckdb.DuckDBPyConnection, tmp) -> None:
    # the connection still answers queries on its own tables
    assert con.execute("select count(*) from monthly_cube").fetchone()[0] > 0
    for name, sql in ATTEMPTS.items():
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp=tmp)).fetchall()
            pytest.fail(f"{name} succeeded on the sealed connection: {sql}")
    assert not list(tmp.iterdir()), "a sealed connection wrote a file"
    assert con.execute("select current_setting('enable_external_access')").fetchone()[0] is False
    assert con.execute("select current_setting('lock_configuration')").fetchone()[0] is True


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> str:
    """A small raw book (CSV)."""
    path = tmp_path_factory.mktemp("raw") / "book.csv"
    path.write_text("snapshot_month,loan_id,outstanding_balance,days_past_due,product\n"
                    "2025-01,a,100,0,信用卡\n2025-01,b,200,15,信用卡\n"
                    "2025-02,a,90,0,信用卡\n2025-02,b,210,45,信用卡\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def store(small, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("store") / "book.duckdb"
    build_store(small, str(out), rules=None)
    return str(out)


def test_app_connection_on_raw_data_is_sealed(small, tmp_path):
    from pages.common import _load, _stamp
    book = _load(small, _stamp(small))
    _assert_sealed(book.con, tmp_path)
    cur = book.con.cursor()  # what _fetch runs every page query on
    try:
        _assert_sealed(cur, tmp_path)
    finally:
        cur.close()


def test_app_connection_on_a_store_is_sealed(store, tmp_path):
    from pages.common import _load, _stamp
    book = _load(store, _stamp(store))
    assert book.store == store
    _assert_sealed(book.con, tmp_path)
    cur = book.con.cursor()
    try:
        _assert_sealed(cur, tmp_path)
    finally:
        cur.close()


def test_open_store_is_sealed_and_read_only(store, tmp_path):
    book = open_store(store)
    try:
        _assert_sealed(book.con, tmp_path)
        with pytest.raises(duckdb.Error):  # the store file is attached read-only
            book.con.execute("delete from store.main.monthly_cube")
    finally:
        book.close()


def test_an_upload_candidate_opens_sealed(small, tmp_path):
    """A store the Data page builds from an upload is opened like any store."""
    from monitor import upload as up
    folder = tmp_path / "session"
    folder.mkdir()
    cand = up.validate(small, {"snapshot_month": "snapshot_month", "loan_id": "loan_id",
                               "outstanding_balance": "outstanding_balance", "days_past_due": "days_past_due"},
                       None, folder)
    book = open_store(str(cand.store))
    try:
        out = tmp_path / "out"
        out.mkdir()
        _assert_sealed(book.con, out)
    finally:
        book.close()
