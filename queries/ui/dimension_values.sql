-- dimension_values.sql
-- Every value of every filterable dimension, with its exposure in the latest month, for the
-- sidebar's choices (largest first). Dimensions the source lacks hold only '(none)'.
-- Grain: one row per (dim, value). Reads: monthly_cube. Used by: pages/common.py
-- Params: none
with
long_values as (
    select 'product' as dim, product as value, snapshot_month, exposure
    from monthly_cube where seg_dim = 'all'
    union all
    select 'region', region, snapshot_month, exposure from monthly_cube where seg_dim = 'all'
    union all
    select 'channel', channel, snapshot_month, exposure from monthly_cube where seg_dim = 'all'
    union all
    select seg_dim, seg_value, snapshot_month, exposure from monthly_cube where seg_dim <> 'all'
),
valued as (
    select
        dim,
        value,
        coalesce(sum(exposure) filter (
            where snapshot_month = (select max(snapshot_month) from monthly_cube)), 0) as exposure
    from long_values
    group by dim, value
)
select * from valued order by dim, exposure desc, value
