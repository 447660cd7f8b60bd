"""queries/cubes/restructure_cube.sql gives, row for row, what its first version gave.

The first version (kept below as OLD_SQL, a fixture, not a query of the app) joined every month of
the book with the month before and every event with all the later months of its loan: correct but
the slowest step of a big build. The current file works on the flagged rows (restructured or
delinquent) only. Both run here on the same loan_snapshots with the same $from_month/$to_month and
must return the same columns, types and rows (NULL first_k included): on the sample book, on
hand-built books around every rule of the event definitions, and on random books (hypothesis).
"""
from __future__ import annotations

import csv
import json
import tempfile
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import db
from monitor.loader import load

# The CTEs that changed, as first written (commit f224a18); the thresholds before them and the
# outcomes and counts after them are the same text in both versions, so they are taken from the
# current file.
OLD_MIDDLE = """
snapshots as (
    select loan_id, snapshot_month, product, region, channel, dpd_band, restructured
    from loan_snapshots
    where snapshot_month <= $to_month
),
events as (
    select
        case when cur.restructured then 'restructured' else 'cured' end as event,
        cur.loan_id,
        cur.snapshot_month as event_month,
        cur.product,
        cur.region,
        cur.channel,
        prev.dpd_band as from_band
    from snapshots as cur
    inner join snapshots as prev
        on prev.loan_id = cur.loan_id
        and prev.snapshot_month = cast(cur.snapshot_month - interval 1 month as date)
    where cur.snapshot_month between $from_month and $to_month
        and (
            (cur.restructured and not coalesce(prev.restructured, false))
            or (not coalesce(cur.restructured, false) and prev.dpd_band >= 1 and cur.dpd_band = 0)
        )
),
later as (
    select
        e.event,
        e.loan_id,
        e.event_month,
        t.threshold_band,
        (year(s.snapshot_month) - year(e.event_month)) * 12
            + month(s.snapshot_month) - month(e.event_month) as k
    from events as e
    inner join snapshots as s
        on s.loan_id = e.loan_id and s.snapshot_month > e.event_month
    inner join thresholds as t
        on s.dpd_band >= t.threshold_band
),
first_reach as (
    select event, loan_id, event_month, threshold_band, min(k) as first_k
    from later
    group by event, loan_id, event_month, threshold_band
),
"""
NEW_SQL = db.sql_text("cubes/restructure_cube")
OLD_SQL = (NEW_SQL[:NEW_SQL.index("flagged as (")] + OLD_MIDDLE.lstrip("\n")
           + NEW_SQL[NEW_SQL.index("outcomes as ("):])


def _result(con, sql: str, first: date, last: date) -> tuple[list, list]:
    cur = con.execute(sql, {"from_month": first, "to_month": last})
    columns = [(d[0], str(d[1])) for d in cur.description]
    return columns, sorted(cur.fetchall(), key=repr)


def assert_same_as_old(con, first: date, last: date) -> int:
    """Old and new cube over event months first … last: same columns, types and rows; returns
    the number of events (so a test can check that it exercised some)."""
    old = _result(con, OLD_SQL, first, last)
    new = _result(con, NEW_SQL, first, last)
    assert new[0] == old[0]
    assert new[1] == old[1], (first, last)
    thresholds = {r[6] for r in new[1]}  # every event has one row per threshold
    return sum(r[-1] for r in new[1]) // len(thresholds) if thresholds else 0


def months_of(con) -> list[date]:
    return [r[0] for r in con.execute("select distinct snapshot_month from loan_snapshots order by 1").fetchall()]


def test_the_sample_book(book):
    months = months_of(book.con)
    assert assert_same_as_old(book.con, months[0], months[-1]) > 1000
    # sub-ranges, as a build or an append may ask for: events in them, follow-up up to their end
    for first, last in [(months[0], months[0]), (months[5], months[5]), (months[6], months[17]),
                        (months[-13], months[-1]), (months[-1], months[-1])]:
        assert_same_as_old(book.con, first, last)


def write(folder: Path, text: str) -> str:
    path = folder / "book.csv"
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return str(path)


