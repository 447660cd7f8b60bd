"""Uploads on the Data page, headless: a folder per session, a first look at the file, and
validation into a *candidate* store that the session switches to only when the user says so.

Nothing here touches the data a session shows or the book other sessions share: a candidate is
a new DuckDB store file in the session's folder (the loader, the cubes and store_info, as
`python -m monitor build` writes them), built by the same loader; the app opens it read-only and
sealed like any store. A further month is validated the same way and appended (monitor.append)
to a copy of the session's store, or, for an in-memory book, to a store rebuilt from its source.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from . import db
from .append import append_month
from .book import Book, build
from .errors import Issue, UserError
from .loader import COLUMNS, LoadReport, load
from .sources import open_source
from .store import build_store, info_params, read_info, report_from_info, temp_path, write_info

UPLOAD_MB_ENV = "MONITOR_UPLOAD_MB"
UPLOAD_DIR_ENV = "MONITOR_UPLOAD_DIR"
UPLOAD_TTL_ENV = "MONITOR_UPLOAD_TTL_HOURS"
SUFFIXES = ("csv", "txt", "tsv", "parquet", "pq")
_SAMPLE_ROWS = 50_000  # the values shown per column come from the file's first rows
Progress = Callable[[float, str], None]


def _quiet(_: float, __: str) -> None:
    pass


# --- limits and folders ---------------------------------------------------------------------------
def upload_limit_mb(server_max_mb: int) -> int:
    """The upload limit: $MONITOR_UPLOAD_MB when set (never above the server's own
    server.maxUploadSize, which the browser enforces first), else the server's."""
    raw = os.environ.get(UPLOAD_MB_ENV, "").strip()
    if not raw:
        return server_max_mb
    try:
        return max(1, min(int(float(raw)), server_max_mb))
    except ValueError:
        raise UserError(f"{UPLOAD_MB_ENV}={raw!r} is not a number of megabytes",
                        f"{UPLOAD_MB_ENV}={raw!r} 不是以 MB 为单位的数字") from None


def check_size(name: str, size: int, limit_mb: int) -> None:
    """Refuse a file over the limit, saying what to do instead."""
    if size > limit_mb * 1024 * 1024:
        mb = size / 1024 / 1024
        raise UserError(
            f"{name}: {mb:,.1f} MB is over the upload limit of {limit_mb} MB ({UPLOAD_MB_ENV}). "
            "Split the extract by month and append each month, or build a store on the server "
            "(python -m monitor build) and start the app with --db.",
            f"{name}：{mb:,.1f} MB，超过上传上限 {limit_mb} MB（{UPLOAD_MB_ENV}）。请按月拆分后逐月追加，"
            "或在服务器上用 python -m monitor build 构建数据库后以 --db 启动。")


def uploads_root() -> Path:
    return Path(os.environ.get(UPLOAD_DIR_ENV) or Path(tempfile.gettempdir()) / "monitor_uploads")


def sweep(root: Path, max_age_hours: float) -> int:
    """Remove session folders untouched for longer than `max_age_hours`; return how many."""
    if not root.is_dir():
        return 0
    cutoff, gone = time.time() - max_age_hours * 3600, 0
    for d in root.iterdir():
        try:
            if d.is_dir() and d.name.startswith("s-") and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                gone += 1
        except OSError:
            continue
    return gone


def session_dir(root: Path | None = None) -> Path:
    """A new private folder for one browser session's uploads (older ones are swept)."""
    root = root or uploads_root()
    root.mkdir(parents=True, exist_ok=True)
    sweep(root, float(os.environ.get(UPLOAD_TTL_ENV, "24")))
    folder = root / f"s-{uuid.uuid4().hex[:16]}"
    folder.mkdir(mode=0o700)
    return folder


def safe_name(name: str) -> str:
    """The uploaded file's own name, without folders or characters a file name cannot hold."""
    base = re.sub(r"[\x00-\x1f/\\:*?\"<>|]", "_", Path(str(name).replace("\\", "/")).name).strip(" .")
    return base[:120] or "upload.csv"


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Write the upload under its own name in the session folder (an earlier file of the same
    name is replaced)."""
    path = folder / safe_name(name)
    path.write_bytes(data)
    return path


def clean(text: str, folder: Path | str | None) -> str:
    """A message as the user should read it: the session folder removed from file paths."""
    return text.replace(str(folder) + os.sep, "") if folder else text


def _relabel(report: LoadReport, folder: Path) -> LoadReport:
    """The report with the session folder taken out of its source and warning texts."""
    warnings = [Issue(w.code, w.column, w.count, w.examples, clean(w.text_en, folder), clean(w.text_zh, folder))
                for w in report.warnings]
    return replace(report, source=clean(report.source, folder), warnings=warnings)


# --- a first look ---------------------------------------------------------------------------------
@dataclass
class Peek:
    """What the mapping step shows: the file's columns, first rows and a few values per column."""

    path: Path
    kind: str
    encoding: str
    columns: list[str]
    head: pd.DataFrame
    values: dict[str, list[str]] = field(default_factory=dict)  # column -> up to 12 distinct values


