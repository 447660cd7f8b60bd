-- transition_cube.sql
-- Where each loan of month t-1 is at month t: its DPD band at t, or exited (to_band = -1) when
-- absent at t. Loans present at t but not at t-1 are kept alongside as new (from_band = -1).
-- Only pairs of consecutive calendar months that are both in the book are formed. Dimensions and
-- segments are the loan's at t-1 (at t for new loans); segments are grouping sets as in
-- monthly_cube. dpd_jumps counts the loans whose DPD rose by more than the days of month t (a
-- data-quality warning of the loader, counted here because this is where t-1 meets t). Each
-- side reads only its months, so a build can go one to-month at a time.
-- Grain: one row per (to_month, product, region, channel, seg_dim, seg_value, from_band, to_band).
-- Reads: loan_snapshots. Used by: monitor/cubes.py (DuckDB and Spark run this same text)
-- Params: $from_month DATE, $to_month DATE, $missing VARCHAR  (to_month range of the pairs)
with
book_months as (
    select distinct snapshot_month
    from loan_snapshots
    where snapshot_month between cast($from_month - interval 1 month as date) and $to_month
),
pair_months as (
    select cur.snapshot_month as to_month
    from book_months as cur
    inner join book_months as prev
        on prev.snapshot_month = cast(cur.snapshot_month - interval 1 month as date)
    where cur.snapshot_month between $from_month and $to_month
),
prev_side as (
    select
        pm.to_month,
        s.loan_id,
        s.product,
        s.region,
        s.channel,
        s.age_band,
        s.income_band,
        s.occupation,
        s.collection_action,
        s.restructured,
        s.dpd_band,
        s.days_past_due,
        s.exposure
    from loan_snapshots as s
    inner join pair_months as pm
        on pm.to_month = cast(s.snapshot_month + interval 1 month as date)
    where s.snapshot_month between cast($from_month - interval 1 month as date)
        and cast($to_month - interval 1 month as date)
),
cur_side as (
    select
        s.snapshot_month as to_month,
        s.loan_id,
        s.product,
        s.region,
        s.channel,
        s.age_band,
        s.income_band,
        s.occupation,
        s.collection_action,
        s.restructured,
        s.dpd_band,
        s.days_past_due,
        s.exposure
    from loan_snapshots as s
    inner join pair_months as pm
        on pm.to_month = s.snapshot_month
    where s.snapshot_month between $from_month and $to_month
),
pairs as (
    select
        coalesce(p.to_month, c.to_month) as to_month,
        coalesce(p.product, c.product) as product,
        coalesce(p.region, c.region) as region,
        coalesce(p.channel, c.channel) as channel,
        coalesce(p.age_band, c.age_band) as age_band,
        coalesce(p.income_band, c.income_band) as income_band,
        coalesce(p.occupation, c.occupation) as occupation,
        coalesce(p.collection_action, c.collection_action) as collection_action,
        coalesce(p.restructured, c.restructured) as restructured,
        coalesce(p.dpd_band, -1) as from_band,
        coalesce(c.dpd_band, -1) as to_band,
        coalesce(p.exposure, 0) as exposure_from,
        coalesce(c.exposure, 0) as exposure_to,
        -- month-end to month-end, DPD can grow by at most the days of the later month
        case when c.days_past_due - p.days_past_due > day(last_day(c.to_month)) then 1 else 0 end
            as jumped
    from prev_side as p
    full outer join cur_side as c
        on c.loan_id = p.loan_id and c.to_month = p.to_month
),
finest as (
    select
        to_month, product, region, channel, age_band, income_band, occupation,
        collection_action, restructured, from_band, to_band,
        count(*) as loans,
        sum(exposure_from) as exposure_from,
        sum(exposure_to) as exposure_to,
        sum(jumped) as dpd_jumps
    from pairs
    group by
        to_month, product, region, channel, age_band, income_band, occupation,
        collection_action, restructured, from_band, to_band
),
rolled as (
    select
        to_month,
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
        from_band,
        to_band,
        cast(sum(loans) as bigint) as loans,
        sum(exposure_from) as exposure_from,
        sum(exposure_to) as exposure_to,
        cast(sum(dpd_jumps) as bigint) as dpd_jumps
    from finest
    group by grouping sets (
        (to_month, product, region, channel, from_band, to_band),
        (to_month, product, region, channel, age_band, from_band, to_band),
        (to_month, product, region, channel, income_band, from_band, to_band),
        (to_month, product, region, channel, occupation, from_band, to_band),
        (to_month, product, region, channel, collection_action, from_band, to_band),
        (to_month, product, region, channel, restructured, from_band, to_band)
    )
)
select * from rolled
