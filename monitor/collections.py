"""Collections effectiveness: what each collection action did to the loans it worked, reshaped from
queries/ui/collections_outcomes.sql and collections_restructure.sql. Pure functions (no database,
no Streamlit) plus the CLI's records, which run the same queries.

Outcome of a loan in bucket k at t−1 (worked by action a at t−1), at t: cured (M0), rolled back (a
better bucket other than M0: a partial cure), stayed (bucket k), rolled (a worse bucket) or exited
(absent at t: paid off, closed or written off). Rates are shares of the row, by count or by t−1
exposure.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import db
from .metrics import Scope

# Escalation order of the actions (DESIGN §1); values the data adds go after them, alphabetically.
ACTIONS = ("none", "sms", "phone", "outsourced", "legal")
# Display names of the known actions (English keys of the UI text; monitor/i18n/collections.py has the Chinese).
ACTION_LABELS = {"none": "No action", "sms": "SMS", "phone": "Phone call", "outsourced": "Outsourced agency",
                 "legal": "Legal action"}
OUTCOMES = ("cured", "rolled_back", "stayed", "rolled", "exited")
OUTCOME_LABELS = {"cured": "Cured to M0", "rolled_back": "Rolled back", "stayed": "Stayed",
                  "rolled": "Rolled forward", "exited": "Exited"}
OUTCOME_RATE_LABELS = {"cured": "Cure rate", "rolled_back": "Roll-back rate", "stayed": "Stay rate",
                       "rolled": "Roll-forward rate", "exited": "Exit rate"}
BASES = ("count", "balance")
KEYS = ["action", "from_idx", "from_bucket"]
RATE_COLUMNS = [f"{o}_rate" for o in OUTCOMES] + [f"{o}_rate_balance" for o in OUTCOMES]
CURVE_COLUMNS = ["event", "k", "observed", "at_risk", "reached_at", "hazard", "redefault_rate"]


def action_order(actions) -> list[str]:
    """'ALL' first, then the known actions in escalation order, then any others alphabetically."""
    present = {str(a) for a in actions}
    known = [a for a in ACTIONS if a in present]
    return (["ALL"] if "ALL" in present else []) + known + sorted(present - set(ACTIONS) - {"ALL"})


def outcomes_params(scope: Scope, from_month: date, to_month: date) -> dict:
    """The bound parameters of collections_outcomes.sql: the sidebar's filters, with the action
    filter taken from the segment filter only when that segment is the collection action."""
    actions = scope.seg_values if scope.seg_dim == "collection_action" and scope.seg_values else None
    as_list = lambda v: list(v) if v else None  # noqa: E731
    return {"scheme": scope.scheme, "from_month": from_month, "to_month": to_month,
            "products": as_list(scope.products), "regions": as_list(scope.regions),
            "channels": as_list(scope.channels), "actions": as_list(actions)}


def restructure_params(scope: Scope, level: str, horizon: int = 12) -> dict:
    """The bound parameters of collections_restructure.sql: event months = the sidebar's months
    (None = the whole book), products / regions / channels as everywhere."""
    as_list = lambda v: list(v) if v else None  # noqa: E731
    return {"scheme": scope.scheme, "level": level, "from_month": scope.from_month or date(1900, 1, 1),
            "to_month": scope.to_month or date(9999, 12, 1), "horizon": int(horizon),
            "products": as_list(scope.products), "regions": as_list(scope.regions),
            "channels": as_list(scope.channels)}


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add each outcome's share of its row: `<outcome>_rate` by count, `<outcome>_rate_balance` by
    t−1 exposure (NaN where the row holds no loans / no exposure)."""
    out = df.copy()
    loans = out["loans"].where(out["loans"] > 0).astype(float)
    exposure = out["exposure"].where(out["exposure"] > 0).astype(float)
    for o in OUTCOMES:
        out[f"{o}_rate"] = out[f"{o}_loans"] / loans
        out[f"{o}_rate_balance"] = out[f"{o}_exposure"] / exposure
    return out


def pooled(outcomes: pd.DataFrame) -> pd.DataFrame:
    """All to-months of `outcomes` added up per action and from-bucket, with rates: the heatmap's
    and the outcome bars' cells (rates of the pooled counts, not means of monthly rates)."""
    sums = [c for c in outcomes.columns if c.endswith("_loans") or c.endswith("_exposure")
            or c in ("loans", "exposure")]
    d = outcomes.groupby(KEYS, as_index=False, sort=False)[sums].sum()
    order = {a: i for i, a in enumerate(action_order(d["action"].unique()))}
    d = d.assign(_o=d["action"].map(order)).sort_values(["_o", "from_idx"]).drop(columns="_o")
    return with_rates(d.reset_index(drop=True))


def rate_column(outcome: str, basis: str) -> str:
    if outcome not in OUTCOMES or basis not in BASES:
        raise ValueError(f"outcome must be one of {OUTCOMES} and basis one of {BASES}")
    return f"{outcome}_rate" + ("_balance" if basis == "balance" else "")


def cure_grid(pool: pd.DataFrame, basis: str, buckets: list[str]) -> pd.DataFrame:
    """Actions (rows, 'ALL' first) × from-buckets M1 … (columns, scheme order): the cure rate, with
    the row's loans and exposure, one row per cell in long form; cells no loan reached are absent."""
    col = rate_column("cured", basis)
    d = pool[pool["loans"] > 0]
    out = d[["action", "from_idx", "from_bucket", "loans", "exposure", "cured_loans", col]].rename(
        columns={col: "cure_rate"})
    out["from_bucket"] = pd.Categorical(out["from_bucket"], categories=list(buckets), ordered=True)
    return out.reset_index(drop=True)


