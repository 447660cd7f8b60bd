-- transition_matrix.sql
-- The migration matrix t-1 -> t in the scheme's buckets: loans, t-1 exposure and t exposure per
-- from-bucket and to-bucket, per group and for 'ALL'. from_bucket 'new' (from_idx -1) holds loans
-- new at t; to_bucket 'exited' (to_idx -1) holds loans absent at t.
-- Grain: one row per (to_month, grp, from_idx, to_idx). Reads: transition_grouped (macros.sql).
-- Used by: monitor/metrics.py (migration), pages/migration.py
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $group_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]  (months are to-months)
select
    cast(to_month - interval 1 month as date) as from_month,
    *
from transition_grouped($scheme, $from_month, $to_month, $group_by, $products, $regions,
    $channels, $seg_dim, $seg_values)
order by to_month, grp = 'ALL' desc, grp, from_idx, to_idx
