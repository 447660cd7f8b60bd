"""Pure reshaping for the Bucket migration page: the metric frames of monitor.metrics turned into the
grids and tables the page draws. No database, no Streamlit."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

EXITED = "exited"
MATRIX_COLUMNS = ["from_idx", "from_bucket", "to_idx", "to_bucket", "loans", "exposure_from",
                  "share_loans", "share_exposure"]
PROJECTION_COLUMNS = ["from_idx", "bucket", "exposure", "chained_flow", "projected_loss"]


def prev_month(m: date) -> date:
    """The first day of the calendar month before `m`."""
    return date(m.year - 1, 12, 1) if m.month == 1 else date(m.year, m.month - 1, 1)


def to_months(book_months: Sequence[date], first: date, last: date) -> list[date]:
    """Months in [first, last] whose previous calendar month is in the book (a t−1 → t pair exists)."""
    have = set(book_months)
    return [m for m in book_months if first <= m <= last and prev_month(m) in have]


def matrix_cells(tm: pd.DataFrame, buckets: Sequence[str], grp: str = "ALL") -> pd.DataFrame:
    """One to-month's moves of `grp` as the full grid: every from-bucket × (every bucket + exited),
    zeros filled, with each cell's share of its from-bucket row by count and by t−1 exposure."""
    moved = tm[(tm["grp"] == grp) & (tm["from_idx"] >= 0)]
    sums = moved.groupby(["from_idx", "to_idx"])[["loans", "exposure_from"]].sum()
    to_side = [(i, b) for i, b in enumerate(buckets)] + [(-1, EXITED)]
    grid = pd.DataFrame([(fi, fb, ti, tb) for fi, fb in enumerate(buckets) for ti, tb in to_side],
                        columns=["from_idx", "from_bucket", "to_idx", "to_bucket"])
    grid = grid.join(sums, on=["from_idx", "to_idx"])
    grid["loans"] = grid["loans"].fillna(0).astype("int64")
    grid["exposure_from"] = grid["exposure_from"].fillna(0.0).astype(float)
    for value, share in (("loans", "share_loans"), ("exposure_from", "share_exposure")):
        total = grid.groupby("from_idx")[value].transform("sum")
        grid[share] = (grid[value] / total.where(total > 0)).astype(float)
    return grid[MATRIX_COLUMNS]


def row_totals(cells: pd.DataFrame) -> pd.DataFrame:
    """Loans and t−1 exposure per from-bucket (the matrix's row sums), in bucket order."""
    return (cells.groupby(["from_idx", "from_bucket"], as_index=False)[["loans", "exposure_from"]].sum()
            .sort_values("from_idx", ignore_index=True))


def new_and_exited(tm: pd.DataFrame, grp: str = "ALL") -> dict[str, float]:
    """Loans new at t (count, exposure at t) and loans exited by t (count, exposure at t−1)."""
    g = tm[tm["grp"] == grp]
    new, gone = g[g["from_idx"] < 0], g[(g["from_idx"] >= 0) & (g["to_idx"] < 0)]
    return {"new_loans": int(new["loans"].sum()), "new_exposure": float(new["exposure_to"].sum()),
            "exited_loans": int(gone["loans"].sum()), "exited_exposure": float(gone["exposure_from"].sum())}


def roll_cure_series(rc: pd.DataFrame, basis: str, last_idx: int, grp: str = "ALL") -> pd.DataFrame:
    """Roll and cure rate per to-month and from-bucket on `basis` ('balance' or 'count'). The last
    bucket cannot roll further and M0 cannot cure: those rates are left empty (NaN), not 0."""
    if basis not in ("balance", "count"):
        raise ValueError("basis must be 'balance' or 'count'")
    suffix = "_count" if basis == "count" else ""
    d = rc[rc["grp"] == grp]
    out = pd.DataFrame({"to_month": d["to_month"], "from_idx": d["from_idx"], "from_bucket": d["from_bucket"],
                        "roll_rate": d[f"roll_rate{suffix}"].astype(float).where(d["from_idx"] < last_idx),
                        "cure_rate": d[f"cure_rate{suffix}"].astype(float).where(d["from_idx"] > 0)})
    return out.sort_values(["from_idx", "to_month"], ignore_index=True)


def step_label(from_bucket: str, to_bucket: str) -> str:
    return f"{from_bucket}→{to_bucket}"


