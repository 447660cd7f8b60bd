"""The same outputs in plain pandas, written as a competent analyst would: the benchmark's yardstick.

Reads only the columns it needs (dates as datetime64, text as categoricals), buckets DPD with
numpy, and builds the monthly summary per product (plus ALL), the transition matrix per month
pair and product (an outer merge of t-1 onto t on loan and month), and the vintage curve of one
level. The definitions are DESIGN §2's; `compare.py` checks these frames against the app's records
before any time is reported.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["snapshot_month", "loan_id", "outstanding_balance", "days_past_due", "product",
           "origination_month", "principal", "overdue_amount"]
LEVELS = {"M1+": 1, "M2+": 2, "M3+": 3, "M4+": 4}
# China scheme (DESIGN §2): M0 = DPD 0, M1 = 1-30, ..., M7 = over 180; bucket = edges passed
CN_EDGES = np.array([1, 31, 61, 91, 121, 151, 181])
BUCKETS = [f"M{i}" for i in range(8)]


def load(path: str) -> pd.DataFrame:
    """The snapshot columns, with month indexes (year * 12 + month), exposure and bucket."""
    df = pd.read_parquet(path, columns=COLUMNS, to_pandas_kwargs={"date_as_object": False})
    df["product"] = df["product"].astype("category")
    month = df.pop("snapshot_month")
    df["m"] = (month.dt.year * 12 + month.dt.month - 1).astype(np.int32)
    orig = df.pop("origination_month")
    df["o"] = (orig.dt.year * 12 + orig.dt.month - 1).astype("Int32")
    df["exposure"] = df.pop("outstanding_balance").fillna(0).clip(lower=0)
    df["bucket"] = np.searchsorted(CN_EDGES, df.pop("days_past_due").to_numpy(), side="right").astype(np.int8)
    return df


def _with_all(df: pd.DataFrame, keys: list[str], agg: dict) -> pd.DataFrame:
    """Aggregate by `keys` per product and for the whole book (product 'ALL')."""
    per = df.groupby(keys + ["product"], observed=True, sort=False).agg(**agg).reset_index()
    whole = df.groupby(keys, sort=False).agg(**agg).reset_index().assign(product="ALL")
    return pd.concat([whole, per.astype({"product": str})], ignore_index=True)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per month and product (plus ALL): loans, balance, overdue amount, overdue balance, coincident,
    count and lagged rates at every level."""
    cells = _with_all(df, ["m", "bucket"], {"loans": ("exposure", "size"), "balance": ("exposure", "sum"),
                                            "overdue": ("overdue_amount", "sum")})
    wide = cells.pivot_table(index=["m", "product"], columns="bucket", values=["loans", "balance"],
                             aggfunc="sum", fill_value=0)
    out = pd.DataFrame({
        "loans": wide["loans"].sum(axis=1),
        "balance": wide["balance"].sum(axis=1),
        "overdue_amount": cells.groupby(["m", "product"])["overdue"].sum(),
    })
    for level, k in LEVELS.items():
        deep = [b for b in wide["balance"].columns if b >= k]
        out[f"overdue_balance_{level}"] = wide["balance"][deep].sum(axis=1)
        out[f"overdue_loans_{level}"] = wide["loans"][deep].sum(axis=1)
    out = out.reset_index()
    for level, k in LEVELS.items():
        out[f"rate_{level}"] = out[f"overdue_balance_{level}"] / out["balance"].replace(0, np.nan)
        out[f"count_rate_{level}"] = out[f"overdue_loans_{level}"] / out["loans"].replace(0, np.nan)
        # lagged: the same numerator over the balance k calendar months earlier
        earlier = out[["m", "product", "balance"]].assign(m=out["m"] + k)
        lagged = out[["m", "product"]].merge(earlier, on=["m", "product"], how="left")["balance"]
        out[f"lagged_rate_{level}"] = out[f"overdue_balance_{level}"] / lagged.replace(0, np.nan).to_numpy()
    return out


def transitions(df: pd.DataFrame) -> pd.DataFrame:
    """Per to-month and product (plus ALL): loans and t-1 / t exposure per from -> to bucket, with
    'exited' (absent at t) and 'new' (absent at t-1); only pairs of consecutive book months. One
    outer merge on loan_id per month pair (one merge of the whole book would need several times
    the memory at 58M rows)."""
    cols = ["loan_id", "bucket", "exposure", "product"]
    by_month = {m: g[cols] for m, g in df.groupby("m", sort=True)}
    parts = []
    for m, cur in by_month.items():
        prev = by_month.get(m - 1)
        if prev is None:
            continue
        pairs = prev.merge(cur, on="loan_id", how="outer", suffixes=("_from", "_to"))
        pairs["m"] = m
        pairs["product"] = pairs["product_from"].astype(object).fillna(pairs["product_to"].astype(object))
        pairs["from_bucket"] = pairs["bucket_from"].fillna(-1).astype(np.int8)
        pairs["to_bucket"] = pairs["bucket_to"].fillna(-1).astype(np.int8)
        pairs["exposure_from"] = pairs["exposure_from"].fillna(0)
        pairs["exposure_to"] = pairs["exposure_to"].fillna(0)
        parts.append(_with_all(pairs, ["m", "from_bucket", "to_bucket"],
                               {"loans": ("exposure_from", "size"), "exposure_from": ("exposure_from", "sum"),
                                "exposure_to": ("exposure_to", "sum")}))
    return pd.concat(parts, ignore_index=True)


def vintage(df: pd.DataFrame, level: str = "M2+") -> pd.DataFrame:
    """Per cohort and observed MOB: exposure at the level / principal originated, and the share of
    the cohort's loans ever at the level by that MOB."""
    k = LEVELS[level]
    first, last = int(df["m"].min()), int(df["m"].max())
    v = df[df["o"].notna() & (df["o"] <= df["m"])].copy()
    v["o"] = v["o"].astype(np.int32)
    v["mob"] = v["m"] - v["o"]
    # the cohort counts a loan once, with its first snapshot's principal
    firsts = v.sort_values("m", kind="stable").drop_duplicates("loan_id")
    cohorts = firsts.groupby("o").agg(cohort_loans=("loan_id", "size"), principal=("principal", "sum"))
    late = v["bucket"] >= k
    level_exp = v["exposure"].where(late, 0.0).groupby([v["o"], v["mob"]]).sum().rename("level_exposure")
    reached = v[late].groupby("loan_id").agg(o=("o", "min"), mob=("mob", "min"))
    firsts_at = reached.groupby(["o", "mob"]).size().rename("reached")
    grid = pd.DataFrame([(o, mob) for o in cohorts.index for mob in range(max(0, first - o), last - o + 1)],
                        columns=["o", "mob"])
    out = grid.join(cohorts, on="o").join(level_exp, on=["o", "mob"]).join(firsts_at, on=["o", "mob"])
    out[["level_exposure", "reached"]] = out[["level_exposure", "reached"]].fillna(0)
    out["ever_loans"] = out.groupby("o")["reached"].cumsum().astype(np.int64)
    out["rate"] = out["level_exposure"] / out["principal"].replace(0, np.nan)
    out["ever_rate"] = out["ever_loans"] / out["cohort_loans"]
    out["immature"] = out["mob"] < k
    out["left_censored"] = out["o"] < first
    return out.drop(columns="reached")


def run(path: str) -> dict[str, pd.DataFrame]:
    """Every output from the file: what the benchmark times."""
    df = load(path)
    return {"summary": summary(df), "transitions": transitions(df), "vintage": vintage(df)}
