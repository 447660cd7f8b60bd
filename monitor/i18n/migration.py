"""Chinese for the Bucket migration page."""

ZH = {
    "Where did last month's loans go? Every loan of month t−1 by its bucket at t, or exited.":
        "上月的贷款去了哪里？t−1 月的每笔贷款在 t 月所处的账龄桶，或已退出。",
    "Migration needs two consecutive months in the book; widen the month range.":
        "迁徙分析需要数据中有两个相邻月份，请扩大月份区间。",
    "Month t": "观察月 t",
    "Show": "显示",
    "Loans": "贷款笔数",
    "Balance at t−1": "t−1 月余额",
    "Row % by count": "行占比（按笔数）",
    "Row % by balance": "行占比（按余额）",
    "Transition matrix": "迁徙矩阵",
    "loans of t−1 by bucket at t": "t−1 月贷款按 t 月账龄桶分布",
    "Bucket at {m}": "{m} 账龄桶",
    "No loans at t−1 in the selected filters.": "所选筛选条件下 t−1 月没有贷款。",
    "From": "从",
    "to": "到",
    "Share of row by count": "占该行笔数",
    "Share of row by balance": "占该行余额",
    "New loans at {m}": "{m} 新增贷款",
    "Loans present at t but not at t−1; not part of the matrix.": "t 月存在而 t−1 月不存在的贷款，不计入矩阵。",
    "New loans' exposure": "新增贷款余额",
    "Exited by {m}": "{m} 已退出贷款",
    "Loans present at t−1 but not at t: paid off, closed or written off.":
        "t−1 月存在而 t 月不存在的贷款：已结清、销户或核销。",
    "Exited exposure (at t−1)": "退出贷款余额（t−1 月）",
    "Roll and cure rates by bucket": "各账龄桶滚动率与回收率",
    "Roll and cure rates, {a} … {b}": "滚动率与回收率，{a} … {b}",
    "roll: share of bucket k at t−1 in a worse bucket at t": "滚动率：t−1 月处于 k 桶、t 月进入更差账龄桶的占比",
    "cure: share in M0 at t": "回收率：t 月回到 M0 的占比",
    "Flow rates": "迁徙率",
    "No flow rates: they need two consecutive months.": "没有迁徙率：需要两个相邻月份。",
    "Early flow rates": "前期迁徙率",
    "Flow rate = exposure in M(k+1) at t / exposure in M(k) at t−1, for the whole scope. "
    "A rate can exceed 100% when balances grow or loans skip a bucket (a 31-day month can take "
    "DPD across two edges). Filled cells breach a rule (amber: warn, red: critical).":
        "迁徙率 = t 月 M(k+1) 余额 ÷ t−1 月 M(k) 余额（筛选范围整体口径）。余额增长或贷款跨桶"
        "（31 天的月份可能使逾期天数跨过两个边界）时，迁徙率可能超过 100%。底色单元格触发预警规则"
        "（琥珀色：预警，红色：严重）。",
    "Chained loss projection · {m}": "链式迁徙损失预测 · {m}",
    "Projected write-off": "预计核销金额",
    "Of the exposure in {a}–{b}": "占 {a}–{b} 余额",
    "Left out (undefined chain): {b}": "未计入（迁徙链无定义）：{b}",
    "Some net flows exceed 100%: a later flow rate in the chain is above 100%, so read "
    "this projection as an upper bound.":
        "部分净迁徙比例超过 100%：迁徙链中后段的迁徙率高于 100%，因此该预测应视为上限。",
    "Bucket": "账龄桶",
    "Exposure at t": "t 月余额",
    "Net flow to write-off": "净迁徙至核销比例",
    "Net flow to write-off of bucket k = the product of the month's flow rates from M(k) onward; "
    "projected write-off = exposure in each bucket at t × its net flow, summed.":
        "k 桶的净迁徙至核销比例 = 当月自 M(k) 起各级迁徙率的连乘；预计核销金额 = 各账龄桶 t 月余额 × "
        "其净迁徙比例，再求和。",
}
