"""The cube build on Apache Spark: the same queries/cubes/*.sql text, transpiled by sqlglot.

`python -m monitor build --engine spark --data PATH --out DIR [--master URL]`:
1. validation runs on the driver with the same DuckDB loader (same refusals and warnings), which
   writes loan_snapshots to DIR/loan_snapshots as Parquet; with --validated, PATH is already a
   Parquet dataset in loan_snapshots' schema (e.g. an earlier DIR/loan_snapshots that monthly jobs
   extend) and the driver reads nothing;
2. Spark registers loan_snapshots and the definition tables as temp views and runs each cube's
   SQL, transpiled from DuckDB to Spark SQL, with its parameters bound through spark.sql(args=...);
3. each cube is written as Parquet under DIR/<cube>/, with DIR/store_info.json. The app opens DIR
   like a store file (`-- --db DIR`).
"""
from __future__ import annotations

import os
import sys

if not __package__:  # run as a file (`spark-submit monitor/spark_build.py ...`): the repo, not
    # monitor/ itself, goes on sys.path (monitor/collections.py would shadow the standard library)
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    __package__ = "monitor"
    import monitor  # noqa: F401

import json  # noqa: E402  (after the path fix above)
import shutil  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import sqlglot  # noqa: E402

from . import db
from .checks import BY_CODE
from .cubes import CUBES, cube_params
from .definitions import definition_tables, load_definitions
from .errors import Issue, UserError
from .load_checks import issue
from .loader import LoadReport, load
from .store import DEFINITION_TABLES, INFO_JSON, info_params


def transpile(name: str) -> str:
    """queries/<name>.sql as Spark SQL; its $params become :params bound by spark.sql(args=...)."""
    return sqlglot.transpile(db.sql_text(name), read="duckdb", write="spark")[0]


def spark_sql(spark, name: str, **params):
    """Run queries/<name>.sql on Spark with exactly the parameters it uses bound as values."""
    used = db.sql_params(db.sql_text(name))
    return spark.sql(transpile(name), args={k: v for k, v in params.items() if k in used})


def session(master: str | None = None):
    """A SparkSession: --master if given, else whatever spark-submit configured, else local[*]."""
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("loan-portfolio-monitor build")
    if master:
        builder = builder.master(master)
    if (master or "local").startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.sql.shuffle.partitions", "8").config("spark.ui.enabled", "false")
    spark = (builder.config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")  # stderr is for the build's own messages
    return spark


def _write_definitions(folder: Path) -> None:
    for name, df in definition_tables(load_definitions()).items():
        (folder / name).mkdir(parents=True)
        df.to_parquet(folder / name / "part-0.parquet", index=False)


def _driver_load(data: str, folder: Path) -> LoadReport:
    """Validate with the DuckDB loader (into a scratch file beside the output, so a big book spills
    to disk rather than filling RAM) and write loan_snapshots as Parquet, text dimensions as text."""
    scratch = folder / "_driver.duckdb"
    con = db.new_connection(str(scratch))
    try:
        con.execute("set disabled_compression_methods = 'dict_fsst'")  # scratch: speed over size
        con, report = load(data, con=con, jumps=False)
        (folder / "loan_snapshots").mkdir(parents=True)
        con.sql("select * from loan_snapshots").write_parquet(str(folder / "loan_snapshots" / "part-0.parquet"))
        return report
    finally:
        con.close()
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _spark_report(spark, data: str) -> LoadReport:
    """Counts of an already validated loan_snapshots dataset (the report of a --validated build)."""
    row = spark.sql("select count(*) as n, count(distinct loan_id) as loans, count(distinct snapshot_month) "
                    "as months, min(snapshot_month) as a, max(snapshot_month) as b from loan_snapshots").first()
    columns = spark.table("loan_snapshots").columns
    optional = [c for c in ("product", "region", "channel", "origination_month", "principal", "overdue_amount",
                            "age_band", "income_band", "occupation", "collection_action", "restructured")
                if c in columns]
    return LoadReport(source=data, kind="parquet", rows=row["n"], loans=row["loans"], months=row["months"],
                      first_month=row["a"], last_month=row["b"], columns=optional,
                      mapping={c: c for c in columns}, warnings=[])


def _jump_warning(spark, source: str, first: date, last: date) -> list[Issue]:
    """DPD jumps counted by the transition cube, with examples from the same load query on Spark."""
    months = spark_sql(spark, "load/jumps_by_month", from_month=first, to_month=last).collect()
    total, examples = sum(int(r["loan_months"]) for r in months), []
    for r in months:
        if len(examples) >= 5:
            break
        for j in spark_sql(spark, "load/warn_dpd_jumps", month=r["to_month"]).collect()[:5 - len(examples)]:
            examples.append(f"{j['loan_id']} {j['snapshot_month']:%Y-%m}: {j['prev_dpd']} → "
                            f"{j['days_past_due']} in a {j['days_in_month']}-day month")
    return [issue(BY_CODE["dpd_jumps"], source, total, examples)] if total else []


def _swap(tmp: Path, out: Path) -> None:
    """Put the finished folder in place of `out` (the old one is removed only after the rename)."""
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def build_spark(data: str, out: str, master: str | None = None, validated: bool = False,
                spark=None) -> dict:
    """Build every cube on Spark into the folder `out` (written beside it, then renamed)."""
    out_path = Path(out)
    if out_path.is_file():
        raise UserError(f"{out}: is a file; the Spark build writes a folder (e.g. --out book_store)")
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        report = None if validated else _driver_load(data, tmp)
        _write_definitions(tmp)
        spark = spark or session(master)
        source = data if validated else str(tmp / "loan_snapshots")
        spark.read.parquet(source).createOrReplaceTempView("loan_snapshots")
        for name in DEFINITION_TABLES:
            spark.read.parquet(str(tmp / name)).createOrReplaceTempView(name)
        report = report or _spark_report(spark, data)
        stats = {}
        for name in CUBES:
            t0 = time.perf_counter()
            params = cube_params(name, report.first_month, report.last_month)
            spark.sql(transpile(f"cubes/{name}"), args=params).write.mode("overwrite").parquet(str(tmp / name))
            cube = spark.read.parquet(str(tmp / name))
            cube.createOrReplaceTempView(name)
            stats[name] = {"rows": cube.count(), "seconds": round(time.perf_counter() - t0, 3)}
        if validated:
            spark.table("loan_snapshots").write.parquet(str(tmp / "loan_snapshots"))
        report.warnings += _jump_warning(spark, report.source, report.first_month, report.last_month)
        info = info_params(report, stats, engine="spark")
        (tmp / INFO_JSON).write_text(json.dumps(info, default=str, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
        _swap(tmp, out_path)
        return info
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise



if __name__ == "__main__":  # spark-submit [--master URL] monitor/spark_build.py --data PATH --out DIR
    from monitor.cli import main
    sys.exit(main(["build", "--engine", "spark", *sys.argv[1:]]))
