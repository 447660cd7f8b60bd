"""Collections effectiveness on hand-built books: each action's next-month outcomes, the best action per
bucket, the re-default life table of restructured loans against comparable cures, and the CLI.

Expected numbers are written out by hand from the definitions in monitor/collections.py (cured = M0
at t, rolled back = a better non-M0 bucket, stayed, rolled = worse, exited = absent at t; the action
is the one recorded at t−1), never computed by the code under test.
"""
from __future__ import annotations

import json
import math
import textwrap
from datetime import date

import pandas as pd
import pytest

from monitor import collections as mc
from monitor import db
from monitor.book import open_book
from monitor.metrics import Scope

MAY, JUN = date(2024, 5, 1), date(2024, 6, 1)

# May -> June, one product. Balance = exposure (all positive).
#   A1 M1 sms 100 -> M0 (cured)          A2 M1 sms 200 -> DPD 45 (rolled to M2)
#   A3 M1 phone 300 -> M0 (cured)        A4 M1 phone 400 -> DPD 15 (stayed M1)
#   A5 M1 phone 500 -> M0 (cured)
#   B1 M3 outsourced 500 -> DPD 40 (M2: rolled back)   B2 M3 outsourced 600 -> absent (exited)
#   B3 M3 phone 700 -> DPD 95 (M4: rolled)
#   L1 M7 legal 800 -> DPD 230 (stayed M7)
#   C1 M0 none 1000 -> M0 (M0 is not worked: not in any row)    N1 new in June (not in any row)
OUTCOME_BOOK = """
snapshot_month,loan_id,outstanding_balance,days_past_due,collection_action
2024-05,A1,100,10,sms
2024-05,A2,200,20,sms
2024-05,A3,300,5,phone
2024-05,A4,400,15,phone
2024-05,A5,500,25,phone
2024-05,B1,500,70,outsourced
2024-05,B2,600,80,outsourced
2024-05,B3,700,65,phone
2024-05,L1,800,200,legal
2024-05,C1,1000,0,none
2024-06,A1,90,0,none
2024-06,A2,195,45,phone
2024-06,A3,280,0,none
2024-06,A4,390,15,phone
2024-06,A5,480,0,none
2024-06,B1,480,40,phone
2024-06,B3,690,95,outsourced
2024-06,L1,810,230,legal
2024-06,C1,990,0,none
2024-06,N1,700,0,none
"""

# (action, bucket) -> loans, exposure, and per outcome (loans, exposure), written out from the rows above
EXPECTED = {
    ("ALL", "M1"): (5, 1500.0, {"cured": (3, 900.0), "rolled_back": (0, 0.0), "stayed": (1, 400.0),
                                "rolled": (1, 200.0), "exited": (0, 0.0)}),
    ("sms", "M1"): (2, 300.0, {"cured": (1, 100.0), "rolled_back": (0, 0.0), "stayed": (0, 0.0),
                               "rolled": (1, 200.0), "exited": (0, 0.0)}),
    ("phone", "M1"): (3, 1200.0, {"cured": (2, 800.0), "rolled_back": (0, 0.0), "stayed": (1, 400.0),
                                  "rolled": (0, 0.0), "exited": (0, 0.0)}),
    ("ALL", "M3"): (3, 1800.0, {"cured": (0, 0.0), "rolled_back": (1, 500.0), "stayed": (0, 0.0),
                                "rolled": (1, 700.0), "exited": (1, 600.0)}),
    ("outsourced", "M3"): (2, 1100.0, {"cured": (0, 0.0), "rolled_back": (1, 500.0), "stayed": (0, 0.0),
                                       "rolled": (0, 0.0), "exited": (1, 600.0)}),
    ("phone", "M3"): (1, 700.0, {"cured": (0, 0.0), "rolled_back": (0, 0.0), "stayed": (0, 0.0),
                                 "rolled": (1, 700.0), "exited": (0, 0.0)}),
    ("ALL", "M7"): (1, 800.0, {"cured": (0, 0.0), "rolled_back": (0, 0.0), "stayed": (1, 800.0),
                               "rolled": (0, 0.0), "exited": (0, 0.0)}),
    ("legal", "M7"): (1, 800.0, {"cured": (0, 0.0), "rolled_back": (0, 0.0), "stayed": (1, 800.0),
                                 "rolled": (0, 0.0), "exited": (0, 0.0)}),
}


def write(tmp_path, text: str, name: str = "book.csv") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def outcome_book(tmp_path):
    b = open_book(write(tmp_path, OUTCOME_BOOK))
    yield b
    b.close()


