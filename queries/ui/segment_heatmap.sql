-- segment_heatmap.sql
-- Overdue rate at one level in one month for every pair of values of two dimensions (rows ×
-- columns, e.g. age band × product), with the 'ALL' margins of each, by balance and by count.
-- Dimensions are group_key names ('product', 'region', 'channel', 'segment' = the values of
-- $seg_dim); the filters mean what they mean everywhere (in_scope reads exactly one seg_dim).
-- Grain: one row per (row_key, col_key), margins included. Reads: monthly_cube, scheme_band,
-- scheme_level. Used by: pages/segments.py
-- Params: $scheme VARCHAR, $month DATE, $level VARCHAR, $row_by VARCHAR, $col_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]  (a NULL list = no filter)
with
level_edge as (
    select level_idx
    from scheme_level
    where scheme = $scheme and level = $level
),
scoped as (
    select
        group_key($row_by, c.product, c.region, c.channel, c.seg_value) as row_key,
        group_key($col_by, c.product, c.region, c.channel, c.seg_value) as col_key,
        sb.bucket_idx >= (select level_idx from level_edge) as at_level,
        c.loans,
        c.exposure
    from monthly_cube as c
    inner join scheme_band as sb
        on sb.dpd_band = c.dpd_band and sb.scheme = $scheme
    where c.snapshot_month = $month
        and in_scope(c.product, c.region, c.channel, c.seg_dim, c.seg_value,
            $products, $regions, $channels, $seg_dim, $seg_values)
),
cells as (
    select
        case when grouping(row_key) = 1 then 'ALL' else row_key end as row_key,
        case when grouping(col_key) = 1 then 'ALL' else col_key end as col_key,
        cast(sum(loans) as bigint) as loans,
        sum(exposure) as balance,
        sum(case when at_level then exposure else 0 end) as overdue_balance,
        cast(sum(case when at_level then loans else 0 end) as bigint) as overdue_loans
    from scoped
    group by grouping sets ((row_key, col_key), (row_key), (col_key), ())
),
rates as (
    select
        row_key,
        col_key,
        loans,
        balance,
        overdue_balance,
        overdue_loans,
        overdue_balance / nullif(balance, 0) as rate,
        overdue_loans / nullif(loans, 0) as count_rate
    from cells
)
select * from rates order by row_key, col_key
