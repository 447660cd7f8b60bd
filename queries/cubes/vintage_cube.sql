-- vintage_cube.sql
-- Loans and exposure of each origination cohort at each month on book (MOB), by DPD band.
-- MOB = months from the origination month to the snapshot month (MOB 0 = origination month).
-- Rows with no origination_month, or one after the snapshot month, are not part of any cohort.
-- Dimensions are grouped as stored (ENUM codes in DuckDB) and turned into text on the cells.
-- Grain: one row per (origination_month, mob, product, region, channel, dpd_band).
-- Reads: loan_snapshots. Used by: monitor/cubes.py (DuckDB and Spark run this same text)
-- Params: $from_month DATE, $to_month DATE  (snapshot months to add)
with
snapshots as (
    select
        origination_month,
        (year(snapshot_month) - year(origination_month)) * 12
            + month(snapshot_month) - month(origination_month) as mob,
        product,
        region,
        channel,
        dpd_band,
        exposure
    from loan_snapshots
    where snapshot_month between $from_month and $to_month
        and origination_month is not null
        and origination_month <= snapshot_month
),
cells as (
    select
        origination_month,
        mob,
        cast(product as varchar) as product,
        cast(region as varchar) as region,
        cast(channel as varchar) as channel,
        dpd_band,
        count(*) as loans,
        sum(exposure) as exposure
    from snapshots
    group by origination_month, mob, product, region, channel, dpd_band
)
select * from cells