def outcomes(book, scope: Scope | None = None) -> pd.DataFrame:
    return db.run(book.con, "ui/collections_outcomes", **mc.outcomes_params(scope or Scope(), MAY, JUN))


def test_every_action_and_bucket_has_its_hand_counted_outcomes(outcome_book):
    df = outcomes(outcome_book)
    got = {(r.action, r.from_bucket): r for r in df.itertuples()}
    assert set(got) == set(EXPECTED)  # M0 and the new loan make no row
    for key, (loans, exposure, outs) in EXPECTED.items():
        r = got[key]
        assert (r.loans, r.exposure, r.to_month.date(), r.from_month.date()) == (loans, exposure, JUN, MAY), key
        for o, (n, e) in outs.items():
            assert (getattr(r, f"{o}_loans"), getattr(r, f"{o}_exposure")) == (n, e), (key, o)


def test_rates_are_shares_of_the_row_by_count_and_by_exposure(outcome_book):
    rated = mc.with_rates(outcomes(outcome_book)).set_index(["action", "from_bucket"])
    assert rated.loc[("ALL", "M1"), "cured_rate"] == pytest.approx(3 / 5)
    assert rated.loc[("ALL", "M1"), "cured_rate_balance"] == pytest.approx(900 / 1500)
    assert rated.loc[("ALL", "M1"), "rolled_rate_balance"] == pytest.approx(200 / 1500)
    assert rated.loc[("sms", "M1"), "cured_rate_balance"] == pytest.approx(100 / 300)
    assert rated.loc[("phone", "M1"), "cured_rate"] == pytest.approx(2 / 3)
    assert rated.loc[("outsourced", "M3"), "rolled_back_rate"] == pytest.approx(1 / 2)
    assert rated.loc[("outsourced", "M3"), "exited_rate_balance"] == pytest.approx(600 / 1100)
    # every row's five outcomes add up to the whole row
    for basis in mc.BASES:
        total = sum(rated[mc.rate_column(o, basis)] for o in mc.OUTCOMES)
        assert total.to_numpy() == pytest.approx([1.0] * len(rated))


def test_action_filter_comes_from_the_collection_action_segment_only(outcome_book):
    only_sms = outcomes(outcome_book, Scope(seg_dim="collection_action", seg_values=("sms",)))
    assert set(only_sms["action"]) == {"ALL", "sms"}
    assert only_sms.loc[only_sms["action"] == "ALL", "loans"].tolist() == [2]  # ALL = the filtered actions
    # another segment's filter cannot combine with the action split: it is not applied
    other = mc.outcomes_params(Scope(seg_dim="age_band", seg_values=("18-24",)), MAY, JUN)
    assert other["actions"] is None


def test_best_action_per_bucket(outcome_book):
    pool = mc.pooled(outcomes(outcome_book))
    best = mc.best_actions(pool, "count", min_loans=1).set_index("from_bucket")
    m1 = best.loc["M1"]
    assert (m1["best"], m1["runner_up"]) == ("phone", "sms")
    assert m1["best_rate"] == pytest.approx(2 / 3) and m1["difference"] == pytest.approx(2 / 3 - 1 / 2)
    # M3: nobody cured; the tie goes to the action with more loans
    assert (best.loc["M3", "best"], best.loc["M3", "runner_up"]) == ("outsourced", "phone")
    # M7: only legal worked it
    assert best.loc["M7", "best"] == "legal" and best.loc["M7", "runner_up"] is None
    assert math.isnan(best.loc["M7", "difference"])
    # with the default floor of 30 loans no action qualifies in this tiny book
    assert mc.best_actions(pool, "count").empty


def test_outcome_mix_and_trend_of_one_bucket(outcome_book):
    df = outcomes(outcome_book)
    mix = mc.outcome_mix(mc.pooled(df), 1, "balance")
    phone = mix[mix["action"] == "phone"].set_index("outcome")
    assert phone["share"].to_dict() == pytest.approx({"cured": 800 / 1200, "rolled_back": 0.0,
                                                      "stayed": 400 / 1200, "rolled": 0.0, "exited": 0.0})
    assert mix["action"].drop_duplicates().tolist() == ["ALL", "sms", "phone"]
    trend = mc.outcome_trend(df, 1, "cured", "count").set_index("action")
    assert trend.loc["sms", "rate"] == pytest.approx(1 / 2)
    assert trend.loc["phone", "mix"] == pytest.approx(3 / 5)  # phone worked 3 of the 5 M1 loans
    assert trend.loc["ALL", "mix"] == pytest.approx(1.0)


