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
import pandas as pd

from . import db
from . import load_checks as lc
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
# text dimensions, stored as ENUM types in loan_snapshots (create_loan_snapshots.sql)
TEXT_DIMS = ("product", "region", "channel", "age_band", "income_band", "occupation", "collection_action")

# Normalising SQL per (kind, type family): fixed fragments, the column is a quoted identifier
# from the source's own schema. Empty text becomes NULL here, so the parse SQL sees NULL only.
_TEMPLATES = {
    ("month", "text"): "nullif(trim({c}), '')",
    ("month", "date"): "{c}",
    ("month", "other"): "nullif(trim(cast({c} as varchar)), '')",
    ("number", "text"): "nullif(replace(replace(replace(trim({c}), ',', ''), '¥', ''), '￥', ''), '')",
    ("number", "numeric"): "cast({c} as double)",
    ("number", "other"): "cast({c} as varchar)",
    # trim only ids that need it: the same result as nullif(trim(c), ''), at half the cost
    ("id", "text"): "case when {c} like ' %' or {c} like '% ' then nullif(trim({c}), '') "
                    "else nullif({c}, '') end",
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
    timings: dict[str, float] = field(default_factory=dict)  # seconds per load step

    def as_dict(self) -> dict:
        return {
            "source": self.source, "kind": self.kind, "rows": self.rows, "loans": self.loans,
            "months": self.months, "first_month": self.first_month.strftime("%Y-%m"),
            "last_month": self.last_month.strftime("%Y-%m"), "optional_columns": self.columns,
            "warnings": [w.as_dict() for w in self.warnings], "seconds": round(self.seconds, 3),
        }


def _code_table(con, dpd_codes: dict[str, int]) -> None:
    """The temp table `dpd_codes` (code, dpd): the source's status codes, keyed upper-cased and
    trimmed like the join in _normalise, with their DPD (monitor.mapping builds the table)."""
    codes = {str(k).strip().upper(): int(v) for k, v in dpd_codes.items()}
    con.execute("create or replace temp table dpd_codes as "
                "select unnest($codes) as code, unnest($dpd) as dpd",
                {"codes": list(codes), "dpd": list(codes.values())})


def _normalise(con, src: Source, mapping: dict[str, str], dpd_codes: dict[str, int] | None = None) -> None:
    """Create `source_norm`: DESIGN columns only, with identifiers taken from the mapping.
    With `dpd_codes`, a days_past_due value found in the table reads as its DPD; any other value is
    kept as it is, so it is parsed (or refused, with its line) like any DPD."""
    parts = ["r._file", "r._row"]
    join = ""
    for target, (kind, _) in COLUMNS.items():
        col = mapping.get(target)
        expr = _expr(kind, src.columns[col], "r." + _quote(col)) if col else _ABSENT[kind]
        if target == "days_past_due" and col and dpd_codes:
            _code_table(con, dpd_codes)
            expr = f"coalesce(cast(k.dpd as varchar), cast({expr} as varchar))"
            join = f" left join dpd_codes as k on k.code = upper(trim(cast(r.{_quote(col)} as varchar)))"
        parts.append(f"{expr} as {target}")
    con.execute("create or replace temp view source_norm as select "
                + ", ".join(parts) + " from source_raw as r" + join)


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


#: the label of a whole-scope group in every output ("product": "ALL" in the CLI's JSON)
RESERVED = "ALL"


def _reserved(con: duckdb.DuckDBPyConnection, src: Source, mapping: dict[str, str],
              dims: list[str]) -> list[Issue]:
    """A refusal per dimension holding the value 'ALL': it would read as the whole book's total."""
    out = []
    for dim in dims:
        # `dim` comes from TEXT_DIMS, never from a user; the value is bound
        n = con.execute(f"select count(*) from source_norm where {dim} = $v", {"v": RESERVED}).fetchone()[0]
        rows = con.execute(f"select _file, _row from source_norm where {dim} = $v order by _file, _row limit 5",
                           {"v": RESERVED}).fetchall()
        where = ", ".join(src.locate(f, int(r)) for f, r in rows)
        col = mapping[dim]
        out.append(Issue("reserved_value", dim, int(n), (where,),
                         f"{src.path}: column '{col}': {n:,} row(s) hold the value 'ALL' (e.g. {where}), which "
                         "every output uses for the whole book's total. Rename that value in the extract "
                         "(e.g. 'ALL_PRODUCTS').",
                         f"{src.path}：列 '{col}'：{n:,} 行的取值为 'ALL'（例如 {lc.zh_example(where)}），该值在所有"
                         "输出中代表全部数据的合计。请在源数据中改名（例如 'ALL_PRODUCTS'）。"))
    return out


def _enum_types(con: duckdb.DuckDBPyConnection, src: Source, mapping: dict[str, str]) -> list[str]:
    """ENUM types of the text dimensions, from the source's own values (plus the missing marker).
    The distinct raw values are found first (cheap on a dictionary-encoded column) and only those
    few are normalised, with the same template as source_norm. Returns the dimensions that hold
    the reserved value 'ALL'."""
    reserved = []
    for dim in TEXT_DIMS:
        members = {MISSING}
        col = mapping.get(dim)
        if col:
            expr = _expr("text", src.columns[col], "v")
            found = con.execute(f"select list(distinct coalesce({expr}, $missing)) "
                                f"from (select distinct {_quote(col)} as v from source_raw)",
                                {"missing": MISSING}).fetchone()[0]
            members |= set(found or [])
            if RESERVED in members:
                reserved.append(dim)
        # `dim` comes from TEXT_DIMS, never from a user; the members are bound
        con.execute(f"create or replace type enum_{dim} as enum "
                    "(select v from (select unnest($members) as v) order by v)", {"members": sorted(members)})
    return reserved


def _timed(timings: dict, step: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    timings[step] = round(time.perf_counter() - t0, 3)
    return out


def load(path: str, mapping: dict[str, str] | None = None, defs: Definitions | None = None,
         con: duckdb.DuckDBPyConnection | None = None, jumps: bool = True,
         dpd_codes: dict[str, int] | None = None) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    """Load and validate a source into a new connection holding `loan_snapshots`.

    `mapping`: {DESIGN column: source column} (default: the names as they are).
    `con`: build into this (empty) connection instead, e.g. a store file; it is closed on failure.
    `jumps=False`: leave the DPD-jump warning to the cube build (see book.build).
    `dpd_codes`: {status code: DPD} for a source whose days_past_due column holds codes ("M2",
    正常, months in arrears); see monitor.mapping.dpd_codes.
    Raises LoadError (nothing loaded, one Issue per problem, an unreadable or empty file too)
    or UserError (no file or folder at `path`).
    """
    t0, timings = time.perf_counter(), {}
    con = con or db.new_connection()
    try:
        db.install_definitions(con, defs or load_definitions())
        src = _timed(timings, "open", open_source, con, str(path))
        db.bulk_mode(con)
        mapping = dict(mapping) if mapping is not None else default_mapping(list(src.columns))
        problems = _check_mapping(src, mapping)
        if problems:
            raise LoadError(src.path, problems)
        _normalise(con, src, mapping, dpd_codes)
        db.execute(con, "load/source_parsed")
        reserved = _timed(timings, "dim_values", _enum_types, con, src, mapping)
        if reserved:
            raise LoadError(src.path, _reserved(con, src, mapping, reserved))
        _timed(timings, "snapshots", db.execute, con, "load/create_loan_snapshots", missing=MISSING)
        counts = _timed(timings, "row_checks", lambda: db.run(con, "load/check_counts").iloc[0].to_dict())
        stats = db.run(con, "load/stats").iloc[0]
        first = None if pd.isna(stats["first_month"]) else stats["first_month"].date()
        last = None if first is None else stats["last_month"].date()
        loans = _timed(timings, "loan_checks", lc.loan_checks, con, first, last)
        problems = lc.refusals(con, src, counts) + (lc.duplicates(con, src) if loans["extra_rows"] else [])
        if problems:
            raise LoadError(src.path, problems)
        con.execute("alter table loan_snapshots drop column check_flags")
        months = [r[0] for r in con.execute(
            "select distinct snapshot_month from loan_snapshots order by 1").fetchall()] if jumps else None
        warnings = _timed(timings, "warnings", lc.warnings, con, src, counts, loans, months)
        if src.kind == "duckdb":
            con.execute("detach src")
        report = LoadReport(
            source=src.path, kind=src.kind, rows=int(stats["rows"]), loans=loans["loans"],
            months=int(stats["months"]), first_month=first, last_month=last,
            columns=[c for c in OPTIONAL if c in mapping], mapping=mapping, warnings=warnings,
            seconds=time.perf_counter() - t0, encoding=src.encoding, timings=timings)
        return con, report
    except BaseException:
        con.close()
        raise
