"""Regulatory views (DESIGN §2): the five-tier classification (五级分类), the IFRS 9 stage mix with its
stage 2 / stage 3 transfer rates, and the NPL ratio. The DPD mapping is configuration
(definitions.toml [classifications]): the cubes' DPD bands roll up to the classes through
scheme_band, so `metrics.bucket_balance` and `metrics.transition_matrix` serve them with
scheme = 'five_tier' / 'ifrs9'. Pure reshaping here, plus the CLI's records.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from . import metrics as m
from .definitions import Scheme, load_definitions

FIVE_TIER, IFRS9 = "five_tier", "ifrs9"
# The English names of the five tiers (the loan classification of the CBIRC rules), for English readers.
FIVE_TIER_EN = {"正常": "Pass", "关注": "Special mention", "次级": "Substandard", "可疑": "Doubtful", "损失": "Loss"}
MIX_COLUMNS = ["snapshot_month", "grp", "bucket_idx", "bucket", "loans", "exposure", "share", "count_share"]
NPL_COLUMNS = ["snapshot_month", "grp", "loans", "exposure", "npl_loans", "npl_exposure", "npl_ratio",
               "npl_count_ratio"]
TRANSFER_COLUMNS = ["to_month", "from_month", "grp", "stage1_prev", "stage1_to_2", "stage2_transfer_rate",
                    "stage2_prev", "stage2_to_3", "stage3_transfer_rate"]


def classification(key: str) -> Scheme:
    """A regulatory classification of definitions.toml ('five_tier' or 'ifrs9')."""
    defs = load_definitions()
    if key not in defs.classifications:
        raise KeyError(f"no classification {key!r} in the definitions; have {', '.join(defs.classifications)}")
    return defs.classifications[key]


def scoped(scope: m.Scope, key: str) -> m.Scope:
    """The same filters, read in the classes of `key` instead of the delinquency buckets."""
    return replace(scope, scheme=key)


def mapping(key: str, lang: str = "zh") -> pd.DataFrame:
    """The active mapping, for display next to a view: class and its DPD range ('0', '1–90', '>180');
    in English a five-tier class also gives its English name ('次级 Substandard')."""
    s = classification(key)
    names = [f"{b} {FIVE_TIER_EN[b]}" if lang == "en" and b in FIVE_TIER_EN else b for b in s.buckets]
    return pd.DataFrame({"class": names, "dpd": [s.range_text(i) for i in range(len(s.buckets))]})


def npl_index(key: str = FIVE_TIER) -> int:
    """Index of the first non-performing class (npl_from in the definitions: 次级)."""
    s = classification(key)
    if s.npl_from is None:
        raise KeyError(f"classification {key!r} defines no npl_from")
    return s.buckets.index(s.npl_from)


def class_mix(bb: pd.DataFrame, key: str) -> pd.DataFrame:
    """Exposure and loans per month, group and class (every class present, zeros filled), with the
    class's share of the group's exposure and of its loans. `bb`: metrics.bucket_balance rows read
    with scheme = key."""
    s = classification(key)
    if bb.empty:
        return pd.DataFrame(columns=MIX_COLUMNS)
    keys = bb[["snapshot_month", "grp"]].drop_duplicates()
    classes = pd.DataFrame({"bucket_idx": range(len(s.buckets)), "bucket": list(s.buckets)})
    grid = keys.merge(classes, how="cross")
    sums = bb.groupby(["snapshot_month", "grp", "bucket_idx"], as_index=False)[["loans", "exposure"]].sum()
    out = grid.merge(sums, on=["snapshot_month", "grp", "bucket_idx"], how="left")
    out["loans"] = out["loans"].fillna(0).astype("int64")
    out["exposure"] = out["exposure"].fillna(0.0).astype(float)
    tot = out.groupby(["snapshot_month", "grp"])[["exposure", "loans"]].transform("sum")
    out["share"] = out["exposure"] / tot["exposure"].where(tot["exposure"] > 0)
    out["count_share"] = out["loans"] / tot["loans"].where(tot["loans"] > 0)
    return out[MIX_COLUMNS].reset_index(drop=True)


def npl_ratio(mix: pd.DataFrame, npl_idx: int) -> pd.DataFrame:
    """NPL ratio per month and group: exposure in classes from `npl_idx` on (次级 + 可疑 + 损失) over
    the total, and the same by count."""
    if mix.empty:
        return pd.DataFrame(columns=NPL_COLUMNS)
    d = mix.assign(npl_loans=mix["loans"].where(mix["bucket_idx"] >= npl_idx, 0),
                   npl_exposure=mix["exposure"].where(mix["bucket_idx"] >= npl_idx, 0.0))
    out = d.groupby(["snapshot_month", "grp"], as_index=False, sort=False)[
        ["loans", "exposure", "npl_loans", "npl_exposure"]].sum()
    out["npl_ratio"] = out["npl_exposure"] / out["exposure"].where(out["exposure"] > 0)
    out["npl_count_ratio"] = out["npl_loans"] / out["loans"].where(out["loans"] > 0)
    return out[NPL_COLUMNS]


def stage_transfers(tm: pd.DataFrame) -> pd.DataFrame:
    """Stage transfer rates month on month from the IFRS 9 transition matrix (metrics.transition_matrix
    rows read with scheme = 'ifrs9'): stage 2 transfer rate = share of stage-1 exposure at t−1 that
    is in stage 2 at t; stage 3 transfer rate = share of stage-2 exposure at t−1 in stage 3 at t.
    Exposure is t−1 exposure; loans that exited stay in the denominator."""
    if tm.empty:
        return pd.DataFrame(columns=TRANSFER_COLUMNS)
    d = tm[tm["from_idx"] >= 0]
    g = d.groupby(["to_month", "from_month", "grp"], sort=False)

    def part(frm: int, to: int | None) -> pd.Series:
        sel = d[(d["from_idx"] == frm) & ((d["to_idx"] == to) if to is not None else True)]
        return sel.groupby(["to_month", "from_month", "grp"], sort=False)["exposure_from"].sum()

    out = g.size().rename("_n").to_frame()
    for name, (frm, to) in {"stage1_prev": (0, None), "stage1_to_2": (0, 1), "stage2_prev": (1, None),
                            "stage2_to_3": (1, 2)}.items():
        out[name] = part(frm, to).reindex(out.index).fillna(0.0).astype(float)
    out = out.drop(columns="_n").reset_index()
    out["stage2_transfer_rate"] = out["stage1_to_2"] / out["stage1_prev"].where(out["stage1_prev"] > 0)
    out["stage3_transfer_rate"] = out["stage2_to_3"] / out["stage2_prev"].where(out["stage2_prev"] > 0)
    return out[TRANSFER_COLUMNS]


def npl_at(npl: pd.DataFrame, month: date, grp: str = "ALL") -> dict | None:
    """The NPL row of one month and group as a dict (None when the month is not there)."""
    d = npl[(pd.to_datetime(npl["snapshot_month"]) == pd.Timestamp(month)) & (npl["grp"] == grp)]
    return None if d.empty else d.iloc[0].to_dict()


def month_table(mix: pd.DataFrame, npl: pd.DataFrame | None, month: date,
                transfers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One month by group ('ALL' first): each class's exposure and share, and the NPL ratio or the
    stage transfer rates when given: the table under a regulatory chart."""
    d = mix[pd.to_datetime(mix["snapshot_month"]) == pd.Timestamp(month)]
    if d.empty:
        return pd.DataFrame(columns=["grp", "exposure"])
    groups = ["ALL"] + sorted(g for g in d["grp"].unique() if g != "ALL")
    order = d.drop_duplicates("bucket_idx").sort_values("bucket_idx")["bucket"].tolist()
    exp = d.pivot_table(index="grp", columns="bucket", values="exposure", aggfunc="sum", sort=False)
    share = d.pivot_table(index="grp", columns="bucket", values="share", aggfunc="sum", sort=False)
    out = pd.DataFrame(index=[g for g in groups if g in exp.index])
    out["exposure"] = exp.sum(axis=1)
    for b in order:
        out[b] = exp[b]
        out[f"{b} %"] = share[b]
    if npl is not None:
        n = npl[pd.to_datetime(npl["snapshot_month"]) == pd.Timestamp(month)].set_index("grp")
        out["npl_ratio"] = n["npl_ratio"]
    if transfers is not None:
        tr = transfers[pd.to_datetime(transfers["to_month"]) == pd.Timestamp(month)].set_index("grp")
        for col in ("stage2_transfer_rate", "stage3_transfer_rate"):
            out[col] = tr[col] if len(tr) else float("nan")
    return out.rename_axis("grp").reset_index()


