-- monthly_cube.sql
-- Loans, exposure, overdue amount and principal per month, product, region and channel, by DPD
-- band. Segments are grouping sets: seg_dim = 'all' holds the whole scope once; every other
-- seg_dim (age_band, income_band, occupation, collection_action, restructured) splits the same
-- scope by its values, so a query reads exactly one seg_dim and never double counts.
-- DPD bands are the finest partition of all schemes' edges (dpd_lookup); queries roll them up to
-- a scheme's buckets through scheme_band. Dimensions are grouped as stored (ENUM codes in
-- DuckDB) and turned into text only on the rolled-up rows.
-- Grain: one row per (snapshot_month, product, region, channel, seg_dim, seg_value, dpd_band).
-- Reads: loan_snapshots. Used by: monitor/cubes.py (DuckDB and Spark run this same text)
-- Params: $from_month DATE, $to_month DATE, $missing VARCHAR
with
snapshots as (
    select
        snapshot_month,
        product,
        region,
        channel,
        age_band,
        income_band,
        occupation,
        collection_action,
        restructured,
        dpd_band,
        exposure,
        overdue_amount,
        principal
    from loan_snapshots
    where snapshot_month between $from_month and $to_month
),
finest as (
    select
        snapshot_month,
        product,
        region,
        channel,
        age_band,
        income_band,
        occupation,
        collection_action,
        restructured,
        dpd_band,
        count(*) as loans,
        sum(exposure) as exposure,
        sum(overdue_amount) as overdue_amount,
        sum(principal) as principal
    from snapshots
    group by
        snapshot_month, product, region, channel, age_band, income_band, occupation,
        collection_action, restructured, dpd_band
),
rolled as (
    select
        snapshot_month,
        cast(product as varchar) as product,
        cast(region as varchar) as region,
        cast(channel as varchar) as channel,
        case
            when grouping(age_band) = 0 then 'age_band'
            when grouping(income_band) = 0 then 'income_band'
            when grouping(occupation) = 0 then 'occupation'
            when grouping(collection_action) = 0 then 'collection_action'
            when grouping(restructured) = 0 then 'restructured'
            else 'all'
        end as seg_dim,
        case
            when grouping(age_band) = 0 then cast(age_band as varchar)
            when grouping(income_band) = 0 then cast(income_band as varchar)
            when grouping(occupation) = 0 then cast(occupation as varchar)
            when grouping(collection_action) = 0 then cast(collection_action as varchar)
            when grouping(restructured) = 0 then
                case when restructured then 'yes' when not restructured then 'no' else $missing end
            else 'all'
        end as seg_value,
        dpd_band,
        cast(sum(loans) as bigint) as loans,
        sum(exposure) as exposure,
        sum(overdue_amount) as overdue_amount,
        sum(principal) as principal
    from finest
    group by grouping sets (
        (snapshot_month, product, region, channel, dpd_band),
        (snapshot_month, product, region, channel, age_band, dpd_band),
        (snapshot_month, product, region, channel, income_band, dpd_band),
        (snapshot_month, product, region, channel, occupation, dpd_band),
        (snapshot_month, product, region, channel, collection_action, dpd_band),
        (snapshot_month, product, region, channel, restructured, dpd_band)
    )
)
select * from rolled
