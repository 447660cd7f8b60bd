"""Reshaping for the Segments page: which scope a split reads, the month's table of values, the
trend of the top values, the heatmap matrix and the drill-down's parameters and columns. Pure
functions of DataFrames and Scopes; nothing here runs SQL or imports Streamlit."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from .definitions import MISSING
from .metrics import SEG_DIMS, Scope

#: The filter dimensions the monthly cube carries on every row (group_by names them directly).
CUBE_DIMS = ("product", "region", "channel")
#: Every dimension the page can split by, in the order the picker shows them.
DIMENSIONS = CUBE_DIMS + SEG_DIMS[1:]
#: Value columns of overdue_by_month by basis (coincident rates: a split compares one month).
RATE_COLUMN = {"balance": "rate", "count": "count_rate"}
#: The drill-down's columns in display order; optional ones are dropped when the book lacks them.
DRILL_COLUMNS = ("loan_id", "product", "region", "channel", "dim_value", "days_past_due", "bucket",
                 "outstanding_balance", "overdue_amount", "origination_month", "collection_action")
_OPTIONAL = {"product", "region", "channel", "overdue_amount", "origination_month", "collection_action"}
MONTH_COLUMNS = ["grp", "rate", "loans", "balance", "overdue_balance", "overdue_loans",
                 "exposure_share", "overdue_share"]


#: A person's name for each dimension (English key of the translation; column names are not words).
DIM_LABELS = {"product": "Product", "region": "Region", "channel": "Channel", "age_band": "Age band",
              "income_band": "Income band", "occupation": "Occupation",
              "collection_action": "Collection action", "restructured": "Restructured"}


def available_dims(columns: tuple[str, ...] | list[str]) -> list[str]:
    """The dimensions the book holds (a dimension the source lacks has one value: nothing to split)."""
    return [d for d in DIMENSIONS if d in columns]


def heatmap_columns(dim: str, dims: list[str]) -> list[str]:
    """What the heatmap can cross `dim` with: the months, and every other cube dimension present
    (the cube carries product/region/channel on every row, so any segment crosses with them)."""
    return ["month"] + [d for d in CUBE_DIMS if d != dim and d in dims]


def split_scope(scope: Scope, dim: str) -> tuple[Scope, str, bool]:
    """(scope, group_by, sidebar segment filter dropped) for splitting the sidebar's scope by `dim`.

    The cube holds one segment dimension per row set, so a query reads exactly one seg_dim (never
    double counting). Splitting by product/region/channel or by the sidebar's own segment keeps
    every sidebar filter; splitting by another segment must read that segment's rows, so the
    sidebar's segment filter cannot apply and the page says so."""
    if dim not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}")
    if dim in CUBE_DIMS:
        return scope, dim, False
    if dim == scope.seg_dim:
        return scope, "segment", False
    dropped = scope.seg_dim != "all" and scope.seg_values is not None
    return replace(scope, seg_dim=dim, seg_values=None), "segment", dropped


def month_table(rates: pd.DataFrame, month: date, level: str, basis: str) -> pd.DataFrame:
    """One row per value of the split in `month` at `level`: the rate on `basis`, exposure and the
    shares of the scope's exposure (or loans) and of its overdue part; highest rate first.

    `rates` is overdue_by_month with a group_by; its 'ALL' row is the scope's total."""
    value = RATE_COLUMN[basis]
    d = rates[(rates["snapshot_month"] == pd.Timestamp(month)) & (rates["level"] == level)]
    groups = d[d["grp"] != "ALL"]
    if groups.empty:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    total = d[d["grp"] == "ALL"]
    size, over = ("balance", "overdue_balance") if basis == "balance" else ("loans", "overdue_loans")
    size_all = float(total[size].iloc[0]) if len(total) else float(groups[size].sum())
    over_all = float(total[over].iloc[0]) if len(total) else float(groups[over].sum())
    out = groups.assign(
        rate=groups[value],
        exposure_share=groups[size] / size_all if size_all else float("nan"),
        overdue_share=groups[over] / over_all if over_all else float("nan"),
    )[MONTH_COLUMNS]
    return out.sort_values(["rate", "balance", "grp"], ascending=[False, False, True],
                           na_position="last").reset_index(drop=True)


def book_rate(rates: pd.DataFrame, month: date, level: str, basis: str) -> float | None:
    """The whole scope's rate ('ALL') in `month` at `level` on `basis`; None when absent."""
    d = rates[(rates["snapshot_month"] == pd.Timestamp(month)) & (rates["level"] == level)
              & (rates["grp"] == "ALL")]
    if d.empty or pd.isna(d[RATE_COLUMN[basis]].iloc[0]):
        return None
    return float(d[RATE_COLUMN[basis]].iloc[0])


