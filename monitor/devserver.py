"""The dashboard as a local subprocess, for the browser tests, the load test and the screenshots:
a free port, a server on a data path that answers its health check, and Debian Chromium's flags.

    with devserver.running(data) as base:   # "http://127.0.0.1:PORT"
        ...
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Playwright's launch args for Debian's Chromium: no sandbox (containers), no network of its own
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data: str | os.PathLike, port: int | None = None, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on `data` (raw data or a store) with the bundled rules; returns
    the process and its base URL once /_stcore/health answers. RuntimeError when it does not."""
    port = port or free_port()
    env = {**os.environ, "MONITOR_DATA": str(data)}
    for var in ("MONITOR_DB", "MONITOR_RULES"):
        env.pop(var, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read().strip() == b"ok":
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s")


@contextmanager
def running(data: str | os.PathLike, port: int | None = None) -> Iterator[str]:
    """A server for the duration of the block; yields its base URL."""
    proc, base = start(data, port)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
