"""Threshold and trend rules (DESIGN §3): one TOML file, validated field by field.

A bad file gets an error naming the rule and the field; saving is atomic (temp file + rename).
"""
from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .definitions import load_definitions
from .errors import UserError
from .metrics import SEG_DIMS

KINDS = ("level", "rising", "change", "outlier")
METRICS = ("overdue_rate", "overdue_amount", "roll_rate", "cure_rate", "flow_rate", "vintage_rate")
SCOPE_KEYS = ("product", "region", "channel") + SEG_DIMS[1:]
DIRECTIONS = ("above", "below")


class RulesError(UserError):
    """The rules file is invalid; nothing in it is used."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    metric: str
    name_zh: str = ""
    name_en: str = ""
    owner: str = ""
    level: str = "M1+"
    basis: str = "balance"  # balance | count
    lagged: bool = False
    bucket: str = ""  # roll / cure: the from-bucket; flow: M(k) of M(k)->M(k+1)
    mob: int = 0  # vintage_rate: months on book
    scope: tuple[tuple[str, str], ...] = ()  # (("product", "消费分期"),) ; () = the whole book
    direction: str = "above"
    warn: float | None = None
    critical: float | None = None
    unit: str = "bp"  # change rules: "bp" (absolute, in basis points of a rate) or "relative"
    window: int = 12  # outlier rules: trailing months
    min_history: int = 6  # outlier rules: months needed before the rule can fire
    min_step: float = 0.0  # rising rules: the smallest monthly rise that counts (bp for rates)
    enabled: bool = True
    extra: dict = field(default_factory=dict, compare=False)

    def name(self, lang: str = "zh") -> str:
        return (self.name_zh if lang == "zh" else self.name_en) or self.name_en or self.name_zh or self.id

    @property
    def scope_dict(self) -> dict[str, str]:
        return dict(self.scope)

    def scope_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.scope) or "ALL"

    def metric_text(self) -> str:
        """'overdue_rate M1+ balance', 'roll_rate M1 count', 'vintage_rate M2+ MOB 6'…"""
        if self.metric == "overdue_rate":
            return f"overdue_rate {self.level} {self.basis}" + (" lagged" if self.lagged else "")
        if self.metric in ("roll_rate", "cure_rate"):
            return f"{self.metric} {self.bucket} {self.basis}"
        if self.metric == "flow_rate":
            return f"flow_rate {self.bucket}->{self.next_bucket}"
        if self.metric == "vintage_rate":
            return f"vintage_rate {self.level} MOB {self.mob} {self.basis}"
        return self.metric

    @property
    def next_bucket(self) -> str:
        buckets = load_definitions().scheme().buckets
        i = buckets.index(self.bucket) if self.bucket in buckets else -1
        return buckets[i + 1] if 0 <= i < len(buckets) - 1 else "?"

    def limits(self) -> list[tuple[str, float]]:
        """[("warn", x), ("critical", y)], only those set."""
        return [(sev, v) for sev, v in (("warn", self.warn), ("critical", self.critical)) if v is not None]


def _err(where: str, field_name: str, problem: str) -> RulesError:
    return RulesError(f"{where}: field '{field_name}': {problem}",
                      f"{where}：字段 '{field_name}'：{problem}")


def _number(where: str, raw: dict, key: str) -> float | None:
    if key not in raw:
        return None
    v = raw[key]
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _err(where, key, f"must be a number, got {v!r}")
    return float(v)


def parse_rule(raw: dict, index: int, source: str = "rules") -> Rule:
    """Validate one [[rule]] table; errors name the rule (id and position) and the field."""
    rid = raw.get("id")
    where = f"{source}: rule #{index + 1}" + (f" '{rid}'" if rid else "")
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: must be a table")
    for key in ("id", "kind", "metric"):
        if key not in raw or raw[key] in ("", None):
            raise _err(where, key, "is missing")
    if not isinstance(rid, str) or not rid.replace("_", "").replace("-", "").isalnum():
        raise _err(where, "id", "use letters, digits, '-' and '_' only")
    if raw["kind"] not in KINDS:
        raise _err(where, "kind", f"unknown kind {raw['kind']!r}; use one of {', '.join(KINDS)}")
    if raw["metric"] not in METRICS:
        raise _err(where, "metric", f"unknown metric {raw['metric']!r}; use one of {', '.join(METRICS)}")
    defs = load_definitions()
    scheme = defs.scheme()
    level = raw.get("level", "M1+")
    if raw["metric"] in ("overdue_rate", "vintage_rate") and level not in scheme.levels:
        raise _err(where, "level", f"unknown level {level!r}; use one of {', '.join(scheme.levels)}")
    basis = raw.get("basis", "balance")
    if basis not in ("balance", "count"):
        raise _err(where, "basis", "use 'balance' or 'count'")
    bucket = raw.get("bucket", "")
    if raw["metric"] in ("roll_rate", "cure_rate", "flow_rate"):
        last = len(scheme.buckets) - 1
        allowed = {"roll_rate": scheme.buckets[:last], "cure_rate": scheme.buckets[1:],
                   "flow_rate": scheme.buckets[:last]}[raw["metric"]]
        if bucket not in allowed:
            raise _err(where, "bucket", f"{raw['metric']} needs bucket one of {', '.join(allowed)}")
    mob = raw.get("mob", 0)
    if raw["metric"] == "vintage_rate" and (not isinstance(mob, int) or isinstance(mob, bool) or mob < 0):
        raise _err(where, "mob", "vintage_rate needs a whole number of months on book (mob >= 0)")
    scope_raw = raw.get("scope", {})
    if not isinstance(scope_raw, dict):
        raise _err(where, "scope", "must be a table such as { product = \"消费分期\" }")
    unknown = set(scope_raw) - set(SCOPE_KEYS)
    if unknown:
        raise _err(where, "scope", f"unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(SCOPE_KEYS)}")
    if sum(k in SEG_DIMS for k in scope_raw) > 1:
        raise _err(where, "scope", "at most one segment dimension (age_band, income_band, …) per rule")
    direction = raw.get("direction", "above")
    if direction not in DIRECTIONS:
        raise _err(where, "direction", "use 'above' or 'below'")
    warn, critical = _number(where, raw, "warn"), _number(where, raw, "critical")
    if warn is None and critical is None:
        raise _err(where, "warn", "is missing (give warn, critical or both)")
    if warn is not None and critical is not None:
        # level limits are values on the metric's scale; trend limits are magnitudes (months in a
        # row, a change, a number of standard deviations), so warn <= critical for them always
        if (direction == "above" or raw["kind"] != "level") and warn > critical:
            raise _err(where, "warn", f"{warn:g} is above critical {critical:g} for an "
                       f"'{direction}' {raw['kind']} rule")
        if direction == "below" and raw["kind"] == "level" and warn < critical:
            raise _err(where, "warn", f"{warn:g} is below critical {critical:g} for a 'below' rule")
    if raw["kind"] != "level" and any(v is not None and v <= 0 for v in (warn, critical)):
        raise _err(where, "warn" if (warn or 0) <= 0 else "critical",
                   "trend limits are positive magnitudes (direction says which way)")
    if raw["metric"] == "vintage_rate" and any(k in SEG_DIMS for k in scope_raw):
        raise _err(where, "scope", "vintage_rate rules scope product, region or channel only")
    if raw["kind"] == "rising":
        for key, v in (("warn", warn), ("critical", critical)):
            if v is not None and (v < 2 or v != int(v)):
                raise _err(where, key, "a rising rule counts months in a row: use a whole number >= 2")
    unit = raw.get("unit", "bp")
    if raw["kind"] == "change" and unit not in ("bp", "relative"):
        raise _err(where, "unit", "use 'bp' or 'relative'")
    window = raw.get("window", 12)
    if not isinstance(window, int) or window < 3:
        raise _err(where, "window", "use a whole number of months >= 3")
    known = {f.name for f in Rule.__dataclass_fields__.values()} - {"extra"}
    return Rule(
        id=rid, kind=raw["kind"], metric=raw["metric"], name_zh=str(raw.get("name_zh", "")),
        name_en=str(raw.get("name_en", "")), owner=str(raw.get("owner", "")), level=level, basis=basis,
        lagged=bool(raw.get("lagged", False)), bucket=bucket, mob=int(mob),
        scope=tuple((k, str(v)) for k, v in scope_raw.items()), direction=direction, warn=warn,
        critical=critical, unit=unit, window=window, min_history=int(raw.get("min_history", 6)),
        min_step=float(raw.get("min_step", 0.0)),
        enabled=bool(raw.get("enabled", True)),
        extra={k: v for k, v in raw.items() if k not in known})


def parse_rules(text: str, source: str = "rules") -> list[Rule]:
    """Parse and validate a whole rules file; raise RulesError on the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"{source}: not valid TOML: {e}", f"{source}：TOML 格式错误：{e}") from None
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RulesError(f"{source}: rules must be written as [[rule]] tables")
    rules = [parse_rule(r, i, source) for i, r in enumerate(raw_rules)]
    seen: set[str] = set()
    for i, r in enumerate(rules):
        if r.id in seen:
            raise _err(f"{source}: rule #{i + 1} '{r.id}'", "id", "is used by an earlier rule")
        seen.add(r.id)
    return rules


def load_rules(path: str | os.PathLike) -> list[Rule]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise RulesError(f"{p}: cannot read the rules file ({e.strerror or e})",
                         f"{p}：无法读取规则文件（{e.strerror or e}）") from None
    return parse_rules(text, str(p))


def save_rules_text(path: str | os.PathLike, text: str) -> list[Rule]:
    """Validate `text`, then replace the file atomically; on any failure the old file stays."""
    p = Path(path)
    rules = parse_rules(text, str(p))
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rules
