"""The loss projection (monitor/projection.py) on hand-built vectors and frames: every expected number is
the chained product of flow rates worked out by hand."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from monitor import projection as pj

JAN, FEB, MAR, APR = (date(2024, m, 1) for m in (1, 2, 3, 4))


def test_project_chains_the_flow_rates_month_by_month():
    # M0 1000, M1 200; M0->M1 2%, M1->M2 50%, M2->M3 40%. M0 is held at 1000.
    grid = pj.project([1000, 200, 0, 0], [0.02, 0.5, 0.4], horizon=3)
    expected = [
        [1000, 200, 0, 0],
        [1000, 20, 100, 0],   # M1 = 1000 × 2%; M2 = 200 × 50%
        [1000, 20, 10, 40],   # M3 = 200 × 50% × 40%
        [1000, 20, 10, 4],    # M3 = 1000 × 2% × 50% × 40%
    ]
    assert grid.shape == (4, 4)
    for got, want in zip(grid.tolist(), expected):
        assert got == pytest.approx(want)


def test_write_off_after_six_months_is_m1_times_the_chain():
    # eight buckets; only M1 holds exposure: M7 at t+6 = M1 × f1 × … × f6 = 6400 × 0.5^6 = 100
    rates = [0.01, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    grid = pj.project([0, 6400, 0, 0, 0, 0, 0, 0], rates, horizon=6)
    assert grid[:, -1].tolist() == pytest.approx([0, 0, 0, 0, 0, 0, 100])
    assert grid[6, 1:].sum() == pytest.approx(100)  # nothing else is left: M0 is empty, no inflow
    # with 10,000 in M0 as well, M7 at t+6 is still 100: M0's first inflow (M1 at t+1) needs 7 steps
    assert pj.project([10_000, 6400, 0, 0, 0, 0, 0, 0], rates, 6)[6, -1] == pytest.approx(100)
    assert pj.project([10_000, 6400, 0, 0, 0, 0, 0, 0], rates, 7)[7, -1] == pytest.approx(10_000 * 0.01 * 0.5 ** 6)


def test_undefined_rates():
    # an undefined rate leaves the bucket it feeds undefined, unless nothing flows through it
    grid = pj.project([100, 0, 10], [0.1, math.nan], horizon=2)
    assert grid[1].tolist() == pytest.approx([100, 10, 0])  # M1 was empty at t: 0 × undefined = 0
    assert math.isnan(grid[2, 2])
    with pytest.raises(ValueError):
        pj.project([1, 2, 3], [0.1])


def flows_frame(rows) -> pd.DataFrame:
    """metrics.flow_rates rows: (month, from_idx, flow_rate)."""
    return pd.DataFrame([{"snapshot_month": pd.Timestamp(m), "grp": "ALL", "from_idx": i, "flow_rate": r}
                         for m, i, r in rows])


def test_flow_vector_latest_and_mean_of_three_months():
    fr = flows_frame([(JAN, 0, 0.01), (JAN, 1, 0.4), (FEB, 0, 0.02), (FEB, 1, math.nan),
                      (MAR, 0, 0.03), (MAR, 1, 0.6), (APR, 0, 0.10), (APR, 1, 0.9)])
    assert pj.flow_vector(fr, MAR, "latest", 2).tolist() == pytest.approx([0.03, 0.6])
    # Jan…Mar: (0.01 + 0.02 + 0.03) / 3, and (0.4 + 0.6) / 2 (February's M1 rate is undefined)
    assert pj.flow_vector(fr, MAR, "avg3", 2).tolist() == pytest.approx([0.02, 0.5])
    assert np.isnan(pj.flow_vector(fr, date(2023, 1, 1), "latest", 2)).all()
    with pytest.raises(ValueError):
        pj.flow_vector(fr, MAR, "avg6", 2)


def balances_frame(months: dict) -> pd.DataFrame:
    """metrics.bucket_balance rows from {month: [exposure per bucket]}."""
    return pd.DataFrame([{"snapshot_month": pd.Timestamp(m), "grp": "ALL", "bucket_idx": i, "exposure": e}
                         for m, vec in months.items() for i, e in enumerate(vec)])


def test_backtest_against_hand_computed_errors():
    # three buckets (M0, M1, M2; "M2+" is the NPL target, M2 the last). Flow rates at Feb: 10%, 50%.
    balances = balances_frame({JAN: [1000, 100, 20], FEB: [1000, 100, 50], MAR: [1000, 80, 60],
                               APR: [1000, 90, 30]})
    flows = flows_frame([(FEB, 0, 0.1), (FEB, 1, 0.5), (MAR, 0, 0.08), (MAR, 1, 0.6)])
    bt = pj.backtest(balances, flows, buckets=3, npl_idx=2, method="latest", horizon=2)
    got = {(r.origin, r.k, r.target): (r.projected, r.actual, r.error) for r in bt.itertuples()}
    # from Feb: M2 at Mar = 100 × 50% = 50 (actual 60); M2 at Apr = 1000 × 10% × 50% = 50 (actual 30)
    # from Mar: M2 at Apr = 80 × 60% = 48 (actual 30); Apr has no later month
    expected = {
        (FEB, 1, "last"): (50, 60, -10), (FEB, 1, "npl"): (50, 60, -10),
        (FEB, 2, "last"): (50, 30, 20), (FEB, 2, "npl"): (50, 30, 20),
        (MAR, 1, "last"): (48, 30, 18), (MAR, 1, "npl"): (48, 30, 18),
    }
    assert set(got) == set(expected)
    for key, want in expected.items():
        assert got[key] == pytest.approx(want), key
    assert bt.loc[(bt["origin"] == FEB) & (bt["k"] == 2), "pct_error"].tolist() == pytest.approx([2 / 3, 2 / 3])
    summary = pj.backtest_summary(bt).set_index(["target", "k"])
    # k=1: errors -1/6 and +18/30 -> MAPE (1/6 + 0.6) / 2, bias (-1/6 + 0.6) / 2
    assert summary.loc[("last", 1), "mape"] == pytest.approx((1 / 6 + 0.6) / 2)
    assert summary.loc[("last", 1), "bias"] == pytest.approx((-1 / 6 + 0.6) / 2)
    assert summary.loc[("last", 1), "origins"] == 2 and summary.loc[("last", 2), "origins"] == 1
    assert summary.loc[("npl", 1), "mean_error"] == pytest.approx(4)


def test_a_book_that_follows_its_flow_rates_backtests_to_zero_error():
    rates = [0.02, 0.5, 0.6, 0.7]
    grid = pj.project([5000, 100, 60, 30, 10], rates, horizon=5)
    months = [date(2024, m, 1) for m in range(1, 7)]
    balances = balances_frame(dict(zip(months, grid.tolist())))
    flows = flows_frame([(m, i, r) for m in months[1:] for i, r in enumerate(rates)])
    bt = pj.backtest(balances, flows, buckets=5, npl_idx=2, method="avg3", horizon=3)
    assert len(bt) and bt["error"].abs().max() == pytest.approx(0, abs=1e-9)


def test_projection_frames_for_the_page():
    proj = pj.projection_frame([1000, 200, 0, 0], [0.02, 0.5, 0.4], FEB, horizon=2)
    assert proj["month"].drop_duplicates().tolist() == [FEB, MAR, APR]
    table = pj.projection_table(proj, ["M0", "M1", "M2", "M3"], npl_idx=2)
    assert table.columns.tolist() == ["month", "M1", "M2", "M3", "M2+"]
    assert table.to_dict("list") == {"month": ["2024-03", "2024-04"], "M1": [20.0, 20.0], "M2": [100.0, 10.0],
                                     "M3": [0.0, 40.0], "M2+": [100.0, 50.0]}
    targets = pj.target_frame(proj, 2).set_index(["month", "target"])["exposure"]
    assert targets[(APR, "last")] == 40 and targets[(APR, "npl")] == 50 and targets[(FEB, "npl")] == 0
    undefined = pj.projection_frame([1000, 200, 10, 5], [math.nan] * 3, FEB, horizon=2)
    assert pj.projection_table(undefined, ["M0", "M1", "M2", "M3"], 2).empty
    assert pj.target_frame(undefined, 2).empty
    assert pj.npl_index(("M1+", "M2+", "M3+", "M4+"), 8) == 4 and pj.npl_index((), 5) == 2
    assert pj.steps_above([0.02, 1.4, math.nan, 1.0], ["M0", "M1", "M2", "M3", "M4"]) == ["M1→M2"]
    assert pj.add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert pj.add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