BEST_COLUMNS = ["from_idx", "from_bucket", "best", "best_rate", "best_loans", "runner_up", "runner_up_rate",
                "runner_up_loans", "difference"]


def best_actions(pool: pd.DataFrame, basis: str, min_loans: int = 30) -> pd.DataFrame:
    """Per from-bucket: the action with the highest cure rate and the next best, among actions that
    worked at least `min_loans` loans there (fewer is too noisy to rank); difference = best − next
    (NaN when only one action qualifies). Buckets where no action qualifies are left out."""
    col = rate_column("cured", basis)
    rows = []
    d = pool[(pool["action"] != "ALL") & (pool["loans"] >= min_loans) & pool[col].notna()]
    for (idx, bucket), g in d.groupby(["from_idx", "from_bucket"], sort=True):
        g = g.sort_values([col, "loans"], ascending=False)
        best = g.iloc[0]
        nxt = g.iloc[1] if len(g) > 1 else None
        rows.append((idx, bucket, best["action"], float(best[col]), int(best["loans"]),
                     None if nxt is None else nxt["action"], np.nan if nxt is None else float(nxt[col]),
                     0 if nxt is None else int(nxt["loans"]),
                     np.nan if nxt is None else float(best[col] - nxt[col])))
    out = pd.DataFrame(rows, columns=BEST_COLUMNS)
    out["runner_up"] = out["runner_up"].astype(object).where(out["runner_up"].notna(), None)
    return out


def outcome_mix(pool: pd.DataFrame, from_idx: int, basis: str) -> pd.DataFrame:
    """For one from-bucket: every action's outcome shares in long form (action, outcome, value,
    share), outcomes in OUTCOMES order, actions in action_order."""
    d = pool[(pool["from_idx"] == from_idx) & (pool["loans"] > 0)]
    unit = "loans" if basis == "count" else "exposure"
    rows = [(r.action, o, float(getattr(r, f"{o}_{unit}")), float(getattr(r, rate_column(o, basis))),
             int(r.loans), float(r.exposure))
            for r in d.itertuples() for o in OUTCOMES]
    return pd.DataFrame(rows, columns=["action", "outcome", "value", "share", "loans", "exposure"])


def outcome_trend(outcomes: pd.DataFrame, from_idx: int, outcome: str, basis: str) -> pd.DataFrame:
    """For one from-bucket, per to-month and action: the outcome's rate, the row's loans and
    exposure, and the action's share of the bucket (the action mix, on the same basis)."""
    col = rate_column(outcome, basis)
    d = with_rates(outcomes[outcomes["from_idx"] == from_idx])
    unit = "loans" if basis == "count" else "exposure"
    total = d[d["action"] == "ALL"].set_index("to_month")[unit]
    out = d[["to_month", "from_month", "action", "loans", "exposure", col]].rename(columns={col: "rate"})
    out["mix"] = (d[unit] / d["to_month"].map(total).where(lambda s: s > 0)).astype(float)
    return out.reset_index(drop=True)


def redefault_curve(life: pd.DataFrame) -> pd.DataFrame:
    """Cumulative re-default rate by months since the event, per event, from the life table of
    collections_restructure.sql: hazard at k = loans first reaching the level at k / loans
    observed at k that had not reached it before; re-defaulted within k = 1 − Π(1 − hazard).
    Event months observed for fewer months drop out of later k instead of counting as cured."""
    rows = []
    for event, g in life.groupby("event", sort=False):
        survive = 1.0
        for r in g.sort_values("k").itertuples():
            at_risk = int(r.observed) - int(r.reached_before)
            hazard = r.reached_at / at_risk if at_risk > 0 else np.nan
            if not np.isnan(hazard):
                survive *= 1 - hazard
            rows.append((event, int(r.k), int(r.observed), at_risk, int(r.reached_at), hazard,
                         1 - survive if at_risk > 0 else np.nan))
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


# --- the CLI's records ------------------------------------------------------------------------
def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def outcome_records(con, scheme: str = "cn", month: date | None = None) -> list[dict]:
    """One object per to-month, action ('ALL' first) and from-bucket: loans, exposure, and each
    outcome's count, exposure, rate by count and rate by exposure."""
    from .metrics import book_months
    from .records import check_month, money, month_text
    check_month(con, month)
    first, last = book_months(con)
    df = db.run(con, "ui/collections_outcomes", **outcomes_params(Scope(scheme=scheme), month or first,
                                                                  month or last))
    out = []
    for r in with_rates(df).itertuples():
        rec = {"from_month": month_text(r.from_month), "to_month": month_text(r.to_month),
               "action": r.action, "from_bucket": r.from_bucket, "loans": int(r.loans),
               "exposure": money(r.exposure)}
        for o in OUTCOMES:
            rec[f"{o}_loans"] = int(getattr(r, f"{o}_loans"))
            rec[f"{o}_exposure"] = money(getattr(r, f"{o}_exposure"))
        for o in OUTCOMES:
            rec[f"{o}_rate"] = _num(getattr(r, f"{o}_rate"))
            rec[f"{o}_rate_balance"] = _num(getattr(r, f"{o}_rate_balance"))
        out.append(rec)
    return out
