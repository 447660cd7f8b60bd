"""The Spark build runs the same cube SQL (transpiled by sqlglot) and gives the same cubes as
DuckDB; the app opens its Parquet folder like a store. Marker `spark`: a local SparkSession."""
from __future__ import annotations

import math
import os

import duckdb
import pandas as pd
import pytest

from monitor import records
from monitor.cubes import CUBES
from monitor.generator import write_book
from monitor.spark_build import build_spark
from monitor.store import build_store, open_store

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from monitor.spark_build import session
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    s = session("local[2]")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def builds(spark, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark")
    raw = tmp / "book.parquet"
    write_book(raw, loans=1500, months=7, start="2024-03", seed=5)
    build_store(str(raw), str(tmp / "book.duckdb"))
    info = build_spark(str(raw), str(tmp / "book_spark"), spark=spark)
    return tmp, info


def sorted_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral values: floats stay floats, everything else becomes text (NULL as '∅'), so an
    INT16 from Spark equals an INT32 from DuckDB; then a stable sort on every column."""
    out = pd.DataFrame({c: df[c].astype("float64") if pd.api.types.is_float_dtype(df[c])
                        else df[c].astype(object).map(lambda v: "∅" if pd.isna(v) else str(v))
                        for c in df.columns})
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def assert_frames_close(a: pd.DataFrame, b: pd.DataFrame, name: str) -> None:
    assert sorted(a.columns) == sorted(b.columns), name
    a, b = sorted_frame(a), sorted_frame(b[a.columns])
    assert len(a) == len(b), (name, len(a), len(b))
    for c in a.columns:
        if pd.api.types.is_float_dtype(a[c]):
            ok = [(pd.isna(x) and pd.isna(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)
                  for x, y in zip(a[c], b[c])]
            assert all(ok), (name, c)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), (name, c)


@pytest.mark.parametrize("cube", list(CUBES))
def test_spark_cubes_equal_duckdb(builds, cube):
    tmp, _ = builds
    con = duckdb.connect()
    try:
        want = con.execute(f"select * from read_parquet('{tmp}/book_spark/{cube}/*.parquet')").df()
        con.execute(f"attach '{tmp}/book.duckdb' as store (read_only)")
        got = con.execute(f"select * from store.main.{cube}").df()
    finally:
        con.close()
    assert len(got) > 0
    assert_frames_close(got, want, cube)


def test_the_app_opens_the_spark_folder(builds):
    tmp, info = builds
    assert info["engine"] == "spark"
    a, b = open_store(str(tmp / "book.duckdb")), open_store(str(tmp / "book_spark"))
    try:
        assert b.engine == "spark" and b.report.rows == a.report.rows and b.report.loans == a.report.loans
        assert [(w.code, w.count) for w in b.report.warnings] == [(w.code, w.count) for w in a.report.warnings]
        sa, sb = records.summary_records(a.con), records.summary_records(b.con)
        key = lambda rs: [(r["month"], r["product"], r["loans"]) for r in rs]  # noqa: E731
        assert key(sa) == key(sb)
        assert all(math.isclose(x["balance"], y["balance"], rel_tol=1e-9) for x, y in zip(sa, sb))
        n = "select count(*) from loan_snapshots where snapshot_month = date '2024-05-01'"
        assert a.con.execute(n).fetchone() == b.con.execute(n).fetchone()  # drill-down reads Parquet
        with pytest.raises(duckdb.Error):  # sealed: only its own folder is readable
            b.con.execute("select * from read_csv('/etc/passwd')").fetchall()
    finally:
        a.close()
        b.close()


def test_a_validated_dataset_builds_without_the_driver_load(builds, spark, tmp_path):
    tmp, info = builds
    again = build_spark(str(tmp / "book_spark" / "loan_snapshots"), str(tmp_path / "again"), validated=True,
                        spark=spark)
    assert (again["rows"], again["loans"], again["months"]) == (info["rows"], info["loans"], info["months"])
    con = duckdb.connect()
    try:
        for cube in CUBES:
            a = con.execute(f"select * from read_parquet('{tmp}/book_spark/{cube}/*.parquet')").df()
            b = con.execute(f"select * from read_parquet('{tmp_path}/again/{cube}/*.parquet')").df()
            assert_frames_close(a, b, cube)
    finally:
        con.close()


def test_invalid_data_is_refused_on_the_driver(spark, tmp_path):
    from monitor.errors import LoadError
    bad = tmp_path / "bad.csv"
    bad.write_text("snapshot_month,loan_id,outstanding_balance,days_past_due\n2024-01,A,1,-3\n")
    with pytest.raises(LoadError, match="negative DPD"):
        build_spark(str(bad), str(tmp_path / "out"), spark=spark)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
