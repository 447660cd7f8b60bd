-- collections_outcomes.sql
-- Next month's outcome of the loans worked by each collection action: of the loans in bucket k
-- at t-1 with action a at t-1, how many are cured (M0 at t), rolled back (a better bucket other
-- than M0: a partial cure), stayed (same bucket), rolled forward (a worse bucket) or exited
-- (absent at t), by count and by t-1 exposure, with each outcome's share of the row. Action
-- 'ALL' is every action together. Delinquent from-buckets only (M0 is not worked).
-- Grain: one row per (to_month, action, from_idx). Reads: transition_grouped (macros.sql) with
-- seg_dim 'collection_action' (the action of t-1). Used by: pages/collections.py,
-- monitor/collections.py (CLI)
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $products VARCHAR[],
--   $regions VARCHAR[], $channels VARCHAR[], $actions VARCHAR[]  (months are to-months t;
--   a NULL list = no filter)
with
moves as (
    select *
    from transition_grouped($scheme, $from_month, $to_month, 'segment', $products, $regions,
        $channels, 'collection_action', $actions)
    where from_idx >= 1
),
classified as (
    select
        to_month,
        grp as action,
        from_idx,
        from_bucket,
        case
            when to_idx < 0 then 'exited'
            when to_idx = 0 then 'cured'
            when to_idx < from_idx then 'rolled_back'
            when to_idx = from_idx then 'stayed'
            else 'rolled'
        end as outcome,
        loans,
        exposure_from
    from moves
),
by_row as (
    select
        to_month,
        action,
        from_idx,
        from_bucket,
        cast(sum(loans) as bigint) as loans,
        sum(exposure_from) as exposure,
        cast(sum(case when outcome = 'cured' then loans else 0 end) as bigint) as cured_loans,
        cast(sum(case when outcome = 'rolled_back' then loans else 0 end) as bigint) as rolled_back_loans,
        cast(sum(case when outcome = 'stayed' then loans else 0 end) as bigint) as stayed_loans,
        cast(sum(case when outcome = 'rolled' then loans else 0 end) as bigint) as rolled_loans,
        cast(sum(case when outcome = 'exited' then loans else 0 end) as bigint) as exited_loans,
        sum(case when outcome = 'cured' then exposure_from else 0 end) as cured_exposure,
        sum(case when outcome = 'rolled_back' then exposure_from else 0 end) as rolled_back_exposure,
        sum(case when outcome = 'stayed' then exposure_from else 0 end) as stayed_exposure,
        sum(case when outcome = 'rolled' then exposure_from else 0 end) as rolled_exposure,
        sum(case when outcome = 'exited' then exposure_from else 0 end) as exited_exposure
    from classified
    group by to_month, action, from_idx, from_bucket
)
select
    cast(to_month - interval 1 month as date) as from_month,
    *
from by_row
order by to_month, action = 'ALL' desc, action, from_idx
