"""Print the report's HTML to PDF with headless Chromium (Debian's `chromium`); A4 comes from the
HTML's CSS `@page { size: A4 }`, so the PDF is what the HTML says."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UserError

CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
#: No network, no first-run work, no header or footer of Chromium's own (the CSS sets the footer).
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer")
TIMEOUT = 120


def chromium() -> str:
    """The Chromium executable: $MONITOR_CHROMIUM, else the first of CHROMIUM found."""
    for name in (os.environ.get("MONITOR_CHROMIUM"), *CHROMIUM):
        if name and (found := shutil.which(name)):
            return found
    raise UserError("PDF needs Chromium: install Debian's chromium package (apt-get install chromium) "
                    "or set MONITOR_CHROMIUM to a Chrome/Chromium executable",
                    "生成 PDF 需要 Chromium：请安装 Debian 的 chromium 软件包，或设置 MONITOR_CHROMIUM")


def html_to_pdf(html: str) -> bytes:
    """The PDF Chromium prints from `html` (a standalone document: inline CSS and SVG)."""
    with tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        # a profile of its own per call: concurrent prints (and kaleido's browser) never share one
        cmd = [chromium(), *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise UserError(f"Chromium did not print the report within {TIMEOUT} s") from None
        if not out.exists() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise UserError("Chromium could not print the report to PDF: " + " | ".join(tail))
        return out.read_bytes()