def top_values(table: pd.DataFrame, n: int = 6) -> list[str]:
    """The `n` values with the largest exposure in the month (the ones a trend can show legibly)."""
    return table.sort_values(["balance", "grp"], ascending=[False, True])["grp"].head(n).tolist()


def trend_frame(rates: pd.DataFrame, level: str, values: list[str]) -> pd.DataFrame:
    """overdue_by_month rows at `level` for `values` and the scope's 'ALL' line."""
    keep = set(values) | {"ALL"}
    return rates[(rates["level"] == level) & rates["grp"].isin(keep)].reset_index(drop=True)


def month_matrix(rates: pd.DataFrame, level: str, column: str, order: list[str]) -> pd.DataFrame:
    """`column` (rate, count_rate, loans …) by value (rows, in `order`, then 'ALL') × month
    (columns) from overdue_by_month at `level`."""
    d = rates[rates["level"] == level]
    if d.empty:
        return pd.DataFrame()
    m = d.pivot_table(index="grp", columns="snapshot_month", values=column, aggfunc="first",
                      dropna=False)
    rows = [g for g in order if g in m.index] + (["ALL"] if "ALL" in m.index else [])
    return m.reindex(rows)


def cross_matrix(cells: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    """`column` (rate, count_rate, loans …) by row value (in `order`, then 'ALL') × column value
    (largest exposure first, then 'ALL') from segment_heatmap."""
    if cells.empty:
        return pd.DataFrame()
    m = cells.pivot_table(index="row_key", columns="col_key", values=column, aggfunc="first",
                          dropna=False)
    size = cells[cells["row_key"] == "ALL"].set_index("col_key")["balance"]
    cols = [c for c in size.drop("ALL", errors="ignore").sort_values(ascending=False).index] + ["ALL"]
    rows = [g for g in order if g in m.index] + ["ALL"]
    return m.reindex(index=[r for r in rows if r in m.index], columns=[c for c in cols if c in m.columns])


def filter_params(scope: Scope) -> dict:
    """The scope's filters as the bound parameters of a ui/ query (an empty selection = NULL)."""
    as_list = lambda v: list(v) if v else None  # noqa: E731
    return {"scheme": scope.scheme, "products": as_list(scope.products),
            "regions": as_list(scope.regions), "channels": as_list(scope.channels),
            "seg_dim": scope.seg_dim,
            "seg_values": as_list(scope.seg_values) if scope.seg_dim != "all" else None}


def heatmap_params(scope: Scope, dim: str, month: date, level: str, col_by: str) -> dict:
    """Bound parameters of ui/segment_heatmap: the split by `dim` (rows) × `col_by` (columns)."""
    split, group_by, _ = split_scope(scope, dim)
    return {**filter_params(split), "month": month, "level": level, "row_by": group_by,
            "col_by": col_by}


def drill_params(scope: Scope, dim: str, value: str | None, month: date, min_idx: int,
                 row_limit: int) -> dict:
    """Bound parameters of ui/drilldown_loans for the loans behind one bar of the split (the same
    filters the bar's query read, see split_scope)."""
    split, _, _ = split_scope(scope, dim)
    return {**filter_params(split), "month": month, "min_idx": int(min_idx), "dim": dim,
            "dim_value": value, "missing": MISSING, "row_limit": int(row_limit)}


def drill_totals(loans: pd.DataFrame) -> dict:
    """Count, exposure and overdue amount of the whole selection (before the row limit)."""
    if loans.empty:
        return {"loans": 0, "exposure": 0.0, "overdue_amount": None}
    first = loans.iloc[0]
    amount = first["total_overdue_amount"]
    return {"loans": int(first["total_loans"]), "exposure": float(first["total_exposure"]),
            "overdue_amount": None if pd.isna(amount) else float(amount)}


def drill_table(loans: pd.DataFrame, dim: str, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The drill-down's display columns: the split's own value only for a segment dimension (the
    product/region/channel columns already show it), and no column the book lacks."""
    keep = [c for c in DRILL_COLUMNS
            if (c not in _OPTIONAL or c in columns) and (c != "dim_value" or dim not in CUBE_DIMS)]
    return loans[keep].rename(columns={"dim_value": dim})


def clicked_value(selection) -> str | None:
    """The dimension value of the first clicked bar of a plotly selection state (or None)."""
    points = (selection or {}).get("points") or []
    for p in points:
        custom = p.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            return str(custom[0])
        if custom is not None:
            return str(custom)
    return None
