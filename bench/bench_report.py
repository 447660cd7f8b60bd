"""Print the benchmark's results: times and ratios against pandas, RSS, page query medians."""
from __future__ import annotations

PAGES = ("overview", "trends", "migration", "vintage", "segments", "alerts")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "—"


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(step, ours, pandas, ours / pandas) lines of the time and memory table."""
    ours, pd_ = results["ours"], results["pandas"]
    p = pd_["steps"]
    pandas_cubes = sum(p[k]["seconds"] for k in ("summary", "transitions", "vintage"))
    our_cubes = sum(c["seconds"] for c in ours["cubes"].values())
    out = [("load + validation (pandas: read)", f"{ours['load_seconds']:.1f}", f"{p['read']['seconds']:.1f}",
            _ratio(ours["load_seconds"], p["read"]["seconds"]))]
    for name, c in ours["cubes"].items():
        out.append((f"  {name}", f"{c['seconds']:.1f}", "", ""))
    out.append(("all cubes (pandas: summary + transitions + vintage)", f"{our_cubes:.1f}",
                f"{pandas_cubes:.1f}", _ratio(our_cubes, pandas_cubes)))
    total, ptotal = ours["build"]["seconds"], pd_["total"]["seconds"]
    out.append(("total, wall", f"{total:.1f}", f"{ptotal:.1f}", _ratio(total, ptotal)))
    out.append(("total, CPU seconds", f"{ours['build']['cpu_seconds']:.1f}", f"{pd_['total']['cpu_seconds']:.1f}",
                _ratio(ours["build"]["cpu_seconds"], pd_["total"]["cpu_seconds"])))
    out.append(("peak RSS, MB", f"{ours['rss_mb']:,}", f"{pd_['rss_mb']:,}",
                _ratio(ours["rss_mb"], pd_["rss_mb"])))
    return out


def print_report(results: dict) -> None:
    info, ours, pd_ = results["info"], results["ours"], results["pandas"]
    m = info["machine"]
    print()
    print(f"book: {info['data']} ({info['data_mb']} MB): {ours['rows']:,} rows, {ours['loans']:,} loans, "
          f"{ours['months']} months")
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; load average 1 min: start "
          f"{info['load_avg_start'][0]:.2f}, pandas {pd_['load_avg'][0]:.2f}→{pd_['load_avg'][1]:.2f}, "
          f"ours {ours['load_avg'][0]:.2f}→{ours['load_avg'][1]:.2f}")
    checked = ", ".join(f"{k} {v:,} records" for k, v in info["checked"].items())
    print(f"outputs checked equal to pandas: {checked}")
    store = (f", store {ours['store_mb']} MB, opened in {ours['open_store']['seconds'] * 1000:.0f} ms"
             if "store_mb" in ours else "")
    print(f"ours: mode {ours['mode']}{store}")
    print()
    table = rows(results)
    w = max(len(r[0]) for r in table)
    print(f"{'step':<{w}}  {'ours':>9}  {'pandas':>9}  {'ratio':>6}")
    for step, a, b, r in table:
        print(f"{step:<{w}}  {a:>9}  {b:>9}  {r:>6}")
    print()
    print("load steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in ours["load_steps"].items()))
    print()
    filters = list(next(iter(ours["pages"].values())))
    print(f"{'page queries, median ms':<24}" + "".join(f"{f:>14}" for f in filters))
    for page in PAGES:
        print(f"{page:<24}" + "".join(f"{ours['pages'][page][f]['median_ms']:>14.1f}" for f in filters))
    slowest = sorted(((q, ms, page) for page in PAGES for f in filters
                      for q, ms in ours["pages"][page][f]["queries_ms"].items()), key=lambda t: -t[1])[:5]
    print("slowest queries (ms): " + ", ".join(f"{page}/{q} {ms:.0f}" for q, ms, page in slowest))