# Nov 2023 … Apr 2024 (across a year end). Every rule of the event definitions, and what it meets:
#   A: delinquent, restructured while current (from M2), late again in January (k across the year)
#   B: restructured while still delinquent, then cured while restructured (no 'cured' event),
#      flag dropped and taken again (a second restructured event, from a restructured-free month)
#   C: cured, late again, absent the month after a delinquent month (no event), back and cured (a gap)
#   D: restructured flag unknown (empty) at the cure: a cure; unknown the month before a flagged
#      month: a restructured event
#   E: flagged from its first snapshot (no event); F: restructured in the month after a gap (no
#      event: the month before is absent)
#   G: product / region / channel change at the event month (the event month's dimensions count)
#   H: DPD at the bucket edges after a cure (30 vs 31, 60 vs 61, 90 vs 91 …, the thresholds)
HAND_BOOK = """
snapshot_month,loan_id,outstanding_balance,days_past_due,restructured,product,region,channel
2023-11,A,100,45,false,card,north,app
2023-12,A,100,0,true,card,north,app
2024-01,A,100,31,true,card,north,app
2024-02,A,100,91,true,card,north,app
2023-11,B,100,70,false,loan,south,branch
2023-12,B,100,75,true,loan,south,branch
2024-01,B,100,0,true,loan,south,branch
2024-02,B,100,0,false,loan,south,branch
2024-03,B,100,20,true,loan,south,branch
2024-04,B,100,0,true,loan,south,branch
2023-11,C,100,10,false,card,west,app
2023-12,C,100,0,false,card,west,app
2024-01,C,100,40,false,card,west,app
2024-03,C,100,65,false,card,west,app
2024-04,C,100,0,false,card,west,app
2023-11,D,100,30,,card,south,app
2023-12,D,100,0,,card,south,app
2024-01,D,100,0,,card,south,app
2024-02,D,100,0,true,card,south,app
2024-03,D,100,200,true,card,south,app
2023-11,E,100,40,true,loan,north,branch
2023-12,E,100,0,true,loan,north,branch
2024-01,E,100,61,true,loan,north,branch
2023-11,F,100,50,false,loan,north,app
2024-01,F,100,0,true,loan,north,app
2024-02,F,100,35,true,loan,north,app
2023-11,G,100,95,false,card,north,app
2023-12,G,100,0,false,loan,south,branch
2024-01,G,100,0,false,loan,south,branch
2024-02,G,100,181,false,loan,south,branch
2023-11,H1,100,15,false,card,north,app
2023-12,H1,100,0,false,card,north,app
2024-01,H1,100,30,false,card,north,app
2024-02,H1,100,60,false,card,north,app
2024-03,H1,100,90,false,card,north,app
2023-11,H2,100,15,false,card,north,app
2023-12,H2,100,0,false,card,north,app
2024-01,H2,100,31,false,card,north,app
2024-02,H2,100,61,false,card,north,app
2024-03,H2,100,91,false,card,north,app
2024-04,H2,100,121,false,card,north,app
"""


@pytest.fixture(scope="module")
def hand_con(tmp_path_factory):
    con, _ = load(write(tmp_path_factory.mktemp("hand"), HAND_BOOK), jumps=False)
    yield con
    con.close()


def test_hand_built_book(hand_con):
    months = months_of(hand_con)
    assert assert_same_as_old(hand_con, months[0], months[-1]) == 10
    for i, first in enumerate(months):
        for last in months[i:]:
            assert_same_as_old(hand_con, first, last)


def test_hand_built_events_are_the_ones_the_definitions_name(hand_con):
    """Not only equal to the old query: the events of HAND_BOOK, written out by hand."""
    got = hand_con.execute(
        "select event, strftime(event_month, '%Y-%m'), cast(product as varchar), cast(region as varchar), "
        "cast(channel as varchar), from_band, first_k, loans from (" + db.sql_text("cubes/restructure_cube")
        + ") where threshold_band = 1 order by all",
        {"from_month": date(2023, 11, 1), "to_month": date(2024, 4, 1)}).fetchall()
    band = dict(hand_con.execute("select dpd, dpd_band from dpd_lookup").fetchall())
    expected = sorted([
        ("restructured", "2023-12", "card", "north", "app", band[45], 1, 1),      # A: DPD 31 in January
        ("restructured", "2023-12", "loan", "south", "branch", band[70], 3, 1),   # B: DPD 20 in March
        ("restructured", "2024-03", "loan", "south", "branch", band[0], None, 1),  # B again, from February
        ("cured", "2023-12", "card", "west", "app", band[10], 1, 1),              # C
        ("cured", "2024-04", "card", "west", "app", band[65], None, 1),           # C after its gap
        ("cured", "2023-12", "card", "south", "app", band[30], 3, 1),             # D: unknown flag at the cure
        ("restructured", "2024-02", "card", "south", "app", band[0], 1, 1),       # D: unknown flag before
        ("cured", "2023-12", "loan", "south", "branch", band[95], 2, 1),          # G: December's dimensions
        ("cured", "2023-12", "card", "north", "app", band[15], 1, 2),             # H1, H2
    ], key=repr)
    assert sorted(got, key=repr) == expected


