"""Chinese for the Segments page (and the values of its segment dimensions)."""

ZH = {
    "Which part of the book is driving delinquency in {month}?": "{month} 哪部分资产在推高逾期？",
    "The data has no product, region, channel or segment column to split by.":
        "数据中没有产品、地区、渠道或客群列，无法拆分。",
    "Split by": "拆分维度",
    "Age band": "年龄段",
    "Income band": "收入段",
    "Occupation": "职业",
    "Collection action": "催收动作",
    "Restructured": "重组",
    "The sidebar's segment filter ({seg} = {values}) is not applied here: the figures split the book "
    "by one segment dimension at a time. Product, region and channel filters apply.":
        "侧栏的客群筛选（{seg} = {values}）在此不生效：本页一次只按一个客群维度拆分。产品、地区和渠道筛选仍然生效。",
    "{level} overdue rate by {dim}, {month}": "{month} 各{dim} {level} 逾期率",
    "Share of the scope": "占比",
    "Whole scope": "整体",
    "Exposure share": "余额占比",
    "Loan share": "笔数占比",
    "Share of overdue": "逾期占比",
    "Orange bars are above the rate of the whole scope (dashed line). Click a bar to list its loans below.":
        "橙色柱高于整体逾期率（虚线）。点击柱子可在下方查看对应贷款明细。",
    " (the {n} largest by exposure)": "（余额最大的 {n} 个）",
    "{level} overdue rate by {dim} over time": "各{dim} {level} 逾期率走势",
    "Heatmap columns": "热力图列",
    "A trend needs at least two months: widen the sidebar's month range.":
        "走势至少需要两个月：请在侧栏扩大月份区间。",
    "{level} overdue rate: {dim} × {across}": "{level} 逾期率：{dim} × {across}",
    "Values in {month}": "{month} 明细数值",
    "Loans behind the number": "贷款明细下钻",
    "{dim} value": "{dim}取值",
    "Only loans at {level}": "仅 {level} 贷款",
    "Rows shown": "显示行数",
    "No loan at {level} in {where}.": "{where} 没有 {level} 贷款。",
    "No loan in {where}.": "{where} 没有贷款。",
    "Loans{at} in {where}: {n}, exposure {exposure}; showing {shown}, highest DPD first, then balance.":
        "{where}：{at}贷款共 {n} 笔，余额 {exposure}；显示 {shown} 笔（按逾期天数、再按余额降序）。",
    " at {level}": "{level} ",
    "Loan": "贷款编号",
    "DPD": "逾期天数",
    "Bucket": "账龄桶",
    "Origination month": "放款月份",
    # values of the segment dimensions
    "none": "无",
    "sms": "短信",
    "phone": "电话",
    "outsourced": "委外",
    "legal": "法诉",
    "yes": "是",
    "no": "否",
}