def test_cure_grid_keeps_scheme_order():
    pool = mc.with_rates(pd.DataFrame({
        "action": ["ALL", "ALL", "sms"], "from_idx": [2, 1, 1], "from_bucket": ["M2", "M1", "M1"],
        "loans": [4, 10, 10], "exposure": [40.0, 100.0, 100.0],
        **{f"{o}_loans": [1, 5, 5] if o == "cured" else [0, 0, 0] for o in mc.OUTCOMES},
        **{f"{o}_exposure": [10.0, 20.0, 20.0] if o == "cured" else [0.0] * 3 for o in mc.OUTCOMES}}))
    grid = mc.cure_grid(pool, "balance", ["M0", "M1", "M2"])
    assert list(grid["from_bucket"].cat.categories) == ["M0", "M1", "M2"]
    assert grid.set_index(["action", "from_idx"])["cure_rate"].to_dict() == pytest.approx(
        {("ALL", 2): 0.25, ("ALL", 1): 0.2, ("sms", 1): 0.2})
    assert mc.action_order(["legal", "zeta", "ALL", "sms", "alpha"]) == ["ALL", "sms", "legal", "alpha", "zeta"]


def test_cli_collections_json(outcome_book, tmp_path, capsys):
    from monitor import cli_more  # noqa: F401  (registers the command until cli.py imports it)
    from monitor.cli import main
    path = write(tmp_path, OUTCOME_BOOK, "cli.csv")
    assert main(["collections", "--data", path, "--month", "2024-06"]) == 0
    recs = json.loads(capsys.readouterr().out)
    got = {(r["action"], r["from_bucket"]): r for r in recs}
    assert set(got) == set(EXPECTED)
    r = got[("outsourced", "M3")]
    assert (r["from_month"], r["to_month"], r["loans"], r["exposure"]) == ("2024-05", "2024-06", 2, 1100.0)
    assert (r["rolled_back_loans"], r["exited_loans"], r["exited_exposure"]) == (1, 1, 600.0)
    assert r["exited_rate"] == 0.5 and r["cured_rate"] == 0.0
    assert got[("ALL", "M1")]["cured_rate_balance"] == pytest.approx(0.6)
    # a month with no previous month gives no records, and a book without the column a clear error
    assert main(["collections", "--data", path, "--month", "2024-05"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    bare = write(tmp_path, "snapshot_month,loan_id,outstanding_balance,days_past_due\n2024-05,X,1,0", "bare.csv")
    assert main(["collections", "--data", bare]) == 2
    assert "collection_action" in capsys.readouterr().err


# --- restructuring -------------------------------------------------------------------------------
# Jan … May 2024.  R1: M2 in Jan, restructured in Feb (DPD 0), DPD 10 in Mar (k=1), DPD 40 in Apr (k=2).
# R2: M3 in Jan, restructured in Feb, current after.  R3: M2 in Apr, restructured in May (never observed).
# C1: M2 in Jan, cured in Feb without restructuring, DPD 5 in Apr (k=2), cured again in May (from M1).
# C2: M1 in Jan, cured in Feb (from M1: not comparable).  C3: M3 in Jan, cured in Feb, current after.
# X: flagged restructured from its first snapshot (no observed event).
RESTRUCTURE_BOOK = """
snapshot_month,loan_id,outstanding_balance,days_past_due,restructured
2024-01,R1,100,45,false
2024-02,R1,100,0,true
2024-03,R1,100,10,true
2024-04,R1,100,40,true
2024-01,R2,100,70,false
2024-02,R2,100,0,true
2024-03,R2,100,0,true
2024-04,R2,100,0,true
2024-05,R2,100,0,true
2024-04,R3,100,50,false
2024-05,R3,100,0,true
2024-01,C1,100,40,false
2024-02,C1,100,0,false
2024-03,C1,100,0,false
2024-04,C1,100,5,false
2024-05,C1,100,0,false
2024-01,C2,100,15,false
2024-02,C2,100,0,false
2024-03,C2,100,0,false
2024-01,C3,100,65,false
2024-02,C3,100,0,false
2024-03,C3,100,0,false
2024-04,C3,100,0,false
2024-05,C3,100,0,false
2024-01,X,100,0,true
2024-02,X,100,0,true
"""


@pytest.fixture
def restructure_book(tmp_path):
    b = open_book(write(tmp_path, RESTRUCTURE_BOOK))
    yield b
    b.close()


def test_restructure_cube_events(restructure_book):
    con = restructure_book.con
    band = dict(con.execute("select dpd, dpd_band from dpd_lookup where dpd in (1, 31, 61)").fetchall())
    rows = con.execute("select event, event_month, from_band, first_k, loans from restructure_cube "
                       "where threshold_band = ? order by all", [band[1]]).fetchall()
    feb, may = date(2024, 2, 1), date(2024, 5, 1)
    m1, m2, m3 = 1, band[31], band[61]  # the DPD bands of 15 / 5, 40 / 45 / 50, 65 / 70
    assert sorted(rows, key=str) == sorted([
        ("cured", feb, m2, 2, 1),     # C1: DPD 5 two months later
        ("cured", feb, m1, None, 1),  # C2
        ("cured", feb, m3, None, 1),  # C3
        ("cured", may, m1, None, 1),  # C1 again, from M1
        ("restructured", feb, m2, 1, 1),     # R1: DPD 10 a month later
        ("restructured", feb, m3, None, 1),  # R2
        ("restructured", may, m2, None, 1),  # R3
    ], key=str)
    # R1 reached DPD 31+ two months after its restructuring
    assert con.execute("select first_k from restructure_cube where event = 'restructured' and from_band = ? "
                       "and threshold_band = ? and event_month = ?", [m2, band[31], feb]).fetchone() == (2,)


@pytest.mark.parametrize("level,expected", [
    # (event, k): (observed, reached before k, reached at k), from the rows above; last month = May
    ("M1+", {("restructured", 1): (2, 0, 1), ("restructured", 2): (2, 1, 0), ("restructured", 3): (2, 1, 0),
             ("cured", 1): (2, 0, 0), ("cured", 2): (2, 0, 1), ("cured", 3): (2, 1, 0)}),
    ("M2+", {("restructured", 1): (2, 0, 0), ("restructured", 2): (2, 0, 1), ("restructured", 3): (2, 1, 0),
             ("cured", 1): (2, 0, 0), ("cured", 2): (2, 0, 0), ("cured", 3): (2, 0, 0)}),
])
def test_restructure_life_table_compares_the_same_buckets(restructure_book, level, expected):
    life = db.run(restructure_book.con, "ui/collections_restructure", **mc.restructure_params(Scope(), level, 6))
    got = {(r.event, r.k): (r.observed, r.reached_before, r.reached_at) for r in life.itertuples()}
    assert got == expected  # C2 (from M1) and the May cure from M1 are not comparable; k >= 4 unobserved
    assert set(life["from_buckets"]) == {"M2+M3"}
    curve = mc.redefault_curve(life).set_index(["event", "k"])["redefault_rate"]
    if level == "M1+":
        assert curve.to_dict() == pytest.approx({("restructured", 1): 0.5, ("restructured", 2): 0.5,
                                                 ("restructured", 3): 0.5, ("cured", 1): 0.0,
                                                 ("cured", 2): 0.5, ("cured", 3): 0.5})


def test_redefault_curve_is_a_life_table():
    life = pd.DataFrame({"event": ["restructured"] * 3, "k": [1, 2, 3], "observed": [10, 8, 4],
                         "reached_before": [0, 2, 4], "reached_at": [2, 3, 0]})
    curve = mc.redefault_curve(life)
    # k=1: 2 of 10 -> 0.2; k=2: 3 of the 6 still clean -> 1 - 0.8 * 0.5 = 0.6; k=3: nobody at risk
    assert curve["hazard"].tolist()[:2] == pytest.approx([0.2, 0.5])
    assert curve["redefault_rate"].tolist()[:2] == pytest.approx([0.2, 0.6])
    assert curve["at_risk"].tolist() == [10, 6, 0] and math.isnan(curve["redefault_rate"].iloc[2])


def test_restructure_cube_is_small_on_the_sample():
    from helpers import SAMPLE
    if not SAMPLE.exists():
        pytest.skip("the sample book is not generated")
    b = open_book(str(SAMPLE))
    try:
        rows = b.cube_stats["restructure_cube"]["rows"]
        assert rows < 0.05 * b.report.rows  # a few percent of the snapshots at most
    finally:
        b.close()


@pytest.mark.parametrize("name,params", [
    ("ui/collections_outcomes", mc.outcomes_params(Scope(), MAY, JUN)),
    ("ui/collections_restructure", mc.restructure_params(Scope(), "M1+", 12)),
    ("cubes/restructure_cube", {"from_month": MAY, "to_month": JUN})])
def test_sql_header_lists_exactly_the_parameters_the_query_uses(name, params):
    text = db.sql_text(name)
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    declared = set(db._PARAM.findall(header[header.index("-- Params:"):]))
    assert declared == db.sql_params(text) == set(params)
