-- drilldown_loans.sql
-- The loans behind a segment's number: the loans of one month inside the filters and the chosen
-- dimension value, in buckets $min_idx and worse of the scheme, most delinquent first (DPD, then
-- balance), with the count, exposure and overdue amount of the whole selection before the row
-- limit. The only page query that reads loan_snapshots. Dimension names are matched by a fixed
-- CASE list (product, region, channel, age_band, income_band, occupation, collection_action,
-- restructured): any other name matches no loan. Buckets come from dpd_band (built from
-- dpd_lookup) through scheme_band, as in the cubes.
-- Grain: one row per loan (at most $row_limit rows). Reads: loan_snapshots, scheme_band.
-- Used by: pages/segments.py
-- Params: $month DATE, $scheme VARCHAR, $min_idx INTEGER, $products VARCHAR[], $regions VARCHAR[],
--   $channels VARCHAR[], $seg_dim VARCHAR, $seg_values VARCHAR[], $dim VARCHAR, $dim_value VARCHAR,
--   $missing VARCHAR, $row_limit INTEGER  (a NULL list or $dim_value = no filter)
with
month_loans as (
    select
        s.*,
        -- the cube stores restructured as 'yes' / 'no' / the missing marker: match it the same way
        case when s.restructured then 'yes' when not s.restructured then 'no' else $missing end
            as restructured_key
    from loan_snapshots as s
    where s.snapshot_month = $month
),
keyed as (
    select
        m.*,
        case $dim
            when 'product' then m.product
            when 'region' then m.region
            when 'channel' then m.channel
            when 'age_band' then m.age_band
            when 'income_band' then m.income_band
            when 'occupation' then m.occupation
            when 'collection_action' then m.collection_action
            when 'restructured' then m.restructured_key
        end as dim_key,
        case $seg_dim
            when 'age_band' then m.age_band
            when 'income_band' then m.income_band
            when 'occupation' then m.occupation
            when 'collection_action' then m.collection_action
            when 'restructured' then m.restructured_key
        end as seg_key
    from month_loans as m
),
scoped as (
    select
        k.*,
        sb.bucket_idx,
        sb.bucket
    from keyed as k
    inner join scheme_band as sb
        on sb.dpd_band = k.dpd_band and sb.scheme = $scheme
    where sb.bucket_idx >= $min_idx
        and ($dim_value is null or k.dim_key = $dim_value)
        and ($products is null or list_contains($products, k.product))
        and ($regions is null or list_contains($regions, k.region))
        and ($channels is null or list_contains($channels, k.channel))
        and ($seg_values is null or list_contains($seg_values, k.seg_key))
),
ranked as (
    select
        loan_id,
        product,
        region,
        channel,
        dim_key as dim_value,
        days_past_due,
        bucket_idx,
        bucket,
        outstanding_balance,
        exposure,
        overdue_amount,
        origination_month,
        collection_action,
        restructured_key as restructured,
        count(*) over () as total_loans,
        sum(exposure) over () as total_exposure,
        sum(overdue_amount) over () as total_overdue_amount
    from scoped
    order by days_past_due desc, outstanding_balance desc nulls last, loan_id
    limit $row_limit
)
select * from ranked
