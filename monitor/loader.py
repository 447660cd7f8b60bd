"""One loader for every source: read, map, validate in SQL, and build `loan_snapshots` (DESIGN §1).

`load()` always builds into a new DuckDB connection and returns it only when the load succeeds,
so a refused load can never disturb the data a caller already holds.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date

import duckdb

from . import db
from .checks import BY_CODE, ROW_CHECKS, Check
from .definitions import MISSING, Definitions, load_definitions
from .errors import Issue, LoadError, UserError
from .sources import Source, open_source

# DESIGN §1 columns: name -> (kind, required). Kind picks the normalising expression below.
COLUMNS: dict[str, tuple[str, bool]] = {
    "snapshot_month": ("month", True),
    "loan_id": ("id", True),
    "outstanding_balance": ("number", True),
    "days_past_due": ("number", True),
    "product": ("text", False),
    "region": ("text", False),
    "channel": ("text", False),
    "origination_month": ("month", False),
    "principal": ("number", False),
    "overdue_amount": ("number", False),
    "age_band": ("text", False),
    "income_band": ("text", False),
    "occupation": ("text", False),
    "collection_action": ("text", False),
    "restructured": ("bool", False),
}
OPTIONAL = tuple(c for c, (_, req) in COLUMNS.items() if not req)

# Normalising SQL per (kind, type family): fixed fragments, the column is a quoted identifier
# from the source's own schema. Empty text becomes NULL here, so the parse SQL sees NULL only.
_TEMPLATES = {
    ("month", "text"): "nullif(trim({c}), '')",
    ("month", "date"): "{c}",
    ("month", "other"): "nullif(trim(cast({c} as varchar)), '')",
    ("number", "text"): "nullif(replace(replace(replace(trim({c}), ',', ''), '¥', ''), '￥', ''), '')",
    ("number", "numeric"): "cast({c} as double)",
    ("number", "other"): "cast({c} as varchar)",
    ("id", "text"): "nullif(trim({c}), '')",
    ("id", "float"): "case when {c} = floor({c}) then cast(cast({c} as hugeint) as varchar) "
                     "else cast({c} as varchar) end",
    ("id", "other"): "nullif(trim(cast({c} as varchar)), '')",
    ("text", "text"): "nullif(trim({c}), '')",
    ("text", "other"): "nullif(trim(cast({c} as varchar)), '')",
    ("bool", "bool"): "{c}",
    ("bool", "text"): "nullif(lower(trim({c})), '')",
    ("bool", "other"): "cast({c} as varchar)",
}
_ABSENT = {"month": "cast(null as date)", "number": "cast(null as double)", "id": "cast(null as varchar)",
           "text": "cast(null as varchar)", "bool": "cast(null as boolean)"}


def _family(dtype: str) -> str:
    t = dtype.upper()
    if t == "VARCHAR":
        return "text"
    if t == "DATE" or t.startswith("TIMESTAMP"):
        return "date"
    if t == "BOOLEAN":
        return "bool"
    if t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
        return "float"
    if re.fullmatch(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UHUGEINT", t):
        return "int"
    return "other"


def _expr(kind: str, dtype: str, ident: str) -> str:
    fam = _family(dtype)
    if fam in ("int", "float") and kind != "id":
        fam = "numeric"
    key = (kind, fam) if (kind, fam) in _TEMPLATES else (kind, "other")
    return _TEMPLATES[key].format(c=ident)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _canon(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def default_mapping(columns: list[str]) -> dict[str, str]:
    """DESIGN column -> source column, matching names case- and spacing-insensitively."""
    by_canon = {_canon(c): c for c in columns}
    return {target: by_canon[target] for target in COLUMNS if target in by_canon}


@dataclass
class LoadReport:
    source: str
    kind: str
    rows: int
    loans: int
    months: int
    first_month: date
    last_month: date
    columns: list[str]  # optional DESIGN columns present in the source
    mapping: dict[str, str]
    warnings: list[Issue] = field(default_factory=list)
    seconds: float = 0.0
    encoding: str = "utf-8"

    def as_dict(self) -> dict:
        return {
            "source": self.source, "kind": self.kind, "rows": self.rows, "loans": self.loans,
            "months": self.months, "first_month": self.first_month.strftime("%Y-%m"),
            "last_month": self.last_month.strftime("%Y-%m"), "optional_columns": self.columns,
            "warnings": [w.as_dict() for w in self.warnings], "seconds": round(self.seconds, 3),
        }


def _issue(check: Check, source: str, count: int, examples: list[str]) -> Issue:
    ex = "; ".join(examples) if examples else "—"
    en = f"{source}: column '{check.column}': " + check.en.format(n=f"{count:,}", examples="e.g. " + ex)
    zh = f"{source}：列 '{check.column}'：" + check.zh.format(n=f"{count:,}", examples="例如 " + ex)
    return Issue(check.code, check.column, count, tuple(examples), en, zh)


def _show(value: str) -> str:
    """A value as the user typed it: numbers bare, text quoted so stray spaces show."""
    return value if re.fullmatch(r"[-+]?[\d.eE+]+( > .*)?", value) else repr(value)


def _row_examples(con, src: Source, code: str) -> list[str]:
    df = db.run(con, "load/check_examples", check=code)
    out = []
    for r in df.itertuples():
        where = src.locate(r._1, int(r._2))
        out.append(where if r.value is None else f"{where}: {_show(r.value)}")
    return out


def _normalise(con, src: Source, mapping: dict[str, str]) -> None:
    """Create `source_norm`: DESIGN columns only, with identifiers taken from the mapping."""
    parts = ["_file", "_row"]
    for target, (kind, _) in COLUMNS.items():
        col = mapping.get(target)
        expr = _expr(kind, src.columns[col], _quote(col)) if col else _ABSENT[kind]
        parts.append(f"{expr} as {target}")
    con.execute("create or replace temp view source_norm as select "
                + ", ".join(parts) + " from source_raw")


def _check_mapping(src: Source, mapping: dict[str, str]) -> list[Issue]:
    problems = []
    for target, (_, required) in COLUMNS.items():
        col = mapping.get(target)
        if col is not None and col not in src.columns:
            raise UserError(f"mapping: source column {col!r} (for {target}) is not in {src.path}")
        if required and col is None:
            have = ", ".join(src.columns) or "none"
            problems.append(Issue(
                "missing_column", target, 0, (),
                f"{src.path}: missing required column '{target}'. The file has: {have}. "
                "Rename the column in the extract, or map it on the Data page.",
                f"{src.path}：缺少必需列 '{target}'。文件中的列：{have}。请在源数据中改名，或在数据页映射该列。"))
    return problems


def _refusals(con, src: Source, counts: dict) -> list[Issue]:
    if counts["rows"] == 0:
        return [Issue("no_rows", None, 0, (), f"{src.path}: the source has a header but no rows. "
                      "Export the snapshot again.", f"{src.path}：只有表头，没有数据行。请重新导出。")]
    return [_issue(BY_CODE[code], src.path, counts[code], _row_examples(con, src, code))
            for code in ROW_CHECKS if BY_CODE[code].refuse and counts[code]]


def _duplicates(con, src: Source) -> list[Issue]:
    dup = db.run(con, "load/duplicate_keys")
    if dup.empty:
        return []
    examples = []
    for r in dup.itertuples():
        rows = db.run(con, "load/duplicate_rows", month=r.snapshot_month, loan_id=r.loan_id)
        where = ", ".join(src.locate(f, int(n)) for f, n in zip(rows["_file"], rows["_row"]))
        examples.append(f"{r.loan_id} in {r.snapshot_month:%Y-%m} at {where}")
    return [_issue(BY_CODE["duplicate"], src.path, int(dup["pairs"].iloc[0]), examples)]


def _warnings(con, src: Source, counts: dict) -> list[Issue]:
    out = [_issue(BY_CODE[code], src.path, counts[code], _row_examples(con, src, code))
           for code in ROW_CHECKS if not BY_CODE[code].refuse and counts[code]]
    gaps = db.run(con, "load/warn_gaps")
    if not gaps.empty:
        ex = [f"{r.loan_id}: {r.months_missing} month(s) missing between {r.first_month:%Y-%m} "
              f"and {r.last_month:%Y-%m}" for r in gaps.itertuples()]
        out.append(_issue(BY_CODE["gaps"], src.path, int(gaps["loans"].iloc[0]), ex))
    jumps = db.run(con, "load/warn_dpd_jumps")
    if not jumps.empty:
        ex = [f"{r.loan_id} {r.snapshot_month:%Y-%m}: {r.prev_dpd} → {r.days_past_due} in a "
              f"{r.days_in_month}-day month" for r in jumps.itertuples()]
        out.append(_issue(BY_CODE["dpd_jumps"], src.path, int(jumps["loan_months"].iloc[0]), ex))
    return out


def load(path: str, mapping: dict[str, str] | None = None,
         defs: Definitions | None = None) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    """Load and validate a source into a new connection holding `loan_snapshots`.

    Raises LoadError (nothing loaded, one Issue per problem, an unreadable or empty file too)
    or UserError (no file or folder at `path`).
    """
    t0 = time.perf_counter()
    con = db.new_connection()
    try:
        db.install_definitions(con, defs or load_definitions())
        src = open_source(con, str(path))
        mapping = dict(mapping) if mapping is not None else default_mapping(list(src.columns))
        problems = _check_mapping(src, mapping)
        if problems:
            raise LoadError(src.path, problems)
        _normalise(con, src, mapping)
        db.execute(con, "load/source_parsed")
        counts = db.run(con, "load/check_counts").iloc[0].to_dict()
        problems = _refusals(con, src, counts) + _duplicates(con, src)
        if problems:
            raise LoadError(src.path, problems)
        db.execute(con, "load/create_loan_snapshots", missing=MISSING)
        warnings = _warnings(con, src, counts)
        stats = db.run(con, "load/stats").iloc[0]
        if src.kind == "duckdb":
            con.execute("detach src")
        report = LoadReport(
            source=src.path, kind=src.kind, rows=int(stats["rows"]), loans=int(stats["loans"]),
            months=int(stats["months"]), first_month=stats["first_month"].date(),
            last_month=stats["last_month"].date(),
            columns=[c for c in OPTIONAL if c in mapping], mapping=mapping, warnings=warnings,
            seconds=time.perf_counter() - t0, encoding=src.encoding)
        return con, report
    except BaseException:
        con.close()
        raise