def flow_table(fr: pd.DataFrame, grp: str = "ALL") -> pd.DataFrame:
    """Months (rows, 'YYYY-MM', latest first) × steps M0→M1 … (columns, scheme order) of the
    aggregate flow rate."""
    d = fr[fr["grp"] == grp].sort_values(["snapshot_month", "from_idx"])
    if d.empty:
        return pd.DataFrame(columns=["month"])
    steps = d.drop_duplicates("from_idx").sort_values("from_idx")
    order = [step_label(r.from_bucket, r.to_bucket) for r in steps.itertuples()]
    d = d.assign(step=[step_label(a, b) for a, b in zip(d["from_bucket"], d["to_bucket"])],
                 month=pd.to_datetime(d["snapshot_month"]).dt.strftime("%Y-%m"))
    wide = d.pivot(index="month", columns="step", values="flow_rate").reindex(columns=order)
    wide.columns.name = None
    return wide.sort_index(ascending=False).reset_index()


def loss_projection(chain: pd.DataFrame, balances: pd.DataFrame, month: date,
                    grp: str = "ALL") -> pd.DataFrame:
    """For `month`: each bucket's exposure at t, its chained flow to the last bucket (net flow to
    write-off) and the projected write-off = exposure × chained flow. Empty when the month has no
    flow rates."""
    ts = pd.Timestamp(month)
    c = chain[(pd.to_datetime(chain["snapshot_month"]) == ts) & (chain["grp"] == grp)]
    b = balances[(pd.to_datetime(balances["snapshot_month"]) == ts) & (balances["grp"] == grp)]
    if c.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    exposure = b.groupby("bucket_idx")["exposure"].sum()
    out = c[["from_idx", "from_bucket", "chained_flow"]].rename(columns={"from_bucket": "bucket"})
    out = out.sort_values("from_idx", ignore_index=True)
    out["exposure"] = out["from_idx"].map(exposure).fillna(0.0).astype(float)
    out["chained_flow"] = out["chained_flow"].astype(float)
    # a bucket with no exposure projects no loss, even where its chain is undefined
    out["projected_loss"] = (out["exposure"] * out["chained_flow"]).where(out["exposure"] > 0, 0.0)
    return out[PROJECTION_COLUMNS]


def projection_total(proj: pd.DataFrame) -> dict:
    """The projected write-off summed over the buckets and its share of their exposure, plus the
    buckets left out because their chain is undefined (a later bucket held no exposure at t−1)."""
    undefined = proj.loc[proj["projected_loss"].isna(), "bucket"].tolist()
    exposure = float(proj["exposure"].sum())
    loss = float(proj["projected_loss"].sum()) if len(proj) > len(undefined) else None
    share = loss / exposure if loss is not None and exposure > 0 else None
    return {"exposure": exposure, "projected_loss": loss, "share": share, "undefined": undefined}


def merge_marks(*marks: dict[str, dict]) -> dict[str, dict]:
    """Join per-bucket rule marks of several metrics (a bucket's roll and cure rules share a panel)."""
    out: dict[str, dict] = {}
    for m in marks:
        for bucket, mark in m.items():
            if bucket in out:
                out[bucket] = {"thresholds": out[bucket]["thresholds"] + mark["thresholds"],
                               "points": pd.concat([out[bucket]["points"], mark["points"]], ignore_index=True)}
            else:
                out[bucket] = mark
    return out


def flow_styler(flows: pd.DataFrame, marks: dict[str, dict], next_bucket: dict[str, str], month_label: str):
    """The flow-rate table as %, with the cells that breach a flow rule filled (amber / red)."""
    from .views_overview import BREACH_CSS
    steps = [c for c in flows.columns if c != "month"]
    css = pd.DataFrame("", index=flows.index, columns=flows.columns)
    rank = {"warn": 1, "critical": 2}
    for bucket, mark in marks.items():
        col = step_label(bucket, next_bucket.get(bucket, "?"))
        if col not in css.columns:
            continue
        for p in mark["points"].itertuples():
            rows = flows.index[flows["month"] == f"{p.x:%Y-%m}"]
            for r in rows:
                old = css.loc[r, col]
                if not old or rank[p.severity] > rank["critical" if "991B1B" in old else "warn"]:
                    css.loc[r, col] = BREACH_CSS[p.severity]
    shown = flows.rename(columns={"month": month_label})
    css = css.rename(columns={"month": month_label})
    return shown.style.format("{:.2%}", subset=steps, na_rep="—").apply(lambda _: css, axis=None)
