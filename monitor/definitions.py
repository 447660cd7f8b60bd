"""Metric definitions read from definitions.toml: bucket schemes, levels and regulatory classes.

Python uses these objects directly; SQL uses the small tables built from them by
`definition_tables()`, so both sides always apply the same edges (DESIGN §2).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DEFAULT_PATH = Path(__file__).with_name("definitions.toml")
#: Value stored for an optional text column that is absent or empty ("a missing product reads as
#: one product", DESIGN §1).
MISSING = "(none)"


class DefinitionsError(ValueError):
    """The definitions file is malformed."""


@dataclass(frozen=True)
class Scheme:
    """A partition of DPD into ordered buckets; `lower[i]` is bucket i's first DPD."""

    key: str
    label_zh: str
    label_en: str
    buckets: tuple[str, ...]
    lower: tuple[int, ...]
    levels: tuple[str, ...] = ()
    kind: str = "scheme"  # "scheme" (delinquency buckets) or "classification" (regulatory)
    npl_from: str | None = None

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def bucket_index(self, dpd: int) -> int:
        """Index of the bucket holding `dpd` (the last bucket is open-ended)."""
        return sum(1 for edge in self.lower[1:] if dpd >= edge)

    def bucket_of(self, dpd: int) -> str:
        return self.buckets[self.bucket_index(dpd)]

    def dpd_range(self, index: int) -> tuple[int, int | None]:
        """(first DPD, last DPD or None when open-ended) of bucket `index`."""
        hi = self.lower[index + 1] - 1 if index + 1 < len(self.lower) else None
        return self.lower[index], hi

    def level_index(self, level: str) -> int:
        """"M2+" -> 2: the level holds every bucket with index >= this."""
        if level not in self.levels:
            raise KeyError(f"unknown level {level!r}; expected one of {', '.join(self.levels)}")
        return int(level[1:-1])

    def level_edge(self, level: str) -> int:
        """The first DPD at level `level` ("M2+" -> 31 in the China scheme)."""
        return self.lower[self.level_index(level)]

    def range_text(self, index: int) -> str:
        lo, hi = self.dpd_range(index)
        if index == 0 and lo == 0 and hi == 0:
            return "0"
        return f"{lo}–{hi}" if hi is not None else f">{lo - 1}"


@dataclass(frozen=True)
class Definitions:
    schemes: dict[str, Scheme]
    classifications: dict[str, Scheme]
    default_scheme: str

    def scheme(self, key: str | None = None) -> Scheme:
        key = key or self.default_scheme
        found = self.schemes.get(key) or self.classifications.get(key)
        if found is None:
            raise KeyError(f"unknown bucket scheme {key!r}; expected one of {', '.join(self.schemes)}")
        return found

    @property
    def all(self) -> list[Scheme]:
        return [*self.schemes.values(), *self.classifications.values()]

    @property
    def band_edges(self) -> tuple[int, ...]:
        """Union of every scheme's edges: the finest DPD bands every scheme can be rolled up from."""
        return tuple(sorted({e for s in self.all for e in s.lower}))


def _scheme(key: str, raw: dict, kind: str) -> Scheme:
    where = f"[{'schemes' if kind == 'scheme' else 'classifications'}.{key}]"
    try:
        buckets = tuple(str(b) for b in raw["buckets"])
        lower = tuple(int(x) for x in raw["lower"])
    except KeyError as e:
        raise DefinitionsError(f"{where}: missing field {e.args[0]!r}") from None
    if len(buckets) != len(lower) or not buckets:
        raise DefinitionsError(f"{where}: 'buckets' and 'lower' must have the same, non-zero length")
    if lower[0] != 0 or any(b <= a for a, b in zip(lower, lower[1:])):
        raise DefinitionsError(f"{where}: 'lower' must start at 0 and increase strictly")
    levels = tuple(raw.get("levels", ()))
    for lv in levels:
        if not (lv.startswith("M") and lv.endswith("+") and lv[1:-1].isdigit()
                and 0 < int(lv[1:-1]) < len(buckets)):
            raise DefinitionsError(f"{where}: level {lv!r} must be 'M<k>+' with 0 < k < {len(buckets)}")
    npl_from = raw.get("npl_from")
    if npl_from is not None and npl_from not in buckets:
        raise DefinitionsError(f"{where}: npl_from {npl_from!r} is not one of its buckets")
    return Scheme(key, raw.get("label_zh", key), raw.get("label_en", key), buckets, lower, levels,
                  kind, npl_from)


@lru_cache(maxsize=4)
def load_definitions(path: str | None = None) -> Definitions:
    """Read the definitions file (MONITOR_DEFINITIONS overrides the bundled one)."""
    p = Path(path or os.environ.get("MONITOR_DEFINITIONS") or DEFAULT_PATH)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise DefinitionsError(f"{p}: cannot read definitions: {e}") from None
    schemes = {k: _scheme(k, v, "scheme") for k, v in raw.get("schemes", {}).items()}
    classes = {k: _scheme(k, v, "classification") for k, v in raw.get("classifications", {}).items()}
    if not schemes:
        raise DefinitionsError(f"{p}: at least one [schemes.<key>] is required")
    default = raw.get("default", {}).get("scheme", next(iter(schemes)))
    if default not in schemes:
        raise DefinitionsError(f"{p}: [default] scheme {default!r} is not defined")
    return Definitions(schemes, classes, default)


def definition_tables(defs: Definitions) -> dict[str, pd.DataFrame]:
    """The tables SQL joins to: DPD -> band lookup, band -> bucket per scheme, level edges."""
    edges = defs.band_edges
    top = edges[-1]
    dpd = list(range(top + 1))
    lookup = pd.DataFrame({"dpd": dpd, "dpd_band": [sum(1 for e in edges[1:] if d >= e) for d in dpd]})
    rows, levels = [], []
    for s in defs.all:
        for band, lo in enumerate(edges):
            idx = s.bucket_index(lo)
            rows.append((s.key, band, idx, s.buckets[idx]))
        for lv in s.levels:
            levels.append((s.key, lv, s.level_index(lv), s.level_edge(lv)))
    return {
        "dpd_lookup": lookup.astype({"dpd": "int32", "dpd_band": "int16"}),
        "scheme_band": pd.DataFrame(rows, columns=["scheme", "dpd_band", "bucket_idx", "bucket"])
        .astype({"dpd_band": "int16", "bucket_idx": "int16"}),
        "scheme_level": pd.DataFrame(levels, columns=["scheme", "level", "level_idx", "dpd_edge"])
        .astype({"level_idx": "int16", "dpd_edge": "int32"}),
    }
