-- bucket_balance.sql
-- Exposure, loans, overdue amount and principal per month, group and bucket of the scheme: the
-- stacked overdue balance chart and the bucket distribution table.
-- Grain: one row per (snapshot_month, grp, bucket_idx). Reads: monthly_grouped (macros.sql).
-- Used by: monitor/metrics.py, pages/trends.py, pages/migration.py
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $group_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]
select *
from monthly_grouped($scheme, $from_month, $to_month, $group_by, $products, $regions, $channels,
    $seg_dim, $seg_values)
order by snapshot_month, grp = 'ALL' desc, grp, bucket_idx
