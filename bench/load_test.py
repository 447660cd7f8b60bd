"""Load test: N concurrent browser sessions against one dashboard server (not a CI test).

    python bench/load_test.py --sessions 20                     # starts a server on the sample book
    python bench/load_test.py --sessions 20 --url http://127.0.0.1:8501   # an already running server
    python bench/load_test.py --sessions 20 --json out.json --cold        # include the book's first load

Each session is its own browser context (its own Streamlit session) in one headless Chromium
(Debian's, flags as in tests/test_browser.py). It opens the Overview, then visits every page through
the sidebar navigation, changes a sidebar filter (product = 消费分期) on the trends page and
visits every page again with the filter on. A page's render time runs from the click (or the
navigation) until the script has finished (`data-test-script-state` went to running and back to
notRunning), no skeleton is left, and every Plotly chart on the page has drawn its SVG. Errors: a
page showing an exception or an error box, and any timeout. Prints p50/p95 overall and per page.

By default one warm-up session opens every page first, as a server that has been up for a while
has done (the book is loaded and each page's cached queries exist); --cold leaves that out, so
the first sessions wait for the book to load.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from monitor import devserver  # noqa: E402

CHROMIUM = devserver.CHROMIUM
FLAGS = [*devserver.BROWSER_FLAGS, "--disable-dev-shm-usage",
         # many pages at once: none of them may be throttled as a background tab (Plotly draws on rAF)
         "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
         "--disable-backgrounding-occluded-windows"]
PAGES = ["overview", "trends", "migration", "vintage", "segments", "alerts", "collections", "data"]
FILTER_PRODUCT = "消费分期"

# set before an action: catches the script going to "running", however briefly
_WATCH = """() => {
  window.__ran = false;
  // a page switch is also seen by its title: a cached page can run so fast that the script state
  // never shows "running" in the DOM (React batches running -> notRunning into one render)
  window.__title = (document.querySelector('h1') || {}).innerText || null;
  window.__url = location.href;  // and a filter by the URL the sidebar rewrites
  const app = document.querySelector("[data-testid='stApp']");
  if (window.__obs) window.__obs.disconnect();
  // a fast rerun can go running -> notRunning within one batch of records: read the old values too
  // the whole document, not the stApp node alone: a page switch can replace that node, and an
  // observer on the old one would never see the new page's run
  window.__obs = new MutationObserver((records) => {
    for (const r of records) {
      const now = r.target.getAttribute && r.target.getAttribute('data-test-script-state');
      if (r.oldValue === 'running' || now === 'running') window.__ran = true;
    }
  });
  window.__obs.observe(document.documentElement, {attributes: true, attributeOldValue: true, subtree: true,
                                                  attributeFilter: ['data-test-script-state']});
}"""
_DONE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return false;  // the page is still loading
  const title = (document.querySelector('h1') || {}).innerText || null;
  const switched = window.__title !== undefined && ((title !== null && title !== window.__title)
                                                   || location.href !== window.__url);
  if (!(window.__ran || switched) || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  return Array.from(charts).every(c => c.querySelector('.main-svg'));
}"""
# the first page of a session: nothing to watch yet, so wait for its charts to exist at all
_FIRST_DONE = _DONE.replace("!(window.__ran || switched) || ", "").replace(
    "return Array.from(charts)", "return charts.length > 0 && Array.from(charts)")


async def _problems(page) -> list[str]:
    out = await page.locator("[data-testid='stException']").all_inner_texts()
    out += [t for t in await page.locator("[data-testid='stAlertContentError']").all_inner_texts()]
    return [t.strip().splitlines()[0][:160] for t in out if t.strip()]


async def _state(page) -> dict:
    """What the page showed when a step failed: URL, script state, charts drawn, dialogs."""
    try:
        return await page.evaluate("""() => {
          const app = document.querySelector("[data-testid='stApp']");
          const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
          return {url: location.href, script: app && app.getAttribute('data-test-script-state'),
                  ran: window.__ran, charts: charts.length,
                  drawn: Array.from(charts).filter(c => c.querySelector('.main-svg')).length,
                  dialog: !!document.querySelector("[role='dialog']"),
                  title: (document.querySelector('h1') || {}).innerText || null};
        }""")
    except Exception as e:  # the page is gone
        return {"error": type(e).__name__}


async def _timed(page, action, timeout_ms: int, first: bool = False) -> float:
    """Seconds from `action` until the page has rendered (see the module docstring)."""
    if not first:
        await page.evaluate(_WATCH)
    t0 = time.perf_counter()
    await action()
    await page.wait_for_function(_FIRST_DONE if first else _DONE, timeout=timeout_ms, polling=50)
    return time.perf_counter() - t0


