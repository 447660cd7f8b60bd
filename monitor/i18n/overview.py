"""Chinese for the Overview page (the executive monthly summary)."""

ZH = {
    "Report month": "报告月份",
    "MoM vs {prev}, YoY vs {year}": "环比对比 {prev}，同比对比 {year}",
    "Worse MoM": "环比恶化",
    "no previous month": "无上月数据",
    "no data a year earlier": "无去年同期数据",
    "MoM: no previous month": "环比：无上月数据",
    "YoY: no data a year earlier": "同比：无去年同期数据",
    "Missing column: overdue_amount": "缺少列：overdue_amount",
    "No trend: the data has no overdue_amount column.": "无走势：数据中没有 overdue_amount（逾期金额）列。",
    "Total exposure at month-end: greatest(balance, 0) summed over the loans in scope.":
        "月末总敞口：筛选范围内各笔贷款 max(余额, 0) 之和。",
    "Sum of overdue_amount: the past-due part of every loan in scope.":
        "overdue_amount 之和：筛选范围内各笔贷款已逾期未还的部分。",
    "Exposure of loans at DPD ≥ {edge} / total exposure in the month (coincident, by balance).":
        "逾期天数 ≥ {edge} 的贷款敞口 ÷ 当月总敞口（当期口径，按余额）。",
    "month-end, all buckets": "月末，全部账龄桶",
    "past-due part, all buckets": "已逾期部分，全部账龄桶",
    "last 12 months": "近 12 个月",
    "By product, {month}": "{month} 分产品",
    "Rates by balance, coincident, {scheme}. Changes in percentage points; red: the rate rose "
    "month-on-month (a worsening), green: it fell. Filled cells breach a rule (amber: warn, "
    "red: critical).":
        "逾期率按余额、当期口径，{scheme}。变化以百分点（pp）表示；红色：逾期率环比上升（恶化），"
        "绿色：下降。底色单元格触发预警规则（琥珀色：预警，红色：严重）。",
    "Breaches of every rule in {month}; details on the Alerts page.": "{month} 所有规则触发的预警；详见预警页。",
    "{month}: {level} overdue rate {value} ({changes}); exposure {exposure}.":
        "{month}：{level} 逾期率 {value}（{changes}）；敞口余额 {exposure}。",
    "{x} MoM": "环比 {x}",
    "{x} YoY": "同比 {x}",
    "Rates up month-on-month: {names}.": "逾期率环比上升：{names}。",
    "No product's rate rose month-on-month.": "各产品逾期率环比均未上升。",
}
