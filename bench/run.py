"""Benchmark: the app's build and page queries against plain pandas, side by side, in one run.

    python bench/run.py --loans 1000000 --months 24            # generate the book, then measure
    python bench/run.py --data /path/book.parquet --json out.json

Each side runs in its own subprocess (its peak RSS is its own). Ours: load + validation and every
cube, built into a store file (`monitor build`; --mode memory: the in-memory `--data` path), then
every page's queries, median of --runs runs. Pandas: the same summary, transition matrix and
vintage (bench/pandas_baseline.py). The outputs are checked equal (bench/compare.py) before any
time is printed. Not a test: it takes minutes on a big book.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem / 2**20, 1)}


def _usage() -> dict:
    t = os.times()
    return {"wall": time.perf_counter(), "cpu": t.user + t.system}


def _since(u: dict) -> dict:
    now = _usage()
    return {"seconds": round(now["wall"] - u["wall"], 3), "cpu_seconds": round(now["cpu"] - u["cpu"], 3)}


def _rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux: KiB


# --- the sides (each in its own process) ---------------------------------------------------------
def side_pandas(data: str, work: Path) -> dict:
    import pandas_baseline as pb
    out, steps, outputs = {"load_avg": [os.getloadavg()[0]]}, {}, {}
    u0 = u = _usage()
    df = pb.load(data)
    steps["read"] = _since(u)
    for name, fn in (("summary", pb.summary), ("transitions", pb.transitions), ("vintage", pb.vintage)):
        u = _usage()
        outputs[name] = fn(df)
        steps[name] = _since(u)
    out.update(steps=steps, total=_since(u0), rss_mb=_rss_mb())
    with open(work / "pandas_outputs.pkl", "wb") as fh:
        pickle.dump(outputs, fh)
    out["load_avg"].append(os.getloadavg()[0])
    return out


def _time_pages(con, runs: int) -> dict:
    from workloads import workloads
    out = {}
    for filters, pages in workloads(con).items():
        for page, queries in pages.items():
            per_query = {label: [] for label, _ in queries}
            totals = []
            for _ in range(runs):
                total = 0.0
                for label, fn in queries:
                    cur = con.cursor()  # the app runs every query on a cursor of the book's connection
                    t0 = time.perf_counter()
                    fn(cur)
                    dt = time.perf_counter() - t0
                    cur.close()
                    per_query[label].append(dt)
                    total += dt
                totals.append(total)
            out.setdefault(page, {})[filters] = {
                "median_ms": round(statistics.median(totals) * 1000, 1),
                "queries_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in per_query.items()}}
    return out


def side_ours(data: str, work: Path, runs: int, mode: str) -> dict:
    from monitor.book import open_book
    from monitor.store import build_store, open_store
    out = {"load_avg": [os.getloadavg()[0]], "mode": mode}
    u = _usage()
    if mode == "store":
        store = work / "bench_store.duckdb"
        build_store(data, str(store))
        out["build"] = _since(u)
        out["rss_build_mb"] = _rss_mb()
        u2 = _usage()
        book = open_store(str(store))
        out["open_store"] = _since(u2)
        out["store_mb"] = round(store.stat().st_size / 2**20)
    else:
        book = open_book(data)
        out["build"] = _since(u)
        out["rss_build_mb"] = _rss_mb()
    rep = book.report
    out.update(rows=rep.rows, loans=rep.loans, months=rep.months, load_seconds=round(rep.seconds, 3),
               load_steps=rep.timings, cubes=book.cube_stats,
               warnings={w.code: w.count for w in rep.warnings})
    out["pages"] = _time_pages(book.con, runs)
    out["rss_mb"] = _rss_mb()
    out["load_avg"].append(os.getloadavg()[0])
    book.close()
    return out


# --- the run ------------------------------------------------------------------------------------
def _run_side(side: str, data: str, work: Path, args) -> dict:
    result = work / f"{side}.json"
    cmd = [sys.executable, __file__, "--side", side, "--data", data, "--work", str(work),
           "--runs", str(args.runs), "--mode", args.mode]
    print(f"… {side}", flush=True)
    subprocess.run(cmd, check=True)
    return json.loads(result.read_text())


def _check(data: str, work: Path, ours: dict) -> dict:
    import compare

    from monitor.book import open_book
    from monitor.store import open_store
    with open(work / "pandas_outputs.pkl", "rb") as fh:
        outputs = pickle.load(fh)
    book = open_store(str(work / "bench_store.duckdb")) if ours["mode"] == "store" else open_book(data)
    try:
        return compare.check_all(book.con, outputs)
    finally:
        book.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loans", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=20251231)
    ap.add_argument("--data", help="reuse this Parquet book instead of generating one")
    ap.add_argument("--work", help="folder for the generated book and the store (default: a temp folder)")
    ap.add_argument("--runs", type=int, default=7, help="runs per page query set (median)")
    ap.add_argument("--mode", choices=["store", "memory"], default="store",
                    help="ours: build a store file (default) or the in-memory --data path")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--side", choices=["ours", "pandas"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    work = Path(args.work or Path(tempfile.gettempdir()) / "monitor_bench")
    work.mkdir(parents=True, exist_ok=True)
    if args.side:
        result = side_ours(args.data, work, args.runs, args.mode) if args.side == "ours" \
            else side_pandas(args.data, work)
        (work / f"{args.side}.json").write_text(json.dumps(result, default=str))
        return 0
    from bench_report import print_report
    info = {"machine": machine(), "load_avg_start": os.getloadavg()}
    data = args.data
    if data is None:
        from monitor.generator import write_book
        data = str(work / f"book_{args.loans}_{args.months}.parquet")
        if not Path(data).exists():
            print(f"… generating {args.loans:,} loans × {args.months} months", flush=True)
            info["generate"] = write_book(data, loans=args.loans, months=args.months, seed=args.seed)
    info.update(data=data, data_mb=round(Path(data).stat().st_size / 2**20))
    pandas_res = _run_side("pandas", data, work, args)
    ours_res = _run_side("ours", data, work, args)
    info["checked"] = _check(data, work, ours_res)  # raises on the first difference: no times then
    info["load_avg_end"] = os.getloadavg()
    results = {"info": info, "ours": ours_res, "pandas": pandas_res}
    print_report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
