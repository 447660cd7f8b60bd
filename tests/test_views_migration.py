"""monitor.views_migration: hand-built metric frames in, exact grids and tables out."""
from datetime import date

import pandas as pd
import pytest

from monitor import views_migration as vm

BUCKETS = ["M0", "M1", "M2"]
T = pd.Timestamp("2024-03-01")


def _tm(rows):
    """Transition rows (grp, from_idx, from_bucket, to_idx, to_bucket, loans, exposure_from, exposure_to)."""
    df = pd.DataFrame(rows, columns=["grp", "from_idx", "from_bucket", "to_idx", "to_bucket", "loans",
                                     "exposure_from", "exposure_to"])
    return df.assign(to_month=T, from_month=pd.Timestamp("2024-02-01"))


TM = _tm([
    ("ALL", -1, "new", 0, "M0", 3, 0.0, 300.0),
    ("ALL", 0, "M0", 0, "M0", 8, 800.0, 780.0),
    ("ALL", 0, "M0", 1, "M1", 2, 200.0, 205.0),
    ("ALL", 1, "M1", 0, "M0", 1, 50.0, 40.0),
    ("ALL", 1, "M1", 2, "M2", 3, 150.0, 152.0),
    ("ALL", 1, "M1", -1, "exited", 1, 100.0, 0.0),
    ("P", 0, "M0", 0, "M0", 5, 500.0, 490.0),
])


def test_prev_month_and_to_months():
    assert vm.prev_month(date(2024, 1, 1)) == date(2023, 12, 1)
    assert vm.prev_month(date(2024, 3, 1)) == date(2024, 2, 1)
    book = [date(2023, 11, 1), date(2023, 12, 1), date(2024, 2, 1), date(2024, 3, 1)]
    # 2023-11 has no predecessor, 2024-02's predecessor (2024-01) is missing from the book
    assert vm.to_months(book, date(2023, 11, 1), date(2024, 3, 1)) == [date(2023, 12, 1), date(2024, 3, 1)]
    assert vm.to_months(book, date(2024, 3, 1), date(2024, 3, 1)) == [date(2024, 3, 1)]
    assert vm.to_months(book[:1], date(2023, 11, 1), date(2023, 11, 1)) == []


def test_matrix_cells_full_grid_with_row_shares():
    cells = vm.matrix_cells(TM, BUCKETS)
    assert list(cells.columns) == vm.MATRIX_COLUMNS
    assert len(cells) == 3 * 4  # from M0..M2 × to M0..M2 + exited
    at = cells.set_index(["from_bucket", "to_bucket"])
    assert at.loc[("M0", "M0"), "loans"] == 8
    assert at.loc[("M1", "exited"), "exposure_from"] == 100.0
    assert at.loc[("M2", "M0"), "loans"] == 0  # zero cells are filled, not missing
    assert at.loc[("M0", "M1"), "share_loans"] == pytest.approx(2 / 10)
    assert at.loc[("M1", "M2"), "share_loans"] == pytest.approx(3 / 5)
    assert at.loc[("M1", "M2"), "share_exposure"] == pytest.approx(150 / 300)
    # a from-bucket with no loans has undefined shares, not 0
    assert at.loc[("M2", "M2"), ["share_loans", "share_exposure"]].isna().all()
    # new loans are not a matrix row
    assert set(cells["from_bucket"]) == set(BUCKETS)
    # order: from in scheme order, to in scheme order with exited last
    assert cells["to_bucket"].tolist()[:4] == ["M0", "M1", "M2", "exited"]


def test_matrix_cells_other_group_and_empty():
    cells = vm.matrix_cells(TM, BUCKETS, grp="P")
    assert cells["loans"].sum() == 5
    empty = vm.matrix_cells(TM.iloc[0:0], BUCKETS)
    assert len(empty) == 12 and empty["loans"].sum() == 0


def test_row_totals():
    tot = vm.row_totals(vm.matrix_cells(TM, BUCKETS))
    assert tot["loans"].tolist() == [10, 5, 0]
    assert tot["exposure_from"].tolist() == [1000.0, 300.0, 0.0]


