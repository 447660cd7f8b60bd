-- flow_rates.sql
-- Aggregate flow rates (迁徙率): exposure in M(k+1) at t / exposure in M(k) at t-1, for
-- consecutive calendar months both in the book. NULL when M(k) at t-1 held no exposure.
-- Grain: one row per (snapshot_month, grp, from_idx). Reads: monthly_grouped (macros.sql),
-- monthly_cube, scheme_band.
-- Used by: monitor/metrics.py (migration), pages/migration.py, monitor/rules.py
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $group_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]  (months are the later month t)
with
buckets as (
    select
        snapshot_month,
        grp,
        bucket_idx,
        bucket,
        sum(exposure) as exposure
    from monthly_grouped($scheme, cast($from_month - interval 1 month as date), $to_month,
        $group_by, $products, $regions, $channels, $seg_dim, $seg_values)
    group by snapshot_month, grp, bucket_idx, bucket
),
scheme_buckets as (
    select distinct bucket_idx, bucket
    from scheme_band
    where scheme = $scheme
),
steps as (
    select
        f.bucket_idx as from_idx,
        f.bucket as from_bucket,
        t.bucket as to_bucket
    from scheme_buckets as f
    inner join scheme_buckets as t
        on t.bucket_idx = f.bucket_idx + 1
),
book_months as (
    select distinct snapshot_month
    from monthly_cube
),
month_pairs as (
    -- every group held at t-1 or at t, for consecutive months both in the book (the pairs of
    -- transition_cube): a group whose loans all left has flows of 0, a new one undefined flows
    select distinct
        cur.snapshot_month,
        b.grp
    from book_months as cur
    inner join book_months as prev
        on prev.snapshot_month = cast(cur.snapshot_month - interval 1 month as date)
    inner join buckets as b
        on b.snapshot_month in (cur.snapshot_month, prev.snapshot_month)
    where cur.snapshot_month between $from_month and $to_month
),
flows as (
    select
        mp.snapshot_month,
        mp.grp,
        s.from_idx,
        s.from_bucket,
        s.to_bucket,
        coalesce(prev.exposure, 0) as from_exposure,
        coalesce(cur.exposure, 0) as to_exposure
    from month_pairs as mp
    cross join steps as s
    left join buckets as prev
        on prev.grp = mp.grp and prev.bucket_idx = s.from_idx
        and prev.snapshot_month = cast(mp.snapshot_month - interval 1 month as date)
    left join buckets as cur
        on cur.grp = mp.grp and cur.bucket_idx = s.from_idx + 1
        and cur.snapshot_month = mp.snapshot_month
)
select
    *,
    to_exposure / nullif(from_exposure, 0) as flow_rate
from flows
order by snapshot_month, grp = 'ALL' desc, grp, from_idx
