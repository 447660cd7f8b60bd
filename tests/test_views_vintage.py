"""monitor.views_vintage: hand-built vintage cells in, exact selections and grids out."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from monitor import views_vintage as vv


def _cells(rows):
    """Rows (cohort 'YYYY-MM', grp, mob, rate, ever_rate, left_censored); immature = MOB < 2 (M2+)."""
    df = pd.DataFrame(rows, columns=["cohort", "grp", "mob", "rate", "ever_rate", "left_censored"])
    df["cohort"] = pd.to_datetime(df["cohort"] + "-01")
    df["snapshot_month"] = [c + pd.DateOffset(months=m) for c, m in zip(df["cohort"], df["mob"])]
    df["immature"] = df["mob"] < 2
    for col, val in (("level_exposure", 1.0), ("principal", 100.0), ("ever_loans", 1), ("cohort_loans", 10)):
        df[col] = val
    return df


# book 2024-01 … 2024-04; cohort 2023-12 is left-censored (first observed at MOB 1)
CELLS = _cells([
    ("2023-12", "ALL", 1, 0.0, 0.0, True), ("2023-12", "ALL", 2, 0.03, 0.1, True),
    ("2023-12", "ALL", 3, 0.04, 0.2, True), ("2023-12", "ALL", 4, 0.05, 0.2, True),
    ("2024-01", "ALL", 0, 0.0, 0.0, False), ("2024-01", "ALL", 1, 0.0, 0.0, False),
    ("2024-01", "ALL", 2, 0.01, 0.1, False), ("2024-01", "ALL", 3, 0.02, 0.1, False),
    ("2024-02", "ALL", 0, 0.0, 0.0, False), ("2024-02", "ALL", 1, 0.0, 0.0, False),
    ("2024-02", "ALL", 2, 0.015, 0.3, False),
    ("2024-02", "P", 2, 0.5, 0.5, False),
])


def test_missing_columns():
    assert vv.missing_columns(["product", "principal"]) == ["origination_month"]
    assert vv.missing_columns(["origination_month", "principal"]) == []
    assert vv.missing_columns([]) == ["origination_month", "principal"]


def test_in_view_cohorts_and_observation_cut():
    d = vv.in_view(CELLS, "ALL", date(2024, 1, 1), date(2024, 4, 1))
    assert vv.cohorts(d) == [date(2024, 1, 1), date(2024, 2, 1)]  # left-censored excluded by default
    with_lc = vv.in_view(CELLS, "ALL", date(2024, 1, 1), date(2024, 4, 1), left_censored=True)
    assert vv.cohorts(with_lc)[0] == date(2023, 12, 1)
    # observed up to 2024-02: cohort 2024-01 reaches MOB 1, cohort 2024-02 MOB 0
    cut = vv.in_view(CELLS, "ALL", date(2024, 1, 1), date(2024, 2, 1))
    assert sorted(zip(cut["cohort"].dt.strftime("%Y-%m"), cut["mob"])) == [
        ("2024-01", 0), ("2024-01", 1), ("2024-02", 0)]
    both = vv.in_view(CELLS, ["ALL", "P"], date(2024, 1, 1), date(2024, 4, 1))
    assert set(both["grp"]) == {"ALL", "P"}


def test_pick_cohorts():
    months = [date(2023, m, 1) for m in range(1, 13)] + [date(2024, m, 1) for m in range(1, 4)]
    assert vv.pick_cohorts(months, "quarterly") == [date(2023, 1, 1), date(2023, 4, 1), date(2023, 7, 1),
                                                    date(2023, 10, 1), date(2024, 1, 1)]
    assert vv.pick_cohorts(months, "quarterly", n=2) == [date(2023, 10, 1), date(2024, 1, 1)]
    assert vv.pick_cohorts(months, "last", n=3) == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    # fewer than two quarter months: fall back to the last cohorts
    assert vv.pick_cohorts([date(2024, 2, 1), date(2024, 3, 1)], "quarterly") == [date(2024, 2, 1),
                                                                                  date(2024, 3, 1)]
    with pytest.raises(ValueError):
        vv.pick_cohorts(months, "yearly")


def test_curve_points_drop_immature():
    d = vv.in_view(CELLS, "ALL", date(2024, 1, 1), date(2024, 4, 1))
    pts = vv.curve_points(d, [date(2024, 1, 1)], "balance")
    assert pts["mob"].tolist() == [2, 3]  # MOB 0 and 1 are immature for M2+: left out, not drawn as 0
    assert pts["value"].tolist() == [0.01, 0.02]
    assert set(pts["label"]) == {"2024-01"}
    ever = vv.curve_points(d, [date(2024, 2, 1)], "count")
    assert ever["value"].tolist() == [0.3]


def test_grid_masks_immature_and_leaves_unreached_blank():
    d = vv.in_view(CELLS, "ALL", date(2024, 1, 1), date(2024, 4, 1))
    values, immature = vv.grid(d, "balance")
    assert list(values.index) == ["2024-01", "2024-02"]
    assert list(values.columns) == [0, 1, 2, 3]
    assert np.isnan(values.loc["2024-01", 0]) and immature.loc["2024-01", 0] == 1  # immature: masked
    assert values.loc["2024-01", 3] == 0.02 and immature.loc["2024-01", 3] == 0
    assert np.isnan(values.loc["2024-02", 3]) and np.isnan(immature.loc["2024-02", 3])  # not reached
    counts, _ = vv.grid(d, "count")
    assert counts.loc["2024-02", 2] == 0.3
    empty_v, empty_i = vv.grid(d.iloc[0:0], "balance")
    assert empty_v.empty and empty_i.empty


def test_heat_breaches_put_a_rule_at_its_cohort_and_mob():
    import pandas as pd

    from monitor.views_vintage import heat_breaches
    points = pd.DataFrame({"x": pd.to_datetime(["2025-12-01", "2025-10-01"]), "y": [0.14, 0.09],
                           "severity": ["critical", "warn"], "grp": ["ALL", "ALL"], "text": ["a", "b"],
                           "rule": ["r6", "r6"]})
    out = heat_breaches(points, {"r6": 6})
    # a MOB-6 value seen in 2025-12 belongs to the 2025-06 cohort
    assert out.to_dict("records") == [
        {"cohort": "2025-06", "mob": 6, "severity": "critical", "text": "a"},
        {"cohort": "2025-04", "mob": 6, "severity": "warn", "text": "b"}]