def test_new_and_exited():
    assert vm.new_and_exited(TM) == {"new_loans": 3, "new_exposure": 300.0,
                                     "exited_loans": 1, "exited_exposure": 100.0}


RC = pd.DataFrame({
    "to_month": [T, T, T], "grp": ["ALL"] * 3, "from_idx": [0, 1, 2], "from_bucket": BUCKETS,
    "roll_rate": [0.02, 0.4, 0.0], "roll_rate_count": [0.03, 0.5, 0.0],
    "cure_rate": [0.98, 0.3, 0.1], "cure_rate_count": [0.97, 0.2, 0.25],
})


def test_roll_cure_series_blanks_undefined_rates():
    s = vm.roll_cure_series(RC, "balance", last_idx=2)
    assert s["roll_rate"].tolist()[:2] == [0.02, 0.4] and pd.isna(s["roll_rate"].iloc[2])  # M2 is last
    assert pd.isna(s["cure_rate"].iloc[0]) and s["cure_rate"].tolist()[1:] == [0.3, 0.1]  # M0 cannot cure
    c = vm.roll_cure_series(RC, "count", last_idx=2)
    assert c["roll_rate"].iloc[1] == 0.5 and c["cure_rate"].iloc[2] == 0.25
    with pytest.raises(ValueError):
        vm.roll_cure_series(RC, "amount", last_idx=2)


def _flows(month, rates):
    return pd.DataFrame({"snapshot_month": [pd.Timestamp(month)] * len(rates), "grp": "ALL",
                         "from_idx": range(len(rates)), "from_bucket": BUCKETS[:len(rates)],
                         "to_bucket": BUCKETS[1:len(rates) + 1], "flow_rate": rates})


def test_flow_table_latest_first_steps_in_order():
    fr = pd.concat([_flows("2024-02-01", [0.01, 0.5]), _flows("2024-03-01", [0.02, None])])
    tab = vm.flow_table(fr)
    assert list(tab.columns) == ["month", "M0→M1", "M1→M2"]
    assert tab["month"].tolist() == ["2024-03", "2024-02"]
    assert tab.iloc[1]["M1→M2"] == 0.5 and pd.isna(tab.iloc[0]["M1→M2"])
    assert vm.flow_table(fr.iloc[0:0]).empty


def test_loss_projection_and_total():
    chain = pd.DataFrame({"snapshot_month": [T, T], "grp": "ALL", "from_idx": [0, 1],
                          "from_bucket": ["M0", "M1"], "to_bucket": "M2", "chained_flow": [0.01, 0.5]})
    balances = pd.DataFrame({"snapshot_month": [T] * 3, "grp": "ALL", "bucket_idx": [0, 1, 2],
                             "exposure": [1000.0, 200.0, 50.0]})
    proj = vm.loss_projection(chain, balances, date(2024, 3, 1))
    assert list(proj.columns) == vm.PROJECTION_COLUMNS
    assert proj["projected_loss"].tolist() == pytest.approx([10.0, 100.0])
    total = vm.projection_total(proj)
    assert total["projected_loss"] == pytest.approx(110.0)
    assert total["share"] == pytest.approx(110 / 1200)
    assert total["undefined"] == []
    assert vm.loss_projection(chain, balances, date(2024, 4, 1)).empty


def test_loss_projection_undefined_chain():
    chain = pd.DataFrame({"snapshot_month": [T, T], "grp": "ALL", "from_idx": [0, 1],
                          "from_bucket": ["M0", "M1"], "to_bucket": "M2", "chained_flow": [None, None]})
    balances = pd.DataFrame({"snapshot_month": [T, T], "grp": "ALL", "bucket_idx": [0, 1],
                             "exposure": [1000.0, 0.0]})
    proj = vm.loss_projection(chain, balances, date(2024, 3, 1))
    # a bucket without exposure projects 0; one with exposure and no chain is left out and named
    assert proj["projected_loss"].iloc[1] == 0.0 and pd.isna(proj["projected_loss"].iloc[0])
    total = vm.projection_total(proj)
    assert total["undefined"] == ["M0"] and total["projected_loss"] == 0.0