RATE_LABELS = {"npl_ratio": "NPL ratio", "stage2_transfer_rate": "Stage 1 → 2",
               "stage3_transfer_rate": "Stage 2 → 3"}


def column_labels(columns, translate) -> dict[str, str]:
    """Display names of `month_table` columns through `translate` (English text -> shown text):
    'grp' -> Product, class columns and their ' %' shares by class name, rates by RATE_LABELS."""
    out = {}
    for c in columns:
        if c == "grp":
            out[c] = translate("Product")
        elif c == "exposure":
            out[c] = translate("Exposure")
        elif c in RATE_LABELS:
            out[c] = translate(RATE_LABELS[c])
        elif c.endswith(" %"):
            out[c] = f"{translate(c[:-2])} %"
        else:
            out[c] = translate(c)
    return out


# --- the CLI's records ------------------------------------------------------------------------
def regulatory_records(con, month: date | None = None) -> list[dict]:
    """One object per month and product ('ALL' first each month): five-tier exposure and shares, the
    NPL ratio, the IFRS 9 stage mix and the stage 2 / 3 transfer rates (null where the month has
    no previous month in the book)."""
    from .records import check_month, money, month_text, num
    check_month(con, month)
    scope = m.Scope(from_month=month, to_month=month)
    five = class_mix(m.bucket_balance(con, scoped(scope, FIVE_TIER), "product"), FIVE_TIER)
    npl = npl_ratio(five, npl_index()).set_index(["snapshot_month", "grp"])
    stages = class_mix(m.bucket_balance(con, scoped(scope, IFRS9), "product"), IFRS9)
    moves = stage_transfers(m.transition_matrix(con, scoped(scope, IFRS9), "product"))
    moves = moves.set_index([pd.to_datetime(moves["to_month"]).dt.date, "grp"])
    out = []
    for (mon, grp), g in five.groupby(["snapshot_month", "grp"], sort=False):
        st = stages[(stages["snapshot_month"] == mon) & (stages["grp"] == grp)]
        n = npl.loc[(mon, grp)]
        key = (pd.Timestamp(mon).date(), grp)
        mv = moves.loc[key] if key in moves.index else None
        out.append({
            "month": month_text(mon),
            "product": grp,
            "loans": int(n["loans"]),
            "exposure": money(n["exposure"]),
            "five_tier": {r.bucket: money(r.exposure) for r in g.itertuples()},
            "five_tier_share": {r.bucket: num(r.share) for r in g.itertuples()},
            "npl_exposure": money(n["npl_exposure"]),
            "npl_ratio": num(n["npl_ratio"]),
            "stage": {r.bucket: money(r.exposure) for r in st.itertuples()},
            "stage_share": {r.bucket: num(r.share) for r in st.itertuples()},
            "stage2_transfer_rate": None if mv is None else num(mv["stage2_transfer_rate"]),
            "stage3_transfer_rate": None if mv is None else num(mv["stage3_transfer_rate"]),
        })
    return out
