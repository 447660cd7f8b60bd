"""Malformed files, generated (hypothesis): wrong types, broken encodings, huge numbers, empty
columns, mixed date formats, BOMs, GBK text, ragged rows, a header only, binary junk. Each one
either loads (with or without warnings) or is refused with a message that names the file; the
loader, and the Data page's first look at an upload (monitor.upload.peek), never raise anything
else."""
from __future__ import annotations

import codecs
import itertools

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import mapping as mp
from monitor import upload as up
from monitor.errors import LoadError, UserError
from monitor.loader import load

HEADER = ["snapshot_month", "loan_id", "outstanding_balance", "days_past_due", "product", "overdue_amount"]
CN_HEADER = ["数据月份", "借据号", "贷款余额(元)", "逾期天数", "产品", "逾期金额(元)"]
_counter = itertools.count()

months = st.sampled_from(["2025-01", "2025-02-15", "2025/03", "202504", "2025年5月", "Jan 2025", "01/2025",
                          "2025-13", "", " 2025-06 ", "2025-07-01 00:00:00", "0000-00", "99999-01"])
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["1e308", "1e400", "-1e400", "9" * 400, "inf", "NaN", "1,234.50", "¥88", "12元", "", " ",
                     "abc", "0x1F", "1_000", "--5", "1.2.3"]))
dpds = st.one_of(st.integers(-5, 40000).map(str), st.sampled_from(["", "1.5", "M2", "正常", "1e9", "-0", "30天"]))
texts = st.one_of(st.text(max_size=12), st.sampled_from(["信用卡", "消费分期", "", "a,b", 'x"y', "\x00", "\ufeff"]))


@st.composite
def tables(draw) -> list[list[str]]:
    """Rows of the six columns with some cells wrong; sometimes a column emptied or a row ragged."""
    n = draw(st.integers(0, 8))
    rows = [[draw(months), draw(st.sampled_from(["a", "b", "c", ""])), draw(numbers), draw(dpds), draw(texts),
             draw(numbers)] for _ in range(n)]
    if rows and draw(st.booleans()):
        col = draw(st.integers(0, len(HEADER) - 1))
        for r in rows:
            r[col] = ""  # an empty column
    if rows and draw(st.booleans()):
        i = draw(st.integers(0, len(rows) - 1))
        rows[i] = rows[i][: draw(st.integers(0, 8))] + ["extra"] * draw(st.integers(0, 2))  # a ragged row
    return rows


def _csv(header: list[str], rows: list[list[str]], sep: str) -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in (sep, '"', "\n")) else v
    return "\n".join(sep.join(cell(v) for v in r) for r in [header, *rows]) + "\n"


ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8", "surrogatepass"),
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8", "surrogatepass"),
    "utf-16": lambda s: s.encode("utf-16", "surrogatepass"),
    "utf-16-be-bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be", "surrogatepass"),
    "gbk": lambda s: s.encode("gbk", "replace"),
    "latin-1": lambda s: s.encode("latin-1", "replace"),
}


@st.composite
def files(draw) -> tuple[str, bytes]:
    """(file name, bytes) of one malformed source."""
    kind = draw(st.sampled_from(["csv", "csv", "csv", "junk", "truncated", "parquet_junk", "header_only"]))
    if kind == "junk":
        return draw(st.sampled_from(["junk.csv", "junk.parquet", "junk.txt"])), draw(st.binary(max_size=300))
    if kind == "parquet_junk":
        return "broken.parquet", b"PAR1" + draw(st.binary(max_size=200)) + b"PAR1"
    header = draw(st.sampled_from([HEADER, CN_HEADER]))
    if kind == "header_only":
        return "header.csv", draw(st.sampled_from(list(ENCODINGS.values())))(",".join(header) + "\n")
    text = _csv(header, draw(tables()), draw(st.sampled_from([",", ",", ";", "\t"])))
    data = ENCODINGS[draw(st.sampled_from(list(ENCODINGS)))](text)
    if kind == "truncated" and data:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=4))  # a multibyte character cut, junk after
    return f"extract_{kind}.csv", data


def _check(path, mapping=None, codes=None) -> None:
    try:
        load(str(path), mapping, dpd_codes=codes)[0].close()
    except UserError as e:  # LoadError is a UserError
        text = e.message("en") + e.message("zh")
        assert path.name in text, text
        if isinstance(e, LoadError):
            assert e.problems and all(p.text_en and p.text_zh for p in e.problems)


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(files())
def test_a_malformed_file_loads_or_is_refused_plainly(tmp_path, file):
    name, data = file
    folder = tmp_path / f"f{next(_counter)}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    _check(path)  # the names as they are (CLI and --data)
    try:  # the upload path: a first look, then the suggested mapping and code table
        peek = up.peek(path)
    except UserError as e:
        assert name in e.message("en")
        return
    mapping = mp.suggest(peek.columns)
    dpd = mapping.get("days_past_due")
    scheme = mp.suggest_scheme(dpd, peek.values.get(dpd, [])) if dpd else "days"
    _check(path, mapping, mp.dpd_codes(scheme))


def test_each_kind_at_least_once(tmp_path):
    """The shapes above, one fixed example each, with the outcome a user should see."""
    cases = {
        "gbk.csv": ("数据月份,借据号,贷款余额(元),逾期天数\n2025-01,甲,100,0\n".encode("gbk"), None),
        "bom.csv": (codecs.BOM_UTF8 + b"snapshot_month,loan_id,outstanding_balance,days_past_due\n2025-01,a,1,0\n",
                    None),
        "utf16.csv": ("snapshot_month,loan_id,outstanding_balance,days_past_due\n2025-01,a,1,0\n".encode("utf-16"),
                      None),
        "header.csv": (b"snapshot_month,loan_id,outstanding_balance,days_past_due\n", "no_rows"),
        "huge.csv": (b"snapshot_month,loan_id,outstanding_balance,days_past_due\n2025-01,a,1e400,0\n",
                     "balance_unparsable"),
        "ragged.csv": (b"snapshot_month,loan_id,outstanding_balance,days_past_due\n2025-01,a,1,0,9,9\n2025-01,b\n",
                       "unreadable"),
        "junk.csv": (bytes(range(256)) * 3, "unreadable"),
        "junk.parquet": (b"PAR1\x00\x01garbagePAR1", "unreadable"),
        "mixed_dates.csv": (b"snapshot_month,loan_id,outstanding_balance,days_past_due\n"
                            b"2025-01,a,1,0\n2025/02,a,1,0\n202503,a,1,0\nMarch 2025,b,1,0\n", "month_unparsable"),
    }
    for name, (data, refusal) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        if refusal is None:
            con, report = load(str(path), mp.suggest(up.peek(path).columns))
            assert report.rows == 1
            con.close()
            continue
        try:
            load(str(path))[0].close()
            raise AssertionError(f"{name} loaded")
        except LoadError as e:
            assert [p.code for p in e.problems] == [refusal], (name, e)
            assert name in str(e)


def test_duckdb_errors_do_not_escape_for_a_parquet_with_a_wrong_schema(tmp_path):
    """A Parquet file whose columns hold nested or binary values: refused or loaded, never a crash."""
    path = tmp_path / "nested.parquet"
    duckdb.connect().sql("select [1, 2] as snapshot_month, {'a': 1} as loan_id, 'x'::blob as outstanding_balance, "
               "2.5 as days_past_due").write_parquet(str(path))
    _check(path)
