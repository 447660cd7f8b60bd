"""Map a source's own columns and status codes to DESIGN §1, and keep mappings as presets.

An extract from a bank's own system names its columns its own way ("贷款余额(元)", "借据号",
"Acct No") and often holds a delinquency status ("M2", 正常, months in arrears) instead of days
past due. `suggest()` proposes {DESIGN column: source column}; `dpd_codes()` turns a status-code
scheme into the {code: DPD} table the loader applies (`monitor.loader.load(..., dpd_codes=...)`).
The user confirms both on the Data page and may save them as a preset (JSON in MONITOR_PRESETS).
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .definitions import load_definitions
from .errors import UserError
from .loader import COLUMNS

PRESETS_ENV = "MONITOR_PRESETS"
DEFAULT_PRESETS = Path(__file__).resolve().parent.parent / "presets"

#: Header names per DESIGN column, strongest first (compared after `header_key`). The DESIGN name
#: itself always matches first. Chinese names are the usual core-banking and card-system ones.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "snapshot_month": ("snapshot month", "month", "as of month", "as of date", "snapshot date",
                       "report month", "data month", "stat month", "period", "统计月份", "数据月份",
                       "快照月份", "报告月份", "报表月份", "统计月", "数据日期", "统计日期", "账期", "月份"),
    "loan_id": ("loan id", "loan no", "loan number", "account id", "account no", "account number",
                "acct id", "acct no", "contract no", "贷款编号", "借据号", "借据编号", "账户号", "账号",
                "贷款账号", "贷款号", "合同号", "合同编号", "卡号", "客户账号"),
    "outstanding_balance": ("balance", "outstanding", "principal balance", "os balance", "current balance",
                            "贷款余额", "本金余额", "余额", "剩余本金", "未偿本金", "账户余额", "欠款余额",
                            "期末余额"),
    "days_past_due": ("dpd", "days overdue", "overdue days", "days delinquent", "逾期天数", "逾期日数",
                      "拖欠天数", "逾期天"),
    "product": ("product type", "product name", "产品", "产品名称", "产品类型", "业务品种", "贷款品种",
                "产品线"),
    "region": ("province", "area", "branch", "地区", "省份", "区域", "省", "分行"),
    "channel": ("sales channel", "acquisition channel", "渠道", "进件渠道", "获客渠道", "销售渠道"),
    "origination_month": ("origination date", "open month", "open date", "disbursement month",
                          "disbursement date", "booking month", "booking date", "vintage", "放款月份",
                          "放款日期", "放款月", "发放日期", "发放月份", "开户月份", "开户日期", "起息日"),
    "principal": ("loan amount", "original amount", "original principal", "credit limit", "limit",
                  "放款金额", "授信额度", "贷款金额", "发放金额", "合同金额", "借款金额", "额度"),
    "overdue_amount": ("past due amount", "amount past due", "arrears", "arrears amount", "逾期金额",
                       "逾期总额", "拖欠金额", "逾期本金"),
    "age_band": ("age group", "age", "年龄段", "年龄组", "年龄"),
    "income_band": ("income group", "income", "收入段", "收入水平", "收入"),
    "occupation": ("job", "profession", "职业", "职业类型"),
    "collection_action": ("collection", "collection method", "collections action", "催收方式",
                          "催收动作", "催收手段", "催收"),
    "restructured": ("is restructured", "restructure flag", "restructured flag", "是否重组", "重组标志",
                     "重组", "是否展期", "展期"),
}
#: Headers that hold a status code rather than days: they map to days_past_due with a code scheme.
STATUS_HEADERS: dict[str, tuple[str, ...]] = {
    "bucket": ("status", "delinquency status", "dpd bucket", "bucket", "overdue status", "逾期状态",
               "逾期阶段", "逾期等级", "账户状态", "逾期标志", "m值"),
    "months": ("months in arrears", "mia", "cycles past due", "cycles delinquent", "pay status",
               "逾期期数", "拖欠期数", "逾期月数", "逾期期次"),
}

#: DPD code schemes: days (no table), bucket codes M0…M7, months in arrears, a user table.
SCHEMES = ("days", "bucket", "months", "custom")
#: Words for a current (not past-due) loan in extracts; they read as DPD 0 in every code scheme.
CURRENT_WORDS = ("正常", "未逾期", "结清", "当前", "CURRENT", "CURR", "NORMAL", "OK", "C", "N")
# a months-in-arrears code beyond this many months is not a delinquency status but a corrupt value
_MAX_MONTHS = 120
_UNIT = re.compile(r"[(\[【<{][^)\]】>}]*[)\]】>}]")  # "(元)", "[CNY]", "【万元】"
_SEP = re.compile(r"[\s_\-./:：、,，]+")


def header_key(name: str) -> str:
    """A header as compared: full-width forms folded (NFKC), lower case, units in brackets and
    separators removed: "贷款余额（元）" -> "贷款余额", "Loan_ID " -> "loanid"."""
    s = unicodedata.normalize("NFKC", str(name)).strip().lower().lstrip("\ufeff")
    s = _UNIT.sub("", s)
    return _SEP.sub("", s)


def _names(target: str) -> list[str]:
    """Every name of a DESIGN column, strongest first, as header keys."""
    return [header_key(target), *(header_key(n) for n in SYNONYMS.get(target, ()))]


def _status_scheme(key: str) -> str | None:
    for scheme, names in STATUS_HEADERS.items():
        if key in {header_key(n) for n in names}:
            return scheme
    return None


def suggest(columns: list[str]) -> dict[str, str]:
    """{DESIGN column: source column} for the headers recognised; each source column is used once.

    Exact names beat synonyms, earlier synonyms beat later ones, and a whole-name match beats a
    header that merely contains a Chinese name ("期末贷款余额" contains "贷款余额"). A status column
    ("逾期状态", "逾期期数") maps to days_past_due when no DPD column is found."""
    keys = {c: header_key(c) for c in columns}
    candidates = []  # (tier, rank, target order, column order, target, column)
    for t_order, target in enumerate(COLUMNS):
        for rank, name in enumerate(_names(target)):
            for c_order, col in enumerate(columns):
                key = keys[col]
                if key == name:
                    candidates.append((0, rank, t_order, c_order, target, col))
                elif len(name) >= 3 and not name.isascii() and name in key:
                    candidates.append((1, rank, t_order, c_order, target, col))
    for c_order, col in enumerate(columns):
        if _status_scheme(keys[col]):
            candidates.append((2, 0, 3, c_order, "days_past_due", col))
    out: dict[str, str] = {}
    used: set[str] = set()
    for *_, target, col in sorted(candidates):
        if target not in out and col not in used:
            out[target] = col
            used.add(col)
    return {t: out[t] for t in COLUMNS if t in out}


_BUCKET = re.compile(r"M(\d+)\+?")
_INT = re.compile(r"[-+]?\d+(\.0+)?")


def code_key(value: object) -> str:
    """A code as the loader compares it: trimmed, upper case (the SQL side: upper(trim(v)))."""
    return str(value).strip().upper()


def bucket_dpd(code: str) -> int | None:
    """"M2" -> 31: the first DPD of the bucket in the China scheme, which is in the same bucket
    in the US scheme too (US M2 = 30–59), so a bucket code rolls up exactly in both."""
    m = _BUCKET.fullmatch(code_key(code))
    if not m:
        return None
    lower = load_definitions().scheme("cn").lower
    k = int(m.group(1))
    return lower[k] if k < len(lower) else None


def months_dpd(code: str) -> int | None:
    """Months in arrears k -> 30·k days (as the UCI card panel's PAY_k codes are read); 0 and the
    negative 'paid duly' / 'no use' codes (-1, -2) are current."""
    key = code_key(code)
    if not _INT.fullmatch(key):
        return None
    k = int(float(key))
    return None if k > _MAX_MONTHS else 30 * max(k, 0)


def suggest_scheme(header: str, values: list[str]) -> str:
    """The code scheme a DPD column seems to use, from its header and a sample of its values."""
    codes = [code_key(v) for v in values if v is not None and code_key(v) != ""]
    if codes and all(bucket_dpd(c) is not None or c in CURRENT_WORDS for c in codes) \
            and any(bucket_dpd(c) is not None for c in codes):
        return "bucket"
    scheme = _status_scheme(header_key(header))
    if scheme == "months" and all(months_dpd(c) is not None or c in CURRENT_WORDS for c in codes):
        return "months"
    if codes and any(c in CURRENT_WORDS for c in codes) and all(
            c in CURRENT_WORDS or _INT.fullmatch(c) for c in codes):
        return "custom"  # days with words for "current": a table of the words
    return "bucket" if scheme == "bucket" and codes else "days"


def code_dpd(scheme: str, code: str) -> int | None:
    """The DPD one code reads as under `scheme` (None: not a code of that scheme)."""
    key = code_key(code)
    if key in CURRENT_WORDS:
        return 0
    if scheme == "bucket":
        return bucket_dpd(key)
    if scheme == "months":
        return months_dpd(key)
    return None


def dpd_codes(scheme: str, custom: dict[str, int] | None = None) -> dict[str, int] | None:
    """The {code: DPD} table the loader joins for `scheme` (None for plain days).

    bucket: M0…M7 (and "M7+") at their China-scheme lower edge; months: -2…120 (also as "2.0", the
    text of a float column) at 30·k; custom: the user's table. Every scheme reads the words of
    CURRENT_WORDS as 0; a value not in the table is loaded as it is (a plain DPD) or refused."""
    if scheme not in SCHEMES:
        raise UserError(f"unknown DPD code scheme {scheme!r}; use one of {', '.join(SCHEMES)}",
                        f"未知的逾期状态编码方式 {scheme!r}；可选：{', '.join(SCHEMES)}")
    if scheme == "days" and not custom:
        return None
    table = dict.fromkeys(CURRENT_WORDS, 0)
    if scheme == "bucket":
        lower = load_definitions().scheme("cn").lower
        for k, dpd in enumerate(lower):
            table[f"M{k}"] = dpd
        table[f"M{len(lower) - 1}+"] = lower[-1]
    elif scheme == "months":
        for k in range(-2, _MAX_MONTHS + 1):
            table[str(k)] = table[f"{k}.0"] = 30 * max(k, 0)
    for code, dpd in (custom or {}).items():
        key = code_key(code)
        if key == "":
            continue
        if dpd is None or not float(dpd).is_integer() or int(dpd) < 0:
            raise UserError(f"DPD code table: {code!r} needs a whole number of days ≥ 0, not {dpd!r}",
                            f"逾期状态编码表：{code!r} 对应的逾期天数必须是 ≥ 0 的整数，而不是 {dpd!r}")
        table[key] = int(dpd)
    return table


# --- presets --------------------------------------------------------------------------------------
@dataclass
class Preset:
    """A saved mapping: {DESIGN column: source column}, the DPD code scheme and its custom table."""

    name: str
    mapping: dict[str, str]
    dpd_scheme: str = "days"
    dpd_custom: dict[str, int] = field(default_factory=dict)
    description: str = ""

    def applied(self, columns: list[str]) -> tuple[dict[str, str], list[str]]:
        """The mapping restricted to `columns` and the source columns it names that are absent."""
        have = set(columns)
        return ({t: c for t, c in self.mapping.items() if c in have},
                [c for c in self.mapping.values() if c not in have])


_NAME = re.compile(r"[\w\-. \u4e00-\u9fff]{1,80}")


def presets_dir() -> Path:
    """The presets folder: $MONITOR_PRESETS, else <repo>/presets."""
    return Path(os.environ.get(PRESETS_ENV) or DEFAULT_PRESETS)


def _preset_path(name: str, folder: Path | None) -> Path:
    name = name.strip()
    if not _NAME.fullmatch(name) or name.startswith("."):
        raise UserError(f"preset name {name!r}: use letters, digits, Chinese, spaces, '-', '_' or '.'",
                        f"预设名称 {name!r} 无效：请使用字母、数字、汉字、空格、'-'、'_' 或 '.'")
    return (folder or presets_dir()) / f"{name}.json"


def save_preset(preset: Preset, folder: Path | None = None) -> Path:
    """Write a preset as <folder>/<name>.json (replacing one of the same name), checked first."""
    unknown = sorted(set(preset.mapping) - set(COLUMNS))
    if unknown:
        raise UserError(f"preset {preset.name!r}: unknown DESIGN column(s) {', '.join(unknown)}")
    dpd_codes(preset.dpd_scheme, preset.dpd_custom)  # refuses a bad scheme or table
    path = _preset_path(preset.name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(preset), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_preset(name: str, folder: Path | None = None) -> Preset:
    """Read a preset; a missing or malformed file is a UserError naming it."""
    path = _preset_path(name, folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        preset = Preset(name=name, mapping=dict(data["mapping"]), dpd_scheme=data.get("dpd_scheme", "days"),
                        dpd_custom={str(k): v for k, v in (data.get("dpd_custom") or {}).items()},
                        description=str(data.get("description", "")))
        dpd_codes(preset.dpd_scheme, preset.dpd_custom)
    except FileNotFoundError:
        raise UserError(f"{path}: no such preset", f"{path}：预设不存在") from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise UserError(f"{path}: not a valid preset ({e})", f"{path}：预设文件无效（{e}）") from None
    unknown = sorted(set(preset.mapping) - set(COLUMNS))
    if unknown:
        raise UserError(f"{path}: unknown DESIGN column(s) {', '.join(unknown)}",
                        f"{path}：未知的目标列 {', '.join(unknown)}")
    return preset


def list_presets(folder: Path | None = None) -> list[str]:
    """The names of the saved presets, sorted."""
    p = folder or presets_dir()
    return sorted(f.stem for f in p.glob("*.json") if not f.name.startswith(".")) if p.is_dir() else []
