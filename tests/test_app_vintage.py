"""The Vintage page, run under AppTest and checked against monitor.records / monitor.metrics."""
import math

import pytest
from helpers import REAL, SAMPLE, figure, figures, open_app

from monitor import metrics as m
from monitor.book import open_book
from monitor.records import vintage_records

PAGE = "pages/vintage.py"


@pytest.fixture(scope="module")
def con():
    book = open_book(str(SAMPLE))
    yield book.con
    book.close()


@pytest.fixture(scope="module")
def page():
    at = open_app(PAGE)
    assert not at.exception
    return at


def blank(v) -> bool:
    """A cell drawn as nothing (JSON null or NaN), never 0."""
    return v is None or math.isnan(v)


def heat_cell(fig: dict, cohort: str, mob: int):
    rates = next(t for t in fig["data"] if t["type"] == "heatmap" and t.get("name"))
    return rates["z"][rates["y"].index(cohort)][rates["x"].index(mob)]


def test_heatmap_cell_equals_vintage_records(page, con):
    rec = {(r["cohort"], r["mob"]): r for r in vintage_records(con, "cn", "M2+")}
    fig = figure(page, "vintage_heatmap")
    for cohort, mob in (("2024-06", 7), ("2023-03", 20), ("2025-05", 4)):
        assert heat_cell(fig, cohort, mob) == pytest.approx(rec[(cohort, mob)]["rate"])
    # left-censored cohorts are excluded by default
    assert all(c >= "2023-01" for c in fig["data"][1]["y"])


def test_immature_cells_are_masked_not_zero(page, con):
    fig = figure(page, "vintage_heatmap")
    grey, rates = fig["data"][0], fig["data"][1]
    for cohort in ("2024-06", "2025-11"):
        row = rates["y"].index(cohort)
        for mob in (0, 1):  # M2+ cannot be reached before MOB 2
            col = rates["x"].index(mob)
            assert blank(rates["z"][row][col])
            assert grey["z"][row][col] == 1
    # cells a cohort has not reached are blank in both layers
    row, col = rates["y"].index("2025-11"), rates["x"].index(5)
    assert blank(grey["z"][row][col]) and blank(rates["z"][row][col])
    # the curves leave immature MOBs out
    curves = figure(page, "vintage_curves")
    assert all(min(t["x"]) >= 2 for t in curves["data"] if t.get("x") and t["x"][0] is not None)


def test_measure_switch_shows_ever_rate(con):
    at = open_app(PAGE)
    at.button_group(key="vintage_basis").set_value("count").run()
    assert not at.exception
    rec = {(r["cohort"], r["mob"]): r for r in vintage_records(con, "cn", "M2+")}
    assert heat_cell(figure(at, "vintage_heatmap"), "2024-06", 7) == pytest.approx(rec[("2024-06", 7)]["ever_rate"])
    at.button_group(key="vintage_level").set_value("M4+").run()
    fig = figure(at, "vintage_heatmap")
    rates = fig["data"][1]
    row = rates["y"].index("2024-06")
    assert all(blank(rates["z"][row][rates["x"].index(mob)]) for mob in range(4))  # MOB < 4 immature at M4+


def test_product_filter_changes_numbers(page, con):
    at = open_app(PAGE, query={"product": "消费分期"})
    assert not at.exception
    df = m.vintage(con, m.Scope(products=("消费分期",)), "M2+")
    want = df[(df.cohort == "2024-06-01") & (df.mob == 7)]["rate"].item()
    got = heat_cell(figure(at, "vintage_heatmap"), "2024-06", 7)
    assert got == pytest.approx(want)
    assert got != pytest.approx(heat_cell(figure(page, "vintage_heatmap"), "2024-06", 7))


def test_group_by_product_draws_a_panel_per_product(con):
    at = open_app(PAGE)
    at.button_group(key="vintage_group").set_value("product").run()
    assert not at.exception
    fig = figure(at, "vintage_curves")
    titles = {a["text"] for a in fig["layout"]["annotations"]}
    assert {"全部", "消费分期", "信用卡"} <= titles
    at.selectbox(key="vintage_heat_group").set_value("消费分期").run()
    df = m.vintage(con, m.Scope(), "M2+", "product")
    want = df[(df.grp == "消费分期") & (df.cohort == "2024-06-01") & (df.mob == 7)]["rate"].item()
    assert heat_cell(figure(at, "vintage_heatmap"), "2024-06", 7) == pytest.approx(want)


def test_left_censored_toggle(page):
    at = open_app(PAGE)
    at.toggle(key="vintage_censored").set_value(True).run()
    assert not at.exception
    cohorts = figure(at, "vintage_heatmap")["data"][1]["y"]
    assert cohorts[0] < "2023-01" and len(cohorts) > len(figure(page, "vintage_heatmap")["data"][1]["y"])


def test_real_panel_explains_missing_columns():
    at = open_app(PAGE, data=REAL)
    assert not at.exception
    assert not figures(at)
    text = " ".join(w.value for w in at.warning)
    assert "origination_month" in text and "principal" in text
