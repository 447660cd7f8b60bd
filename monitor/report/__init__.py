"""The monthly executive report (DESIGN §4): one MonthlySummary (model.py), written as print HTML
(html.py), PDF (pdf.py, headless Chromium) or an Excel workbook (excel.py); the summary sentences
come from text.py. Used by `python -m monitor report` and the Overview's export buttons."""
from __future__ import annotations

from .model import MonthlySummary, build

FORMATS = {"pdf": "application/pdf", "html": "text/html",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(summary: MonthlySummary, kind: str, lang: str = "zh") -> bytes:
    """The report in `kind` ('pdf', 'html' or 'xlsx') and `lang` ('zh' or 'en')."""
    if kind == "xlsx":
        from .excel import workbook
        return workbook(summary, lang)
    from .html import render as html
    page = html(summary, lang)
    if kind == "html":
        return page.encode("utf-8")
    if kind == "pdf":
        from .pdf import html_to_pdf
        return html_to_pdf(page)
    raise ValueError(f"unknown report format {kind!r}; use one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "MonthlySummary", "build", "render"]
