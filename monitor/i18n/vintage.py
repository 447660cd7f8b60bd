"""Chinese for the Vintage page."""

ZH = {
    "Vintage needs the columns origination_month (the month each loan was originated) and "
    "principal (the amount originated, or the limit). This data lacks: {cols}. No cohort can "
    "be formed, so no vintage rate is shown (not zeros). To see vintage curves, load a source "
    "that has both columns.":
        "账龄分析需要 origination_month（放款月份）和 principal（放款本金或授信额度）两列。"
        "当前数据缺少：{cols}。无法划分放款批次，因此不显示 Vintage 指标（而不是显示为 0）。"
        "如需查看 Vintage 曲线，请加载同时包含这两列的数据。",
    "No loan has both origination_month and principal in the selected filters, so no cohort "
    "can be formed.": "所选筛选条件下没有同时具备 origination_month 与 principal 的贷款，无法划分放款批次。",
    "Measure": "指标",
    "Group": "分组",
    "By product": "按产品",
    "Vintage rate (balance)": "Vintage 率（余额）",
    "Ever at level (count)": "曾达该层级（笔数）",
    "exposure at {level} / principal originated": "{level} 余额 ÷ 放款本金",
    "loans ever at {level} / loans originated": "曾达 {level} 笔数 ÷ 放款笔数",
    "Cohorts": "放款批次",
    "Quarterly": "按季度",
    "Last 12": "最近 12 个",
    "Choose": "自选",
    "Cohorts shown": "显示的批次",
    "Choose cohorts": "选择批次",
    "{n} cohorts: {first} … {last}": "{n} 个批次：{first} … {last}",
    "Include left-censored cohorts": "包含左删失批次",
    "Cohorts originated before the book's first month: their early MOBs were never "
    "observed, so their curves start late.":
        "放款月份早于数据首月的批次：其早期账龄月未被观测到，曲线从较晚的账龄开始。",
    "No cohort originated in the selected months.": "所选月份内没有放款批次。",
    "MOB < {k} is immature for {level} (no loan can be that late yet): left out, not 0.":
        "对 {level} 而言，MOB < {k} 属于未成熟（贷款尚不可能逾期到该程度）：不绘制，而非显示为 0。",
    "Cohorts originated {a} … {b}, observed up to {b}.": "放款月份 {a} … {b} 的批次，观测至 {b}。",
    "The segment filter does not apply: the cohort cubes hold product, region and channel.":
        "客群筛选不适用：批次数据只按产品、地区和渠道汇总。",
    "{level} vintage curves by cohort": "{level} Vintage 曲线（按放款批次）",
    "x = months on book": "横轴 = 账龄月（MOB）",
    "Cohort × MOB": "放款批次 × 账龄月",
    "Heatmap for": "热力图范围",
    "{level} by cohort and MOB · {name}": "{level} 按放款批次与账龄月 · {name}",
    "grey hatched = immature, blank = not reached yet": "灰色斜线 = 未成熟，空白 = 尚未到达",
    "No mature vintage points for the chosen cohorts.": "所选批次没有已成熟的 Vintage 数据点。",
    "No vintage cells in the selected filters.": "所选筛选条件下没有 Vintage 数据。",
    "Cohort": "放款批次",
    "Cohort (origination month)": "放款批次（放款月份）",
    "Months on book (MOB)": "账龄月（MOB）",
    "balance / principal": "余额 / 放款本金",
    "Ever": "曾达到",
    "loans": "笔",
}
