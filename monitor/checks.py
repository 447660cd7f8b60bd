"""The load checks of DESIGN §1: what each refusal or warning says and what to do about it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    code: str
    refuse: bool  # True: the whole load is refused; False: loaded with a data-quality warning
    column: str
    en: str  # "{n} row(s) ... ({examples}). What to do."
    zh: str


_NUMBER_EN = "{n} row(s) hold a value that is not a number ({examples}). Use plain numbers such as 1234.56."
_NUMBER_ZH = "{n} 行的值不是数字（{examples}）。请使用 1234.56 这样的数字。"
_MONTH_EN = ("{n} row(s) hold a value that is not a month ({examples}). "
             "Use YYYY-MM or YYYY-MM-DD (any day of the month).")
_MONTH_ZH = "{n} 行的值不是有效月份（{examples}）。请使用 YYYY-MM 或 YYYY-MM-DD 格式。"

CHECKS: tuple[Check, ...] = (
    Check("month_missing", True, "snapshot_month",
          "{n} row(s) have no snapshot_month ({examples}). Every row needs the month of its position.",
          "{n} 行缺少统计月份 snapshot_month（{examples}）。每一行都必须有月份。"),
    Check("month_unparsable", True, "snapshot_month", _MONTH_EN, _MONTH_ZH),
    Check("loan_id_missing", True, "loan_id",
          "{n} row(s) have no loan_id ({examples}). Every row needs the account id.",
          "{n} 行缺少贷款编号 loan_id（{examples}）。每一行都必须有账户编号。"),
    Check("dpd_missing", True, "days_past_due",
          "{n} row(s) have no days_past_due ({examples}). Use 0 for a current loan.",
          "{n} 行缺少逾期天数 days_past_due（{examples}）。正常贷款请填 0。"),
    Check("dpd_unparsable", True, "days_past_due",
          "{n} row(s) hold a value that is not a number ({examples}). DPD is a whole number of days.",
          "{n} 行的逾期天数不是数字（{examples}）。逾期天数应为整数天。"),
    Check("dpd_not_integer", True, "days_past_due",
          "{n} row(s) hold a fractional DPD ({examples}). DPD counts whole days.",
          "{n} 行的逾期天数不是整数（{examples}）。逾期天数应为整数天。"),
    Check("dpd_negative", True, "days_past_due",
          "{n} row(s) hold a negative DPD ({examples}). DPD is 0 or more: fix these rows in the extract.",
          "{n} 行的逾期天数为负数（{examples}）。逾期天数必须 ≥ 0，请在源数据中修正。"),
    Check("dpd_implausible", True, "days_past_due",
          "{n} row(s) hold a DPD over 36,500 days ({examples}). That is not a real DPD: check the extract.",
          "{n} 行的逾期天数超过 36,500 天（{examples}），不是有效值，请检查导出数据。"),
    Check("balance_unparsable", True, "outstanding_balance", _NUMBER_EN, _NUMBER_ZH),
    Check("principal_unparsable", True, "principal", _NUMBER_EN, _NUMBER_ZH),
    Check("overdue_amount_unparsable", True, "overdue_amount", _NUMBER_EN, _NUMBER_ZH),
    Check("origination_month_unparsable", True, "origination_month", _MONTH_EN, _MONTH_ZH),
    Check("restructured_unparsable", True, "restructured",
          "{n} row(s) hold a value that is not true/false ({examples}). Use true/false, 1/0, yes/no or 是/否.",
          "{n} 行的值不是是/否（{examples}）。请使用 true/false、1/0、yes/no 或 是/否。"),
    Check("duplicate", True, "loan_id",
          "{n} (month, loan_id) pair(s) occur more than once ({examples}). A loan appears once per "
          "month: remove the duplicate rows.",
          "{n} 组（月份, 贷款编号）重复出现（{examples}）。每笔贷款每月只能有一行，请删除重复行。"),
    Check("balance_empty", False, "outstanding_balance",
          "{n} row(s) have no outstanding_balance ({examples}); they count as loans with no exposure.",
          "{n} 行缺少余额（{examples}），按零敞口的贷款计。"),
    Check("balance_negative", False, "outstanding_balance",
          "{n} row(s) carry a negative balance, a credit balance ({examples}); their exposure is 0.",
          "{n} 行余额为负（溢缴款）（{examples}），敞口按 0 计。"),
    Check("overdue_above_balance", False, "overdue_amount",
          "{n} row(s) have an overdue_amount above the balance ({examples}).",
          "{n} 行的逾期金额大于余额（{examples}）。"),
    Check("overdue_negative", False, "overdue_amount",
          "{n} row(s) have a negative overdue_amount ({examples}).",
          "{n} 行的逾期金额为负（{examples}）。"),
    Check("origination_after_snapshot", False, "origination_month",
          "{n} row(s) have an origination_month after their snapshot_month ({examples}); "
          "vintage analysis skips them.",
          "{n} 行的放款月份晚于统计月份（{examples}），账龄分析将跳过这些行。"),
    Check("gaps", False, "snapshot_month",
          "{n} loan(s) have gaps in their months ({examples}); a gap reads as an exit and a new loan.",
          "{n} 笔贷款的月份不连续（{examples}）；缺失月份按结清后又新增处理。"),
    Check("dpd_jumps", False, "days_past_due",
          "{n} loan-month(s) show DPD rising faster than the calendar allows ({examples}).",
          "{n} 个贷款月的逾期天数增长快于日历天数（{examples}）。"),
)
BY_CODE = {c.code: c for c in CHECKS}
ROW_CHECKS = tuple(c.code for c in CHECKS if c.code not in ("duplicate", "gaps", "dpd_jumps"))
