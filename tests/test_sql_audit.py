"""No user value reaches SQL text (DESIGN §5, §6): values are bound as $parameters, and the few
places that build SQL text format in identifiers chosen from allow-lists or read from a catalog.

The audit scans every queries/**/*.sql for formatting placeholders, and every .py under monitor/
and pages/ (and app.py) for a call that runs SQL (`execute`, `sql`, `query`, …) on text built by
an f-string, `.format`, `%` or concatenation, directly or through a local variable. Each such
place must be in ALLOWED below, with the reason it is safe; an entry that no longer matches fails
too, so the list stays exact.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: methods that run SQL text on a DuckDB connection / relation or a Spark session
RUNS_SQL = {"execute", "executemany", "sql", "query", "from_query", "read_sql"}

#: (file, enclosing function) -> why the SQL text it formats cannot carry a user value.
ALLOWED: dict[tuple[str, str], str] = {
    ("monitor/loader.py", "_normalise"):
        "source column names are quoted identifiers (\" doubled) of the source's own schema, picked by "
        "the mapping from that schema (_check_mapping refuses any other name); the expressions are the "
        "fixed _TEMPLATES; the DPD codes are a table joined by value, never text",
    ("monitor/loader.py", "_enum_types"):
        "`dim` iterates the fixed TEXT_DIMS; the column is a quoted identifier of the source's schema; "
        "the missing marker and the members are bound parameters",
    ("monitor/loader.py", "_reserved"):
        "`dim` comes from _enum_types' list, a subset of the fixed TEXT_DIMS (columns of source_norm); "
        "the reserved value 'ALL' is a bound parameter",
    ("monitor/sources.py", "_attach_duckdb"):
        "the table name is read from the attached file's own catalog and quoted as an identifier; the "
        "path is a bound parameter",
    ("monitor/db.py", "install_definitions"):
        "table names are the fixed keys of definition_tables(); the data is a registered DataFrame",
    ("monitor/cubes.py", "*"):
        "cube names and sort columns come from the CUBES / MONTH_OF_ROW dictionaries in the module; "
        "month ranges are bound parameters",
    ("monitor/append.py", "_widen_enums"):
        "`dim` iterates the fixed TEXT_DIMS; the new type name is enum_<dim>_<n>, chosen from the "
        "catalog's own type names; the members are bound",
    ("monitor/append.py", "_recompute"):
        "cube names and their month expressions come from CUBES / MONTH_OF_ROW; months are bound",
    ("monitor/append.py", "append_month"):
        "`use \"<catalog>\"` with the store's own catalog name from current_database()",
    ("monitor/store.py", "read_info"):
        "the table is 'store_info' or 'store.main.store_info', fixed names in the module",
    ("monitor/store.py", "_open_duckdb"):
        "view names are the store file's own table names from its catalog, quoted as identifiers",
    ("monitor/store.py", "_open_folder"):
        "table names are the store folder's own sub-folder names, quoted; the sort columns come from "
        "CUBES; the Parquet glob is a bound parameter",
}


def _formatted(node: ast.AST) -> bool:
    """Text built at run time: an f-string with a substitution, .format(), % or + on strings,
    or a join()."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return True
    return False


def _assignments(func: ast.AST) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for n in ast.walk(func):
        if isinstance(n, ast.Assign):
            for tgt in n.targets:
                if isinstance(tgt, ast.Name):
                    out.setdefault(tgt.id, []).append(n.value)
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and isinstance(n.target, ast.Name) and n.value:
            out.setdefault(n.target.id, []).append(n.value if isinstance(n, ast.AnnAssign) else
                                                   ast.BinOp(ast.Name(n.target.id), n.op, n.value))
    return out


def _dynamic_sql(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every SQL-running call on formatted text in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes = [(tree, "<module>")] + [(f, f.name) for f in funcs]
    for scope, name in scopes:
        assigned = _assignments(scope)
        body = scope.body if scope is not tree else [s for s in tree.body if not isinstance(
            s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        for stmt in body:
            for n in ast.walk(stmt):
                if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                        and n.func.attr in RUNS_SQL and n.args):
                    continue
                arg = n.args[0]
                if _formatted(arg) or (isinstance(arg, ast.Name) and any(
                        _formatted(v) for v in assigned.get(arg.id, []))):
                    found.append((name, n.lineno))
    # a nested function is scanned on its own and again inside its parent: keep the innermost
    return sorted({(fn, line) for fn, line in found
                   if not any(line == ln and fn != f2 and f2 != "<module>" and _inside(tree, f2, fn)
                              for f2, ln in found)})


def _inside(tree: ast.AST, outer: str, inner: str) -> bool:
    for f in ast.walk(tree):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == outer:
            return any(isinstance(g, (ast.FunctionDef, ast.AsyncFunctionDef)) and g.name == inner
                       for g in ast.walk(f) if g is not f)
    return False


def _python_files() -> list[Path]:
    return sorted([*(ROOT / "monitor").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"])


def _findings() -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        for fn, line in _dynamic_sql(path):
            out.setdefault((rel, fn), []).append(line)
    return out


def _allowed(rel: str, fn: str) -> bool:
    return (rel, fn) in ALLOWED or (rel, "*") in ALLOWED


def test_no_sql_is_built_from_formatted_text_outside_the_allow_list():
    unexpected = {k: v for k, v in _findings().items() if not _allowed(*k)}
    assert not unexpected, (
        "SQL text built by formatting outside the allow-list (bind values as $params; choose "
        f"identifiers from an allow-list and add the place to ALLOWED with the reason): {unexpected}")


def test_every_allow_list_entry_is_still_needed():
    found = _findings()
    stale = [k for k in ALLOWED if not any(f == k[0] and (k[1] == "*" or fn == k[1]) for f, fn in found)]
    assert not stale, f"ALLOWED entries that no longer format SQL (remove them): {stale}"
    assert all(len(why) > 40 for why in ALLOWED.values())  # each entry says why it is safe


def test_pages_and_the_entry_file_never_build_sql():
    assert not [k for k in _findings() if k[0].startswith("pages/") or k[0] == "app.py"]


_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}|%\(\w+\)s|%s\b|\?\s*(?:,|\)|$)")


def test_sql_files_hold_no_formatting_placeholders():
    """A queries/ file takes values only as $name parameters: no {name}, %s or ? to format into."""
    bad = {}
    for path in sorted((ROOT / "queries").rglob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        text = re.sub(r"'(?:[^']|'')*'", "''", text)  # string literals may hold braces
        hits = _PLACEHOLDER.findall(text)
        if hits:
            bad[path.relative_to(ROOT).as_posix()] = hits
    assert not bad, f"formatting placeholders in SQL files: {bad}"


def test_the_scanner_catches_each_way_of_formatting(tmp_path):
    """The audit itself: each pattern is caught, a literal or a read SQL file is not."""
    src = tmp_path / "m.py"
    src.write_text(
        "def a(con, x):\n    con.execute(f'select * from t where v = {x}')\n"
        "def b(con, x):\n    con.execute('select * from t where v = %s' % x)\n"
        "def c(con, x):\n    sql = 'select * from t where v = {}'.format(x)\n    con.sql(sql)\n"
        "def d(con, x):\n    con.execute('select * from ' + x)\n"
        "def ok(con, x):\n    con.execute('select * from t where v = $v', {'v': x})\n"
        "def ok2(con, name):\n    sql = sql_text(name)\n    con.execute(sql)\n")
    assert [fn for fn, _ in _dynamic_sql(src)] == ["a", "b", "c", "d"]
