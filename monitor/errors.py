"""Errors that speak to the user: which file, which column, which rows, what to do."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One load problem (refusal) or data-quality warning, with up to 5 examples."""

    code: str
    column: str | None
    count: int
    examples: tuple[str, ...] = ()
    text_en: str = ""
    text_zh: str = ""

    def message(self, lang: str = "en") -> str:
        return self.text_zh if lang == "zh" and self.text_zh else self.text_en

    def as_dict(self) -> dict:
        return {"code": self.code, "column": self.column, "count": self.count,
                "examples": list(self.examples), "message": self.text_en}


class UserError(Exception):
    """Bad input the user can fix; the CLI prints it and exits 2, the app shows it."""

    def __init__(self, message: str, message_zh: str | None = None):
        super().__init__(message)
        self.message_zh = message_zh or message

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else str(self)


@dataclass
class LoadError(UserError):
    """A refused load: nothing was loaded. One Issue per problem."""

    source: str
    problems: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message("en"))

    def message(self, lang: str = "en") -> str:
        head = (f"{self.source}: 数据未加载，发现 {len(self.problems)} 个问题："
                if lang == "zh" else
                f"{self.source}: nothing was loaded; {len(self.problems)} problem(s) found:")
        return "\n".join([head, *(p.message(lang) for p in self.problems)])

    def __str__(self) -> str:
        return self.message("en")
