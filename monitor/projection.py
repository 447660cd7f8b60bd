"""Loss projection from flow rates (迁徙率, DESIGN §2): a bucket vector rolled forward month by month
through a flow-rate vector, and its backtest against what the book did. Pure functions: no database,
no Streamlit.

The model, stated once (the page and the CLI repeat it):
- exposure in M(k+1) at t+1 = exposure in M(k) at t × the M(k)→M(k+1) flow rate, for every k;
- the flow rates are held constant: the latest month's, or the mean of the last 3 months';
- M0 is held at its balance at t: it feeds M1 at the M0→M1 rate every month, and no new business
  adds to it;
- the last bucket (M7, 180+, written off) is open-ended: its flow rate is a stock ratio (it also
  holds loans that stayed there), so the projection gives the M7 balance as that rate defines it.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

METHODS = ("latest", "avg3")
METHOD_LABELS = {"latest": "Latest month's flow rates", "avg3": "Mean flow rates of the last 3 months"}
PROJECTION_COLUMNS = ["k", "month", "bucket_idx", "exposure"]
BACKTEST_COLUMNS = ["origin", "k", "month", "target", "projected", "actual", "error", "pct_error"]
SUMMARY_COLUMNS = ["target", "k", "origins", "mape", "bias", "mean_error"]


def add_months(m: date, k: int) -> date:
    """The first day of the month `k` months after `m` (k may be negative)."""
    n = m.year * 12 + m.month - 1 + k
    return date(n // 12, n % 12 + 1, 1)


def project(start: Sequence[float], rates: Sequence[float], horizon: int = 6) -> np.ndarray:
    """Bucket exposures for months 0 … horizon (rows) from `start` (exposure per bucket at t, M0
    first) and `rates` (the flow rate of each step M(k)→M(k+1), one fewer than buckets). M0 is
    held at start[0]; an undefined rate (NaN) makes the buckets it feeds undefined."""
    b = np.asarray(start, dtype=float)
    f = np.asarray(rates, dtype=float)
    if f.size != b.size - 1:
        raise ValueError(f"{b.size} buckets need {b.size - 1} flow rates, got {f.size}")
    out = np.empty((horizon + 1, b.size))
    out[0] = b
    for k in range(1, horizon + 1):
        out[k, 0] = b[0]
        # M(k+1) next month = M(k) now × its flow rate; 0 × an undefined rate is still 0
        out[k, 1:] = np.where(out[k - 1, :-1] == 0, 0.0, out[k - 1, :-1] * f)
    return out


def projection_frame(start: Sequence[float], rates: Sequence[float], origin: date,
                     horizon: int = 6) -> pd.DataFrame:
    """`project` in long form: one row per (k, month, bucket_idx) with its projected exposure."""
    grid = project(start, rates, horizon)
    rows = [(k, add_months(origin, k), i, float(grid[k, i]))
            for k in range(horizon + 1) for i in range(grid.shape[1])]
    return pd.DataFrame(rows, columns=PROJECTION_COLUMNS)


def flow_vector(flows: pd.DataFrame, month: date, method: str = "latest", steps: int | None = None,
                grp: str = "ALL") -> np.ndarray:
    """The flow rate of every step at `month` (metrics.flow_rates rows, months = the later month):
    'latest' = that month's rates; 'avg3' = the mean of the rates of that month and the two
    before it (undefined months left out). NaN where no month defines a step."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    d = flows[flows["grp"] == grp]
    months = pd.to_datetime(d["snapshot_month"])
    lo = pd.Timestamp(add_months(month, -2 if method == "avg3" else 0))
    d = d[(months >= lo) & (months <= pd.Timestamp(month))]
    steps = steps if steps is not None else int(flows["from_idx"].max()) + 1 if len(flows) else 0
    mean = d.groupby("from_idx")["flow_rate"].mean()
    return np.array([float(mean.get(i, np.nan)) for i in range(steps)])


def bucket_vector(balances: pd.DataFrame, month: date, buckets: int, grp: str = "ALL") -> np.ndarray:
    """Exposure per bucket index 0 … buckets-1 at `month` (metrics.bucket_balance rows); 0 where
    a bucket holds nothing."""
    d = balances[(balances["grp"] == grp) & (pd.to_datetime(balances["snapshot_month"]) == pd.Timestamp(month))]
    sums = d.groupby("bucket_idx")["exposure"].sum()
    return np.array([float(sums.get(i, 0.0)) for i in range(buckets)])


def targets(grid: np.ndarray, npl_idx: int) -> dict[str, np.ndarray]:
    """The two figures the backtest scores, per row of a projection grid: the last bucket (write-off)
    and every bucket from `npl_idx` on (M4+, 90+: the non-performing proxy)."""
    return {"last": grid[:, -1], "npl": grid[:, npl_idx:].sum(axis=1)}