# --- random books ----------------------------------------------------------------------------------
DPD = st.sampled_from([0, 0, 0, 0, 1, 15, 30, 31, 45, 60, 61, 90, 91, 120, 121, 181, 400])
FLAG = st.sampled_from(["false", "false", "true", "true", ""])
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)


def add_months(d: date, n: int) -> date:
    y, mo = divmod(d.month - 1 + n, 12)
    return date(d.year + y, mo + 1, 1)


@st.composite
def random_books(draw) -> tuple[list[list], bool, int, int]:
    """CSV rows of 1-7 loans over 2-8 months starting in Oct or Nov (so the follow-up crosses a
    year end), loans present or not in any month (gaps, late starts, exits), restructured true /
    false / unknown (or no such column), product, region and channel changing from month to month;
    and a sub-range of event months."""
    start = draw(st.sampled_from([date(2023, 10, 1), date(2023, 11, 1)]))
    n = draw(st.integers(2, 8))
    rows = []
    for i in range(draw(st.integers(1, 7))):
        present = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        present[0] = present[0] or i == 0  # the book's first month is present
        for m, here in enumerate(present):
            if here:
                rows.append([f"{add_months(start, m):%Y-%m}", f"L{i}", 100, draw(DPD), draw(FLAG),
                             draw(st.sampled_from(["card", "loan"])), draw(st.sampled_from(["n", "s"])),
                             draw(st.sampled_from(["app", "branch"]))])
    first = draw(st.integers(0, n - 1))
    return rows, draw(st.booleans()), first, draw(st.integers(first, n - 1))


@FAST
@given(random_books())
def test_random_books(case):
    rows, flag_column, first, last = case
    header = ["snapshot_month", "loan_id", "outstanding_balance", "days_past_due", "restructured",
              "product", "region", "channel"]
    keep = [i for i, c in enumerate(header) if flag_column or c != "restructured"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerows([[r[i] for i in keep] for r in [header, *rows]])
        con, _ = load(str(path), jumps=False)
        try:
            start = months_of(con)[0]  # the generator's first month (loan L0 is there)
            assert_same_as_old(con, start, months_of(con)[-1])
            assert_same_as_old(con, add_months(start, first), add_months(start, last))
        finally:
            con.close()


def test_the_book_is_the_probe_side_of_the_lookup(book):
    """Speed, not results: the one join that reads the whole book must stream it through a hash
    table built on the few candidates (a hash table of the whole book made the first version slow;
    DuckDB picks the side by its estimates, which the shape of the SQL steers)."""
    sql = db.sql_text("cubes/restructure_cube")
    months = months_of(book.con)
    plan = json.loads(book.con.execute("explain (format json) " + sql,
                                       {"from_month": months[0], "to_month": months[-1]}).fetchall()[0][1])

    def scans_book(node) -> bool:  # a plain scan of loan_snapshots, under projections only
        while node["name"] == "PROJECTION":
            node = node["children"][0]
        return node["name"] in ("SEQ_SCAN", "TABLE_SCAN") and \
            str(node.get("extra_info", {}).get("Table", "")).endswith("loan_snapshots")

    joins = []

    def walk(node):
        if node["name"] == "HASH_JOIN" and any(scans_book(c) for c in node["children"]):
            joins.append([scans_book(c) for c in node["children"]])
        for c in node.get("children", []):
            walk(c)

    for node in plan:
        walk(node)
    assert joins == [[True, False]]  # one such join; the book is its probe (left) side
