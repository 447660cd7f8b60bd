"""Every UI text the code passes to tr()/t() as a literal has its Chinese, and the placeholders
of a text and its translation agree (a missing one would raise when the page renders)."""
from __future__ import annotations

import ast
import re

from helpers import ROOT

from monitor.i18n import ZH

_FIELD = re.compile(r"{(\w*)[^}]*}")


def _literals():
    for f in [*(ROOT / "pages").glob("*.py"), *(ROOT / "monitor").rglob("*.py")]:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            arg = node.args[0]
            if name in ("tr", "t") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield f.relative_to(ROOT), arg.value


def test_every_literal_ui_text_has_chinese():
    missing = sorted({(str(f), s) for f, s in _literals() if s not in ZH})
    assert missing == []


# texts whose caller passes extra fields the Chinese uses instead (report.text.breach_clause)
DIFFERENT_FIELDS = {"{critical} and {warn}"}


def test_translations_keep_their_placeholders():
    wrong = [(en, zh) for en, zh in ZH.items()
             if en not in DIFFERENT_FIELDS and set(_FIELD.findall(en)) != set(_FIELD.findall(zh))]
    assert wrong == []