def peek(path: Path) -> Peek:
    """Open the file as the loader would (same encodings and readers) and look at it: columns,
    the first 5 rows and the distinct values of each column among the first rows."""
    con = db.new_connection()
    try:
        src = open_source(con, str(path))
        rel = con.table("source_raw")
        cols = list(src.columns)
        head = rel.select(*[duckdb.ColumnExpression(c) for c in cols]).limit(5).df() if cols else pd.DataFrame()
        sample = rel.limit(_SAMPLE_ROWS)
        values = {}
        for c in cols:
            text = duckdb.FunctionExpression("trim", duckdb.ColumnExpression(c).cast(duckdb.sqltype("VARCHAR")))
            rows = sample.select(text.alias("v")).distinct().limit(12).fetchall()
            values[c] = sorted((str(r[0]) for r in rows if r[0] not in (None, "")), key=_natural)
        return Peek(Path(path), src.kind, src.encoding, cols, head, values)
    finally:
        con.close()


def _natural(text: str) -> tuple:
    """"M2" before "M10", "2" before "10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


# --- candidates -----------------------------------------------------------------------------------
@dataclass
class Candidate:
    """A validated upload, ready to be used: the store it was built into and what it holds."""

    store: Path
    report: LoadReport  # the uploaded file's own load report (messages without the session folder)
    book: LoadReport  # the whole book the store holds (for an append: with the new month)
    kind: str  # "replace" or "append"
    seconds: float

    @property
    def ok(self) -> bool:
        return self.store.exists()


def _new_store(folder: Path, stem: str) -> Path:
    return folder / f"{stem}-{uuid.uuid4().hex[:8]}.duckdb"


def validate(path: Path, mapping: dict[str, str], dpd_codes: dict[str, int] | None, folder: Path,
             progress: Progress = _quiet) -> Candidate:
    """Load and validate `path` with the user's mapping, build every cube and write it all to a
    new store in `folder` (renamed into place only when everything succeeded). Raises LoadError
    (the refusals, one per problem) or UserError; nothing is left behind then."""
    t0 = time.perf_counter()
    out = _new_store(folder, "book")
    tmp = temp_path(out)
    con = db.new_connection(str(tmp))
    try:
        con.execute("set disabled_compression_methods = 'dict_fsst'")  # as store.build_store
        progress(0.05, "Reading and validating {name} …")
        con, report = load(str(path), mapping, con=con, jumps=False, dpd_codes=dpd_codes)
        con.execute("reset disabled_compression_methods")
        progress(0.55, "Building the cubes …")
        stats = build(con, report)
        report = _relabel(report, folder)
        progress(0.9, "Writing the book …")
        write_info(con, info_params(report, stats))
        con.execute("checkpoint")
        con.close()
        os.replace(tmp, out)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    progress(1.0, "Done")
    return Candidate(out, report, report, "replace", time.perf_counter() - t0)


def _month_parquet(path: Path, mapping: dict[str, str], dpd_codes: dict[str, int] | None,
                   folder: Path) -> tuple[Path, LoadReport]:
    """Validate one month with the user's mapping and write it in DESIGN columns (the form
    monitor.append reads without a mapping)."""
    con, report = load(str(path), mapping, jumps=False, dpd_codes=dpd_codes)
    try:
        if report.months != 1:
            raise UserError(
                f"{report.source}: holds {report.months} months ({report.first_month:%Y-%m} … "
                f"{report.last_month:%Y-%m}); a further month is one month-end snapshot",
                f"{report.source}：包含 {report.months} 个月（{report.first_month:%Y-%m} … "
                f"{report.last_month:%Y-%m}）；追加时只能是一个月的月末快照")
        # column names come from the loader's fixed DESIGN list, never from the file
        cols = [c for c in COLUMNS if COLUMNS[c][1] or c in report.columns]
        out = folder / f"{Path(path).stem}.validated.parquet"
        con.table("loan_snapshots").select(*cols).write_parquet(str(out))
        return out, report
    finally:
        con.close()


def append(book: Book, path: Path, mapping: dict[str, str], dpd_codes: dict[str, int] | None,
           folder: Path, replace_month: bool = False, progress: Progress = _quiet) -> Candidate:
    """Validate one further month and append it to a copy of the session's book: a DuckDB store
    is copied, an in-memory book is rebuilt into a store from its own source first. The book in
    use is never modified; a refusal or failure leaves no candidate."""
    t0 = time.perf_counter()
    progress(0.05, "Reading and validating {name} …")
    month_file, report = _month_parquet(path, mapping, dpd_codes, folder)
    out = _new_store(folder, "book")
    try:
        if book.store and Path(book.store).is_file():
            progress(0.3, "Copying the book …")
            shutil.copyfile(book.store, out)
        elif book.store:
            raise UserError(f"{book.store}: a store folder built by Spark takes its monthly appends on the "
                            "cluster (monitor build --engine spark); the app cannot append to it",
                            f"{book.store}：Spark 构建的数据目录需在集群上追加月份，看板中无法追加")
        else:
            progress(0.3, "Rebuilding the book from its source …")
            build_store(book.source, str(out), mapping=book.report.mapping if book.report else None, rules=None)
        progress(0.6, "Appending the month and updating the cubes …")
        append_month(str(out), str(month_file), replace=replace_month)
        con = duckdb.connect(str(out), read_only=True)
        try:
            whole = report_from_info(read_info(con))
        finally:
            con.close()
    except BaseException:
        out.unlink(missing_ok=True)
        Path(str(out) + ".wal").unlink(missing_ok=True)
        raise
    finally:
        month_file.unlink(missing_ok=True)
    progress(1.0, "Done")
    return Candidate(out, _relabel(report, folder), _relabel(whole, folder), "append", time.perf_counter() - t0)
