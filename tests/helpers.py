"""Shared test helpers: the app under AppTest, and Plotly figures decoded from its protos."""
from __future__ import annotations

import base64
import json
import math
import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "sample_book.parquet"
#: the public UCI card panel reshaped to snapshots (../shared/real_data, next to the checkout)
REAL = next((p for p in (ROOT.parent / "shared" / "real_data" / "uci_taiwan_cc_2005_snapshots.parquet",
                         Path("/work/shared/real_data/uci_taiwan_cc_2005_snapshots.parquet")) if p.exists()),
            ROOT.parent / "shared" / "real_data" / "uci_taiwan_cc_2005_snapshots.parquet")
APP = str(ROOT / "app.py")


def open_app(page: str | None = None, query: dict | None = None, data: str | os.PathLike | None = None,
             timeout: float = 120):
    """Run app.py (optionally switched to `page`, e.g. "pages/trends.py") on `data` (default: the
    sample book) with URL query parameters `query`; returns the finished AppTest."""
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(data or SAMPLE)
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def _decode(obj):
    """Plotly JSON may hold numeric arrays as {"bdata": base64, "dtype": ...}: turn them into lists."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def figures(at) -> list[dict]:
    """Every Plotly figure on the page, as decoded dicts ({"data": [...], "layout": {...}})."""
    return [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def figure(at, key: str) -> dict:
    """The figure of the chart rendered with widget key `key`."""
    for el in at.get("plotly_chart"):
        if key in el.proto.id or key == getattr(el, "key", None):
            return _decode(json.loads(el.proto.spec))
    raise KeyError(f"no plotly chart with key {key!r}")


def close(a, b, where: str = "") -> None:
    """Equal up to float summation order: dicts key for key, lists item by item."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{where}: {a!r} != {b!r}"
        for k in a:
            close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"
