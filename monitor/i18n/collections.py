"""Chinese for the Collections page, the loss projection and the regulatory views."""

ZH = {
    # collection actions (display names of the values of collection_action)
    "No action": "未催收",
    "SMS": "短信",
    "Phone call": "电话",
    "Outsourced agency": "委外",
    "Legal action": "法诉",
    "All actions": "全部动作",
    # page and action sections
    "Which action cures which bucket? Every delinquent loan of month t−1 by the collection action "
    "taken on it then, and where it is at t.":
        "哪种催收动作回收哪个账龄桶？t−1 月每笔逾期贷款按当月所用催收动作分组，看其在 t 月的去向。",
    "Collections effectiveness needs a collection_action column (none / sms / phone / outsourced / "
    "legal: the action taken on the loan that month). Add it to the data to see cure and roll rates "
    "by action.":
        "催收效果分析需要 collection_action 列（none / sms / phone / outsourced / legal：当月对该贷款采取的"
        "催收动作）。在数据中加入该列即可查看各动作的回收率与滚动率。",
    "The segment filter ({d}) does not apply to the action split: the cubes split transitions by one "
    "segment at a time.":
        "客群筛选（{d}）不适用于按催收动作拆分：数据立方每次只按一个客群维度拆分迁徙。",
    "No delinquent loans in the selected filters.": "所选筛选条件下没有逾期贷款。",
    "No delinquent loans with a following month in the selected filters.":
        "所选筛选条件下没有可观察到下月去向的逾期贷款。",
    "{b} · best cure: {a}": "{b} · 回收最佳：{a}",
    "vs {a}": "对比 {a}",
    "only action with 30+ loans": "唯一达到 30 笔的动作",
    "{n} loans; next best {a}: {x} of {m} loans.": "{n} 笔；次优 {a}：{m} 笔中回收 {x}。",
    "Best cure among actions that worked at least 30 loans in the bucket, {s}, {b}. The data holds no "
    "cost per action: weigh the extra cures against an agency's fee.":
        "在该账龄桶处理不少于 30 笔的动作中回收率最高者，{s}，{b}。"
        "数据不含各动作成本：请将多出的回收与委外佣金对比权衡。",
    "Cure rate by collection action and bucket": "各催收动作、各账龄桶的回收率",
    "share of bucket-k loans at t−1 in M0 at t": "t−1 月处于 k 桶、t 月回到 M0 的比例",
    "Bucket at t−1": "t−1 月账龄桶",
    "Cured loans": "回收笔数",
    "Exposure at t−1": "t−1 月敞口",
    "Next month's outcome by action": "各催收动作的次月结果",
    "Trend of": "走势指标",
    "Cured to M0": "回收至 M0",
    "Rolled back": "部分回收（回退）",
    "Stayed": "停留",
    "Rolled forward": "向前滚动",
    "Exited": "退出",
    "Where {b} loans went a month later, by action": "{b} 贷款一个月后的去向（按催收动作）",
    "share of the action's loans": "占该动作贷款笔数",
    "share of the action's exposure at t−1": "占该动作 t−1 月敞口",
    "No loans in this bucket in the selected filters.": "所选筛选条件下该账龄桶没有贷款。",
    "Roll-back rate": "部分回收率",
    "Stay rate": "停留率",
    "Roll-forward rate": "向前滚动率",
    "Exit rate": "退出率",
    "{r} of {b} by action, month by month": "{b} {r}（按催收动作，逐月）",
    "months are t (outcome month)": "月份为 t（结果月）",
    "Action mix: share of the bucket's loans": "动作结构：占该桶贷款笔数",
    "Action mix: share of the bucket's exposure": "动作结构：占该桶敞口",
    "Outcome at t of a loan in bucket k at t−1: cured = M0; rolled back = a better bucket other than "
    "M0 (a partial cure); stayed = bucket k; rolled forward = a worse bucket; exited = absent at t "
    "(paid off, closed or written off). The action is the one recorded at t−1.":
        "t−1 月处于 k 桶的贷款在 t 月的结果：回收 = 回到 M0；部分回收 = 回到 M0 以外更好的桶；停留 = 仍在 k 桶；"
        "向前滚动 = 进入更差的桶；退出 = t 月不在数据中（结清、销户或核销）。催收动作为 t−1 月记录的动作。",
    "Table: outcomes by action and bucket, {s}": "明细表：各动作、各账龄桶的结果，{s}",
    # restructuring
    "Restructuring (展期): re-default after a fresh start": "重组（展期）：重新起步后的再次违约",
    "This section needs a restructured column (true / false per loan and month) in the data.":
        "本部分需要数据中有 restructured 列（每笔贷款每月 true / false）。",
    "Re-default level": "再违约层级",
    "Re-defaulted to {l} within k months": "k 个月内再次达到 {l} 的比例",
    "restructured vs cured without restructuring, from {b}": "重组贷款对比未重组自行回收的贷款，来源桶 {b}",
    "Restructured": "重组",
    "Cured without restructuring": "未重组、自行回收",
    "At risk": "风险暴露笔数",
    "re-defaulted at k": "第 k 月再违约",
    "observed": "已观察",
    "Months since the event": "距事件月数",
    "No restructured loans in the selected filters.": "所选筛选条件下没有重组贷款。",
    "Within {k} months": "{k} 个月内",
    "vs cured": "对比自行回收",
    "Restructured {r}; cured without restructuring {c}.": "重组 {r}；未重组自行回收 {c}。",
    "Event = the month a loan is first flagged restructured, or the month a delinquent loan returns "
    "to M0 without restructuring (compared from the same buckets as the restructured loans). "
    "Re-defaulted within k = 1 − Π(1 − hazard): event months observed for fewer than k months "
    "drop out instead of counting as good. Sidebar months select the event months.":
        "事件 = 贷款首次被标记为重组的月份，或逾期贷款未经重组回到 M0 的月份（与重组贷款来自相同账龄桶）。"
        "k 个月内再违约 = 1 − Π(1 − 风险率)：观察期不足 k 个月的事件月不计入，而不是算作未违约。侧栏月份选择事件月。",
    # loss projection
    "Loss projection: {b} exposure over the next {n} months": "损失预测：未来 {n} 个月 {b} 敞口",
    "Flow rates held": "迁徙率假设",
    "Latest month's flow rates": "最近一个月的迁徙率",
    "Mean flow rates of the last 3 months": "最近三个月迁徙率均值",
    "{b} (write-off)": "{b}（核销）",
    "Projected {b} and {m} exposure from {o}": "自 {o} 起预测的 {b} 与 {m} 敞口",
    "projected": "预测",
    "**Assumptions**\n\n"
    "- exposure in M(k+1) at t+1 = exposure in M(k) at t × the M(k)→M(k+1) flow rate, "
    "held constant: {m};\n"
    "- {z} is held at its balance at {o}: it feeds M1 every month, and no new business adds to it;\n"
    "- {l} = DPD > {d}, written off (呆账); its flow rate is a stock ratio (it also holds loans "
    "that stayed), so this projects the {l} balance.":
        "**假设**\n\n"
        "- t+1 月 M(k+1) 敞口 = t 月 M(k) 敞口 × M(k)→M(k+1) 迁徙率，迁徙率保持不变：{m}；\n"
        "- {z} 保持 {o} 的余额：每月按该余额流入 M1，不考虑新增业务；\n"
        "- {l} = 逾期 > {d} 天，核销（呆账）；其迁徙率为存量比率（含停留在该桶的贷款），因此预测的是 {l} 余额。",
    "Flow rates above 100% ({s}): more exposure arrives than the bucket before held (loans skip buckets, "
    "or the bucket also holds loans that stayed), so the projection overstates. Read it with the backtest "
    "below.":
        "迁徙率超过 100%（{s}）：流入的敞口多于上一账龄桶原有的敞口（贷款跳桶，或该桶含停留的贷款），"
        "因此预测偏高。请结合下方回测解读。",
    "Backtest: the projection made at t against the actual exposure at t+k": "回测：t 月所做预测与 t+k 月实际敞口对比",
    "Projection error by horizon": "各预测期的预测误差",
    "every month of the book as origin": "以数据中每个月为预测起点",
    "mean absolute error": "平均绝对误差",
    "bias": "偏差",
    "origins": "个起点",
    "Months ahead (k)": "预测期（月，k）",
    "Actual against projected, {k} months ahead": "实际值对比 {k} 个月前的预测值",
    "actual": "实际",
    "projected {k} months earlier": "{k} 个月前预测",
    "error": "误差",
    "Not enough months to backtest the projection.": "月份不足，无法回测预测。",
    "MAPE": "平均绝对误差率",
    "Origins": "起点数",
    "Error = projected − actual, as a share of the actual; bias > 0: the projection ran high. The "
    "backtest uses every month of the book with the sidebar's other filters.":
        "误差 = 预测值 − 实际值，以实际值的百分比表示；偏差 > 0 表示预测偏高。"
        "回测使用数据中的全部月份及侧栏的其他筛选条件。",
    # regulatory views
    "Regulatory views": "监管视图",
    "Five-tier classification (五级分类)": "五级分类",
    "IFRS 9 stages": "IFRS 9 阶段",
    "Five-tier classification: share of exposure outside 正常": "五级分类：正常类以外各类敞口占比",
    "NPL ratio": "不良率",
    "NPL ratio · {m}": "不良率 · {m}",
    "次级 + 可疑 + 损失 over the total exposure: {x} of {y}.": "（次级 + 可疑 + 损失）÷ 总敞口：{x} / {y}。",
    "Mapping in force": "现行映射",
    "Exposure by class and product, {m}": "各产品分类敞口，{m}",
    "IFRS 9 stage mix: stage 2 and 3": "IFRS 9 阶段结构：阶段 2 与阶段 3",
    "share of exposure": "占敞口比例",
    "Stage transfer rates": "阶段迁移率",
    "share of stage-k exposure at t−1 in stage k+1 at t": "t−1 月阶段 k 敞口在 t 月进入阶段 k+1 的比例",
    "Stage 1": "阶段 1",
    "Stage 2": "阶段 2",
    "Stage 3": "阶段 3",
    "English": "英文",
    "Stage 1 → 2": "阶段 1 → 2",
    "Stage 2 → 3": "阶段 2 → 3",
    "No transfer rates: they need two consecutive months.": "没有迁移率：需要两个相邻月份。",
    "Stage mix by product, {m}": "各产品阶段结构，{m}",
}
