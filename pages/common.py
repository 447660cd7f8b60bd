"""What every page shares: the book, the sidebar filters, cached queries, translation, downloads.

The only cached entry to the database is `fetch`: a bounded `cache_data` keyed by the book, the
query (with its SQL text), and the bound parameters; it runs on a cursor of the book's connection.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from monitor import access, db, metrics
from monitor.alerts import evaluate
from monitor.book import Book, open_book, stored_breaches
from monitor.definitions import load_definitions
from monitor.errors import UserError
from monitor.i18n import DIM_LABELS, t
from monitor.metrics import Scope
from monitor.rules import Rule, RulesError, parse_rules
from monitor.store import is_store, open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "sample_book.parquet"
RULES_SAMPLE = ROOT / "sample_data" / "rules.toml"
# metric function -> the SQL file it runs (its text is part of the cache key)
QUERIES = {"overdue_by_month": "metrics/overdue_by_month", "bucket_balance": "metrics/bucket_balance",
           "transition_matrix": "metrics/transition_matrix", "roll_cure": "metrics/roll_cure",
           "flow_rates": "metrics/flow_rates", "vintage": "metrics/vintage"}
FILTER_DIMS = ("product", "region", "channel")


# --- source and book ---------------------------------------------------------------------------
#: session_state key: this session's own data, a store the Data page built from an upload. It is
#: this browser session's alone: every other session keeps the server's data.
SESSION_SOURCE = "data_session_source"


def session_source() -> str | None:
    """The store this session switched to on the Data page, while its file exists."""
    try:
        path = st.session_state.get(SESSION_SOURCE)
    except Exception:  # outside a script run (AppTest formatting a widget): no session
        return None
    return path if path and Path(path).exists() else None


def source() -> str:
    """The data the app shows: this session's upload (the Data page), else a prebuilt store
    (`-- --db PATH` or $MONITOR_DB), else `-- --data PATH`, else $MONITOR_DATA, else the sample book."""
    return (session_source() or _arg("db") or os.environ.get("MONITOR_DB") or _arg("data")
            or os.environ.get("MONITOR_DATA") or str(SAMPLE))


def _stamp(path: str) -> float:
    p = Path(path)
    return max((f.stat().st_mtime for f in p.rglob("*")), default=0.0) if p.is_dir() else (
        p.stat().st_mtime if p.exists() else 0.0)


@st.cache_resource(max_entries=8, show_spinner=False)  # the server's book and a few sessions' uploads
def _load(path: str, stamp: float) -> Book:
    """Load, validate and build the cubes once per source version; then seal the connection."""
    if is_store(path):  # a prebuilt store (monitor build): opened read-only, already sealed
        return open_store(path)
    book = open_book(path)
    # Once loaded, the query connection may not touch local files nor change its settings.
    book.con.execute("set enable_external_access = false")
    book.con.execute("set lock_configuration = true")
    return book


def book() -> Book:
    """The current book, or a plain message (never a traceback) and a stop."""
    path = source()
    try:
        with st.spinner(tr("Loading {path} …", path=Path(path).name)):
            return _load(path, _stamp(path))
    except UserError as e:
        st.error(f"**{tr('The data could not be loaded')}**\n\n" + e.message(lang()).replace("\n", "\n\n"))
        st.stop()


def _arg(name: str) -> str | None:
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument(f"--{name}")
    args, _ = ap.parse_known_args(sys.argv[1:])
    return getattr(args, name)


def book_token() -> tuple[str, float]:
    path = source()
    return path, _stamp(path)


# --- language ----------------------------------------------------------------------------------
_LANG = {"last": "zh"}  # the language of the latest script run (see lang())


def lang() -> str:
    """The UI language. Outside a script run (AppTest formatting a widget's options) the session is
    not reachable; the language of the latest run is the right answer there."""
    return st.session_state.get("lang") or _LANG["last"]


def set_lang(value: str) -> None:
    _LANG["last"] = value


def tr(text: str, **kw) -> str:
    return t(text, lang(), **kw)


def dim_label(dim: str) -> str:
    """'age_band' -> 'Age band' / '年龄段'."""
    return t(DIM_LABELS.get(dim, dim), lang())


# --- cached queries ----------------------------------------------------------------------------
@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _fetch(token: tuple[str, float], fn: str, sql_hash: str, scope: Scope | None,
           kwargs: tuple) -> pd.DataFrame:
    con = _load(*token).con.cursor()  # a cursor per call: DuckDB connections are not thread-safe
    try:
        if fn in QUERIES:
            return getattr(metrics, fn)(con, scope, **dict(kwargs))
        return db.run(con, fn, **dict(kwargs))
    finally:
        con.close()


def _hash(name: str) -> str:
    return hashlib.sha1(db.sql_text(name).encode()).hexdigest()


def fetch(fn: str, scope: Scope | None = None, **kwargs) -> pd.DataFrame:
    """A metric (`fetch("overdue_by_month", scope, group_by="product")`) or a SQL file under
    queries/ (`fetch("ui/dimension_values")`), cached per book and parameters."""
    name = QUERIES.get(fn, fn)
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    return _fetch(book_token(), fn, _hash(name), scope, frozen)


# --- cached figures and derived frames ---------------------------------------------------------
# A page's figures are pure functions of small frames and labels, and building one with Plotly's
# validation costs 20–100 ms of Python; with several sessions on one server those milliseconds
# queue behind the GIL. Both caches are keyed by the builder and its arguments (frames by content).
@st.cache_resource(max_entries=1024, show_spinner=False)
def _figure(name: str, _builder, args: tuple, kwargs: dict):  # keyed by the builder's name, not the function
    return _builder(*args, **kwargs)


def figure(builder, *args, **kwargs):
    """`builder(*args, **kwargs)`, a Plotly figure built once per distinct input for every session.
    The figure is shared: render it, never change it."""
    return _figure(f"{builder.__module__}.{builder.__qualname__}", builder, args, kwargs)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _compute(name: str, _fn, args: tuple, kwargs: dict):
    return _fn(*args, **kwargs)


def compute(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` for a pure, costly computation on fetched frames (e.g. a backtest),
    cached like a query (each caller gets its own copy)."""
    return _compute(f"{fn.__module__}.{fn.__qualname__}", fn, args, kwargs)


# --- rules and breaches ------------------------------------------------------------------------
_LAST_GOOD: dict[str, str] = {}  # rules file -> the last text that validated (kept on a bad edit)


def rules_path() -> Path:
    """The rules file: `-- --rules PATH`, else $MONITOR_RULES, else the sample rules."""
    return Path(_arg("rules") or os.environ.get("MONITOR_RULES") or RULES_SAMPLE)


def rules_state() -> tuple[list[Rule], str, str | None]:
    """(rules in force, their TOML text, the error of the file on disk if it is invalid).
    A bad file never replaces the last good rules."""
    path = rules_path()
    try:
        text = path.read_text(encoding="utf-8")
        rules = parse_rules(text, str(path))
        _LAST_GOOD[str(path)] = text
        return rules, text, None
    except (OSError, RulesError) as e:
        message = e.message(lang()) if isinstance(e, RulesError) else f"{path}: {e}"
        good = _LAST_GOOD.get(str(path))
        return (parse_rules(good) if good else []), good or "", message


def rules() -> list[Rule]:
    return rules_state()[0]


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _breaches(token: tuple[str, float], rules_text: str, scheme: str) -> pd.DataFrame:
    stored = stored_breaches(_load(*token), rules_text, scheme)
    if stored is not None:  # a store built with these very rules: its breaches are the answer
        return stored
    con = _load(*token).con.cursor()
    try:
        return evaluate(con, parse_rules(rules_text), scheme)[0]
    finally:
        con.close()


def breaches() -> pd.DataFrame:
    """Every breach of the rules in force over the whole book, in the sidebar's scheme: one
    evaluation per data load and rules change, shared by every chart, table and page."""
    _, text, _ = rules_state()
    return _breaches(book_token(), text, view().scope.scheme)


# --- access -------------------------------------------------------------------------------------
def login_enabled() -> bool:
    """Login is on when .streamlit/secrets.toml configures [auth] for st.login (OIDC)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def can_edit() -> bool:
    """Risk managers upload data and edit rules; executives only view (when login is on)."""
    enabled = login_enabled()
    signed_in = bool(enabled and st.user.is_logged_in)
    email = st.user.get("email") if signed_in else None
    return access.can_edit(enabled, signed_in, email, access.load_roles())


# --- URL state by value ----------------------------------------------------------------------------
def url_widget(widget, label: str, options: list, key: str, default, **kw):
    """A single-choice widget whose value (not its translated label, which Streamlit's own
    `bind="query-params"` would store) lives in the URL as ?key=value, so a shared link means
    the same view in either language."""
    options = list(options)
    if st.session_state.get(key) not in options:
        raw = st.query_params.get(key)
        st.session_state[key] = raw if raw in options else default
    value = widget(label, options, key=key, **kw)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = str(value)
    return value


# --- sidebar filters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class View:
    """The sidebar's state: the scope every query honours, and what the book offers."""

    scope: Scope
    months: tuple[date, ...]  # every month in the book
    columns: tuple[str, ...]  # optional DESIGN columns present

    @property
    def month(self) -> date:
        """The month the page reports on: the end of the selected range."""
        return self.scope.to_month


def _dim_values() -> dict[str, list[str]]:
    df = fetch("ui/dimension_values")
    return {d: g["value"].tolist() for d, g in df.groupby("dim", sort=False)}


def _label(value: str) -> str:
    return tr(value) if value in ("(none)", "all") else value


def sidebar() -> View:
    """Draw the shared filters (bound to the URL, so a copied link reproduces the view)."""
    b = book()
    defs = load_definitions()
    cur = b.con.cursor()  # a cursor per use: sessions run in parallel threads on one connection
    try:
        all_months = tuple(metrics.months(cur))
    finally:
        cur.close()
    labels = [f"{m:%Y-%m}" for m in all_months]
    values = _dim_values()
    sb = st.sidebar
    sb.markdown(f"### {tr('Filters')}")
    if len(labels) > 1:
        lo, hi = sb.select_slider(tr("Months"), options=labels, value=(labels[0], labels[-1]),
                                  key="months", bind="query-params")
    else:
        lo = hi = labels[0]
        sb.caption(f"{tr('Months')}: {labels[0]}")
    chosen = {}
    for dim in FILTER_DIMS:
        opts = values.get(dim, [])
        if dim in b.columns or dim == "product" and len(opts) > 1:
            chosen[dim] = tuple(sb.multiselect(dim_label(dim), opts, key=dim,
                                               bind="query-params", placeholder=tr("All"),
                                               format_func=_label)) or None
    seg_dims = ["all"] + [d for d in metrics.SEG_DIMS[1:] if d in b.columns]
    seg = url_widget(sb.selectbox, tr("Segment"), seg_dims, "seg", "all",
                     format_func=lambda d: tr("None") if d == "all" else dim_label(d))
    seg_values = None
    if seg != "all":
        seg_values = tuple(sb.multiselect(tr("Segment values"), values.get(seg, []), key="segv",
                                          bind="query-params", placeholder=tr("All"),
                                          format_func=_label)) or None
    scheme = url_widget(sb.selectbox, tr("Bucket scheme"), list(defs.schemes), "scheme",
                        defs.default_scheme, format_func=lambda k: defs.schemes[k].label(lang()))
    sb.caption(tr("Copy this page's URL to share the view."))
    scope = Scope(scheme=scheme, from_month=all_months[labels.index(lo)],
                  to_month=all_months[labels.index(hi)], products=chosen.get("product"),
                  regions=chosen.get("region"), channels=chosen.get("channel"),
                  seg_dim=seg, seg_values=seg_values)
    return View(scope, all_months, tuple(b.columns))


def view() -> View:
    """The view the entry file's sidebar built for this run."""
    if "_view" not in st.session_state:
        # Streamlit starts an app that has a pages/ folder in its legacy multipage mode until
        # st.navigation has run once in the process; a first request straight to a page URL
        # then runs the page without app.py. Switch the mode off and rerun through app.py.
        from streamlit.runtime.pages_manager import PagesManager
        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["_view"]


def scheme_label(scope: Scope) -> str:
    return load_definitions().scheme(scope.scheme).label(lang())


# --- output helpers ----------------------------------------------------------------------------
def filters_text(scope: Scope) -> str:
    """The active filters in one line, for captions, file names and export headers."""
    parts = [f"{scope.from_month:%Y-%m}…{scope.to_month:%Y-%m}", scheme_label(scope)]
    for name, vals in (("product", scope.products), ("region", scope.regions),
                       ("channel", scope.channels)):
        if vals:
            parts.append(f"{dim_label(name)}={'+'.join(vals)}")
    if scope.seg_dim != "all":
        parts.append(f"{dim_label(scope.seg_dim)}={'+'.join(scope.seg_values or [tr('All')])}")
    return " | ".join(parts)


def chart(fig, key: str, **kw):
    """Render a Plotly figure the house way; extra keywords (on_select, selection_mode…) pass on."""
    return st.plotly_chart(fig, key=key, width="stretch",
                           config={"displaylogo": False, "toImageButtonOptions": {"format": "svg"}}, **kw)


def download(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel downloads that stand on their own: the CSV's first lines (the workbook's first
    sheet) state the source and the active filters, and the file name names the months, the
    scheme and every non-default filter. The workbook is built only when its button is clicked."""
    from monitor.report import exports
    scope = view().scope
    meta = [(tr("Loan Portfolio Monitor"), name), (tr("Data source"), source()),
            (tr("Filters"), filters_text(scope))]
    safe = exports.file_stem(name, scope)
    row = st.container(horizontal=True, gap="small")
    row.download_button(tr("Download CSV"), (exports.csv_header(meta) + df.to_csv(index=False)).encode("utf-8-sig"),
                        file_name=f"{safe}.csv", mime="text/csv", key=key, on_click="ignore")
    sheets = {"sheet": tr("Data"), "info_sheet": tr("Filters")}
    row.download_button(tr("Download Excel"), lambda: exports.table_workbook(df, meta, **sheets),
                        file_name=f"{safe}.xlsx", key=f"{key}_xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def no_data(message: str = "No data in the selected filters.") -> None:
    st.info(tr(message))
