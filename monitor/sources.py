"""Open a source (CSV, Parquet file, folder of Parquet, DuckDB file) as the view `source_raw`.

`source_raw` has the source's own columns plus `_file` and `_row` (1-based data row), so that
every problem can point at the rows behind it.
"""
from __future__ import annotations

import codecs
import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .errors import Issue, LoadError, UserError

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}
DUCKDB_SUFFIXES = {".duckdb", ".db", ".ddb"}
PREFERRED_TABLE = "loan_snapshots"


@dataclass(frozen=True)
class Source:
    path: str
    kind: str  # csv | parquet | parquet_dir | duckdb
    columns: dict[str, str]  # source column -> DuckDB type
    encoding: str = "utf-8"
    table: str | None = None

    def locate(self, file: str | None, row: int) -> str:
        """Human locator of a data row: 'line 7' in a CSV, 'part-1.parquet row 3' in a folder."""
        if self.kind == "csv":
            return f"line {row + 1}"  # +1: the header is line 1
        if self.kind == "parquet_dir" and file:
            return f"{Path(file).name} row {row}"
        return f"row {row}"


def _fail(path: str, en: str, zh: str) -> UserError:
    return UserError(f"{path}: {en}", f"{path}：{zh}")


def _refuse(path: str, code: str, en: str, zh: str) -> LoadError:
    """A source that exists but cannot be read: a refused load like any other (DESIGN §1)."""
    return LoadError(path, [Issue(code, None, 0, (), f"{path}: {en}", f"{path}：{zh}")])


def detect_kind(path: str) -> str:
    p = Path(path)
    if not p.exists():
        raise _fail(path, "file not found. Check the path given to --data (or MONITOR_DATA).",
                    "文件不存在。请检查 --data（或 MONITOR_DATA）给出的路径。")
    if p.is_dir():
        if not any(p.rglob("*.parquet")):
            raise _refuse(path, "unreadable", "the folder holds no .parquet files. Point --data at "
                          "a CSV, a Parquet file, a folder of Parquet files or a DuckDB file.",
                          "该文件夹中没有 .parquet 文件。请指定 CSV、Parquet 文件、Parquet 文件夹或 DuckDB 文件。")
        return "parquet_dir"
    if not os.access(p, os.R_OK):
        raise _refuse(path, "unreadable", "the file cannot be read (permission denied).",
                      "无权限读取该文件。")
    if p.stat().st_size == 0:
        raise _refuse(path, "empty_file", "the file is empty (0 bytes). Export the snapshot again.",
                      "文件为空（0 字节）。请重新导出快照数据。")
    suffix = p.suffix.lower()
    with open(p, "rb") as fh:
        head = fh.read(16)
    if suffix in PARQUET_SUFFIXES or head[:4] == b"PAR1":
        return "parquet"
    if suffix in DUCKDB_SUFFIXES or head[8:12] == b"DUCK":
        return "duckdb"
    return "csv"


def _csv_encoding(path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 (BOM) or GB18030 (covers GBK/GB2312), else refuse."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    for enc in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise _refuse(str(path), "unreadable",
                  "the file is neither UTF-8 nor GBK/GB18030 text. Save it as UTF-8 CSV.",
                  "文件既不是 UTF-8 也不是 GBK/GB18030 编码。请另存为 UTF-8 编码的 CSV。")


def _transcode(path: Path, encoding: str) -> Path:
    """Copy a non-UTF-8 CSV to a UTF-8 temp file that DuckDB can read."""
    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="monitor_utf8_")
    with open(path, encoding=encoding, newline="") as src, os.fdopen(fd, "w", encoding="utf-8",
                                                                    newline="") as dst:
        first = True
        while chunk := src.read(1 << 20):
            dst.write(chunk.lstrip("\ufeff") if first else chunk)
            first = False
    return Path(tmp)


