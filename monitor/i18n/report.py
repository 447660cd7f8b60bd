"""Chinese for the monthly report (PDF / HTML / Excel), its summary sentences and the exports."""

ZH = {
    # summary sentences (monitor/report/text.py): numbers are filled in, never written here
    "{level} rose {pp} to {value}": "{level} 逾期率环比上升 {pp}，至 {value}",
    "{level} fell {pp} to {value}": "{level} 逾期率环比下降 {pp}，至 {value}",
    "{level} was flat at {value} (a change below 0.01 pp)":
        "{level} 逾期率与上月持平，为 {value}（变动不足 0.01 个百分点）",
    "{level} was {value}, with no previous month to compare with": "{level} 逾期率为 {value}，无上月数据可比",
    ", driven by {product} ({pp})": "，主要来自{product}（{pp}）",
    ", led by {product} ({pp})": "，主要来自{product}（{pp}）",
    "{critical} and {warn}": "触发严重预警 {c} 项、一般预警 {w} 项",
    "1 critical breach": "触发严重预警 1 项",
    "{n} critical breaches": "触发严重预警 {n} 项",
    "1 warning": "触发一般预警 1 项",
    "{n} warnings": "触发一般预警 {n} 项",
    "no breaches": "未触发预警",
    "{level} {value}": "{level} 逾期率 {value}",
    "{level} {value} ({pp} MoM)": "{level} 逾期率 {value}（环比 {pp}）",
    "year on year, {level} {pp}": "{level} 同比 {pp}",
    "no data a year earlier for the year-on-year change": "无去年同期数据，无法计算同比",
    "Exposure {value}": "敞口余额 {value}",
    "Exposure {value} ({rel} MoM)": "敞口余额 {value}（环比 {rel}）",
    "overdue amount {value}": "逾期金额 {value}",
    "overdue amount {value} ({rel} MoM)": "逾期金额 {value}（环比 {rel}）",
    "Largest move by region, channel or segment: {dim} {value}, {move}.":
        "地区、渠道及客群中变动最大：{dim} {value}，{move}。",
    "No data for {month} in the filters in force: there are no rates to report.":
        "{month} 在当前筛选条件下没有数据，无逾期率可报告。",
    "{month} is not in the book ({first} … {last}): there are no rates to report.":
        "{month} 不在数据范围内（{first} … {last}），无逾期率可报告。",
    "Rules: {breaches}.": "预警规则：{breaches}。",
    "None (the whole book)": "无（全量数据）",
    # the printed report (monitor/report/html.py)
    "Monthly delinquency report": "逾期监控月报",
    "Generated": "生成时间",
    "Summary": "摘要",
    "Rates by balance, coincident; MoM vs {prev}, YoY vs {year}":
        "逾期率按余额、当期口径；环比对比 {prev}，同比对比 {year}",
    "12-month trends": "近 12 个月走势",
    "DPD ≥ {edge}": "逾期天数 ≥ {edge}",
    "Last 12 months to {month}; by balance, coincident; {scheme}.":
        "截至 {month} 的近 12 个月；按余额、当期口径；{scheme}。",
    "Rates by balance, coincident. Changes in percentage points: red = the rate rose (a worsening), "
    "green = it fell.": "逾期率按余额、当期口径。变化以百分点（pp）表示：红色为上升（恶化），绿色为下降。",
    "Breaches in {month}": "{month} 触发的预警",
    "Each rule is evaluated on its own scope over the whole book; the filters above do not apply to it.":
        "每条规则按其自身范围在全量数据上评估，不受上方筛选条件影响。",
    "No rule was breached in {month}.": "{month} 未触发任何预警规则。",
    "What happened": "预警内容",
    "Not evaluated on this data:": "本数据无法评估的规则：",
    "Biggest movers": "环比变动最大",
    "No previous month in the book: movers need two months.": "数据中没有上月，无法计算环比变动（需要两个月的数据）。",
    "No product or segment moved by 0.01 pp or more.": "没有产品或客群的逾期率环比变动达到 0.01 个百分点。",
    "Dimension": "维度",
    "Dimension value": "取值",
    "Share of exposure": "敞口占比",
    "Products, regions, channels and customer segments holding at least 1% of the exposure, ranked by the "
    "larger of their M1+ and M2+ month-on-month change.":
        "敞口占比不低于 1% 的产品、地区、渠道及客群，按 M1+ 与 M2+ 逾期率环比变动（取绝对值较大者）排序。",
    "Not ranked (the segment filter reads one segment at a time): {dims}.":
        "未参与排序（客群筛选一次只能读取一个客群维度）：{dims}。",
    "Definitions ({scheme}): {levels}. Overdue rate = exposure of loans at the level / total exposure in the "
    "month (by balance, coincident); exposure = greatest(balance, 0). Changes of rates are in percentage "
    "points (pp), changes of amounts in per cent.":
        "口径说明（{scheme}）：{levels}。逾期率 = 处于该逾期级别的贷款敞口 ÷ 当月总敞口（按余额、当期口径）；"
        "敞口 = max(余额, 0)。逾期率的变化以百分点（pp）表示，金额的变化以百分比表示。",
    # the workbook (monitor/report/excel.py); sheet names stay within Excel's 31 characters
    "Report": "报告信息",
    "Units": "单位",
    "Rates and shares as fractions shown in %; amounts in CNY; changes of rates in percentage points (pp).":
        "比率与占比以小数存储、按百分比显示；金额单位为人民币元；逾期率的变化以百分点（pp）表示。",
    "Breaches": "预警",
    "Buckets": "账龄分布",
    "Movers": "环比变动",
    "Trend": "走势",
    "Name": "名称",
    "Total": "合计",
    "From \\ to": "迁出 \\ 迁入",
    "Transition count": "迁徙矩阵-笔数",
    "Transition balance": "迁徙矩阵-余额",
    "by balance (exposure at t-1)": "按余额（上月末敞口）",
    "No previous month: no transition ends in {month}.": "没有上月数据：没有以 {month} 结束的迁徙。",
    "Share of loans": "笔数占比",
    # the Overview's export area and the table downloads
    "Monthly report, {month}": "{month} 月报",
    "This page laid out for print, with the month's breaches, the biggest movers and a plain-language summary; "
    "the workbook holds the tables by product, bucket, transition and breach. Built when you click (a few seconds).":
        "本页内容的打印版，附当月预警、环比变动最大的维度和文字摘要；"
        "Excel 工作簿包含分产品、账龄分布、迁徙矩阵和预警明细表。点击后生成（需几秒钟）。",
    "PDF report": "PDF 月报",
    "Excel workbook": "Excel 工作簿",
    "monthly_report": "逾期监控月报",
}
