"""Chinese for the Overdue trends page."""

ZH = {
    "Overdue rate over time": "逾期率走势",
    "Overdue balance by bucket": "逾期余额（按账龄桶）",
    "Overdue amount by bucket": "逾期金额（按账龄桶）",
    "Group by": "分组",
    "Rate": "比率",
    "Rates by month": "各月逾期率",
    "The data has no overdue_amount column, so the overdue amount cannot be shown.":
        "数据中没有 overdue_amount（逾期金额）列，无法显示逾期金额。",
    "Lagged: level-L exposure over the total exposure k months earlier (k = bucket index of L).":
        "滞后口径：L 层级逾期余额 ÷ k 个月前的总余额（k 为 L 对应的账龄桶序号）。",
    "exposure of loans in M1 and worse": "M1 及以上贷款余额",
    "past-due part (overdue_amount)": "已逾期部分（overdue_amount）",
}