async def session(browser, base: str, idx: int, timeout_ms: int, log: list[dict], delay: float = 0.0) -> None:
    """One user: every page, a sidebar filter, every page again (starting `delay` seconds in)."""
    await asyncio.sleep(delay)
    ctx = await browser.new_context(viewport={"width": 1440, "height": 1200})
    ctx.set_default_timeout(timeout_ms)  # clicks and navigations wait as long as a render may take
    page = await ctx.new_page()

    async def record(name: str, step: str, action, first: bool = False) -> None:
        entry = {"session": idx, "page": name, "step": step}
        try:
            entry["seconds"] = await _timed(page, action, timeout_ms, first)
            entry["problems"] = await _problems(page)
        except Exception as e:  # a timeout or a closed page: an error of this step
            entry["seconds"], entry["problems"] = None, [f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"]
        if entry["seconds"] is None or entry["problems"]:
            entry["state"] = await _state(page)
        log.append(entry)

    nav = page.locator("[data-testid='stSidebarNavLink']")
    try:
        await record("overview", "open", lambda: page.goto(f"{base}/", wait_until="commit"), first=True)
        for name in PAGES[1:]:
            await record(name, "visit", lambda n=name: nav.nth(PAGES.index(n)).click())
        await record("trends", "visit", lambda: nav.nth(PAGES.index("trends")).click())

        async def choose_product() -> None:
            box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
            await box.locator("input").click()
            await page.keyboard.type(FILTER_PRODUCT)
            await page.keyboard.press("Enter")
        await record("trends", "filter", choose_product)
        for name in [p for p in PAGES if p != "trends"]:
            await record(name, "filtered", lambda n=name: nav.nth(PAGES.index(n)).click())
    finally:
        await ctx.close()


def pct(values: list[float], q: float) -> float:
    """The q-quantile (inclusive method; the max for a handful of values)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def summarise(log: list[dict], wall: float, sessions: int) -> dict:
    ok = [e["seconds"] for e in log if e["seconds"] is not None]
    errors = [e for e in log if e["seconds"] is None or e["problems"]]
    by_page = {}
    for name in PAGES:
        xs = [e["seconds"] for e in log if e["page"] == name and e["seconds"] is not None]
        if xs:
            by_page[name] = {"n": len(xs), "p50": round(pct(xs, 0.5), 2), "p95": round(pct(xs, 0.95), 2),
                             "max": round(max(xs), 2)}
    filt = [e["seconds"] for e in log if e["step"] == "filter" and e["seconds"] is not None]
    return {
        "sessions": sessions, "renders": len(log), "errors": len(errors),
        "error_examples": [{k: e[k] for k in ("session", "page", "step", "problems")} for e in errors[:10]],
        "p50": round(pct(ok, 0.5), 2) if ok else None, "p95": round(pct(ok, 0.95), 2) if ok else None,
        "max": round(max(ok), 2) if ok else None,
        "filter_p50": round(pct(filt, 0.5), 2) if filt else None,
        "filter_p95": round(pct(filt, 0.95), 2) if filt else None,
        "wall_seconds": round(wall, 1), "by_page": by_page,
    }


async def run(base: str, sessions: int, timeout_ms: int, warm: bool, ramp: float = 0.0) -> dict:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        if warm:
            await session(browser, base, -1, timeout_ms, [])
        log: list[dict] = []
        t0 = time.perf_counter()
        await asyncio.gather(*(session(browser, base, i, timeout_ms, log, i * ramp) for i in range(sessions)))
        wall = time.perf_counter() - t0
        await browser.close()
    return summarise(log, wall, sessions) | {"log": log}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--url", help="a running server (default: start one on --data)")
    ap.add_argument("--data", default=str(ROOT / "sample_data" / "sample_book.parquet"))
    ap.add_argument("--timeout", type=float, default=180, help="seconds a page may take before it counts as an error")
    ap.add_argument("--ramp", type=float, default=0.0,
                    help="seconds between session starts (0: every session opens the app at once)")
    ap.add_argument("--cold", action="store_true", help="no warm-up session: the first sessions load the book")
    ap.add_argument("--json", help="write the summary and every render's time here")
    a = ap.parse_args()
    proc = None
    if a.url:
        base = a.url.rstrip("/")
    else:
        try:
            proc, base = devserver.start(a.data)
        except RuntimeError as e:
            sys.exit(str(e))
    try:
        load0 = os.getloadavg()[0]
        out = asyncio.run(run(base, a.sessions, int(a.timeout * 1000), warm=not a.cold, ramp=a.ramp))
        out["ramp_seconds"] = a.ramp
        out["load_average"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
        out["cold"] = a.cold
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = {k: v for k, v in out.items() if k != "log"}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