def backtest(balances: pd.DataFrame, flows: pd.DataFrame, buckets: int, npl_idx: int,
             method: str = "latest", horizon: int = 6, grp: str = "ALL") -> pd.DataFrame:
    """Project from every month t that has flow rates and compare with the actual exposure at
    t+k, k = 1 … horizon, wherever t+k is in the book: one row per (origin, k, target) with
    projected, actual, error = projected − actual and pct_error = error / actual (NaN at 0)."""
    have = sorted({pd.Timestamp(m).date() for m in balances.loc[balances["grp"] == grp, "snapshot_month"]})
    origins = sorted({pd.Timestamp(m).date() for m in flows.loc[flows["grp"] == grp, "snapshot_month"]})
    actual = {m: targets(bucket_vector(balances, m, buckets, grp)[None, :], npl_idx) for m in have}
    rows = []
    for origin in origins:
        if origin not in actual:
            continue
        rates = flow_vector(flows, origin, method, buckets - 1, grp)
        projected = targets(project(bucket_vector(balances, origin, buckets, grp), rates, horizon), npl_idx)
        for k in range(1, horizon + 1):
            month = add_months(origin, k)
            if month not in actual:
                continue
            for target in ("last", "npl"):
                p, a = float(projected[target][k]), float(actual[month][target][0])
                err = p - a
                rows.append((origin, k, month, target, p, a, err, err / a if a else np.nan))
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


def backtest_summary(bt: pd.DataFrame) -> pd.DataFrame:
    """Per target and horizon k: origins scored, mean absolute % error (MAPE), mean % error
    (bias: positive = the projection ran high) and the mean error in money."""
    if bt.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    g = bt.groupby(["target", "k"], sort=True)
    out = pd.DataFrame({
        "origins": g["pct_error"].count(),
        "mape": g["pct_error"].apply(lambda s: s.abs().mean()),
        "bias": g["pct_error"].mean(),
        "mean_error": g["error"].mean(),
    }).reset_index()
    return out[SUMMARY_COLUMNS]


def target_history(balances: pd.DataFrame, buckets: int, npl_idx: int, origin: date, months: int = 12,
                   grp: str = "ALL") -> pd.DataFrame:
    """Actual exposure of the two targets ('last', 'npl') for the `months` months up to `origin`
    (months the book lacks are left out): month, target, exposure."""
    have = {pd.Timestamp(m).date() for m in balances.loc[balances["grp"] == grp, "snapshot_month"]}
    rows = []
    for k in range(-months + 1, 1):
        m = add_months(origin, k)
        if m in have:
            tg = targets(bucket_vector(balances, m, buckets, grp)[None, :], npl_idx)
            rows += [(m, name, float(v[0])) for name, v in tg.items()]
    return pd.DataFrame(rows, columns=["month", "target", "exposure"])


def target_frame(proj: pd.DataFrame, npl_idx: int) -> pd.DataFrame:
    """The two targets per month of a `projection_frame` (k = 0 included, so that the projected line
    starts at the last actual point); empty when the projection is undefined."""
    rows = []
    for (_, month), g in proj.groupby(["k", "month"], sort=True):
        e = g.sort_values("bucket_idx")["exposure"].to_numpy(float)
        rows += [(month, "last", e[-1]), (month, "npl", e[npl_idx:].sum())]
    out = pd.DataFrame(rows, columns=["month", "target", "exposure"])
    return out.iloc[0:0] if out["exposure"].iloc[2:].isna().all() else out


def projection_table(proj: pd.DataFrame, buckets: list[str], npl_idx: int) -> pd.DataFrame:
    """Months ahead (rows, 'YYYY-MM') × projected exposure per delinquent bucket, plus the M4+ total:
    the table beside the projection chart. Empty when every projected figure is undefined."""
    d = proj[proj["k"] > 0]
    if d.empty or d.loc[d["bucket_idx"] > 0, "exposure"].isna().all():
        return pd.DataFrame(columns=["month"])
    wide = d.pivot(index="month", columns="bucket_idx", values="exposure").sort_index()
    out = pd.DataFrame({"month": [f"{m:%Y-%m}" for m in wide.index]})
    for i, b in enumerate(buckets[1:], start=1):
        out[b] = wide[i].to_numpy()
    out[f"{buckets[npl_idx]}+"] = wide[list(range(npl_idx, len(buckets)))].sum(axis=1, min_count=1).to_numpy()
    return out


def summary_table(summary: pd.DataFrame, names: dict[str, str], mape: str = "MAPE",
                  bias: str = "bias") -> pd.DataFrame:
    """The backtest summary side by side: k, origins, and per target its mean absolute % error and
    bias (column names end in '%' so that a page formats them as percentages)."""
    out = None
    for target in ("npl", "last"):
        d = summary[summary["target"] == target].set_index("k")
        part = pd.DataFrame({f"{names[target]} {mape} %": d["mape"], f"{names[target]} {bias} %": d["bias"]})
        out = part if out is None else out.join(part, how="outer")
    origins = summary.groupby("k")["origins"].max()
    out.insert(0, "origins", origins)
    return out.rename_axis("k").reset_index()


def npl_index(levels: Sequence[str], buckets: int) -> int:
    """Bucket index where the non-performing proxy starts: M4+ (DPD ≥ 91, DESIGN §2) when the scheme
    has that level, else the middle bucket."""
    return int("M4+"[1:-1]) if "M4+" in levels else buckets // 2


def steps_above(rates: Sequence[float], buckets: Sequence[str], limit: float = 1.0) -> list[str]:
    """The steps 'M1→M2' whose flow rate is above `limit` (100%): more exposure arrives than the
    bucket before held, because loans skip buckets or the bucket also holds loans that stayed; a
    chain through such a step overstates the projection."""
    return [f"{buckets[i]}→{buckets[i + 1]}" for i, r in enumerate(rates) if not np.isnan(r) and r > limit]