def _check_fields(path: str, read: Path, columns: list[str]) -> None:
    """Refuse a CSV whose rows do not split like its header. DuckDB's sniffer reads such a file as
    one column named after the whole header line, which would read as 'missing columns'."""
    if len(columns) != 1:
        return
    delim = next((d for d in (",", ";", "\t", "|") if d in columns[0]), None)
    if delim is None:
        return
    with open(read, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter=delim)
        width = len(next(rows, []))
        line, found = 0, 0
        for row in rows:
            if row and len(row) != width:
                line, found = rows.line_num, len(row)
                break
    where = f"line {line} has {found} fields" if line else "the rows do not split like it"
    where_zh = f"第 {line} 行有 {found} 个字段" if line else "数据行无法按表头拆分"
    shown = "tab" if delim == "\t" else delim
    raise _refuse(path, "unreadable",
                  f"the header has {width} columns separated by '{shown}', but {where}. Check the "
                  "delimiter and the quoting of values that contain it, or export the file again.",
                  f"表头有 {width} 列（以 '{shown}' 分隔），但{where_zh}。请检查分隔符及含分隔符的值是否加了引号，"
                  "或重新导出文件。")


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("select column_name, column_type from (describe source_raw)").fetchall()
    return {name: dtype for name, dtype in rows if name not in ("_file", "_row")}


def open_source(con: duckdb.DuckDBPyConnection, path: str) -> Source:
    """Create the view/table `source_raw` in `con` for the source at `path`."""
    kind = detect_kind(path)
    p = Path(path)
    encoding, table, temp = "utf-8", None, None
    try:
        if kind == "csv":
            encoding = _csv_encoding(p)
            read = p if encoding == "utf-8" else (temp := _transcode(p, encoding))
            # all_varchar: parsing (and its error messages) is ours, not the CSV sniffer's.
            con.execute("create or replace temp table source_raw as "
                        "select *, $file as _file, row_number() over () as _row "
                        "from read_csv($path, all_varchar = true, header = true)",
                        {"path": str(read), "file": str(p)})
            _check_fields(path, read, list(_columns(con)))
        elif kind == "parquet":
            # a view cannot hold prepared parameters; a relation built with bound ones can
            con.sql("select * exclude (filename, file_row_number), filename as _file, "
                    "file_row_number + 1 as _row "
                    "from read_parquet($path, filename = true, file_row_number = true)",
                    params={"path": str(p)}).create_view("source_raw")
        elif kind == "parquet_dir":
            con.sql("select * exclude (filename, file_row_number), filename as _file, "
                    "file_row_number + 1 as _row "
                    "from read_parquet($glob, filename = true, file_row_number = true, "
                    "hive_partitioning = true, union_by_name = true)",
                    params={"glob": str(p / "**" / "*.parquet")}).create_view("source_raw")
        else:
            table = _attach_duckdb(con, p)
    except UserError:
        raise
    except (duckdb.Error, OSError, UnicodeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise _refuse(path, "unreadable", f"cannot read it as {kind.replace('_', ' ')}: {first}",
                      f"无法按 {kind} 读取：{first}") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return Source(str(p), kind, _columns(con), encoding, table)


def _attach_duckdb(con: duckdb.DuckDBPyConnection, p: Path) -> str:
    con.execute("attach $path as src (read_only)", {"path": str(p)})
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'src' and table_schema = 'main' order by table_name").fetchall()]
    if PREFERRED_TABLE in tables:
        table = PREFERRED_TABLE
    elif len(tables) == 1:
        table = tables[0]
    else:
        listed = ", ".join(tables) or "none"
        raise _refuse(str(p), "unreadable", f"the DuckDB file must hold a table named "
                      f"{PREFERRED_TABLE} (or exactly one table); it has: {listed}.",
                      f"DuckDB 文件中必须有名为 {PREFERRED_TABLE} 的表（或只有一张表）；现有：{listed}。")
    # The table name is taken from the file's own catalog (allow-list), quoted as an identifier.
    ident = '"' + table.replace('"', '""') + '"'
    con.execute(f"create or replace temp view source_raw as "
                f"select *, cast(null as varchar) as _file, rowid + 1 as _row from src.main.{ident}")
    return table
