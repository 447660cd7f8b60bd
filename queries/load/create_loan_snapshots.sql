-- create_loan_snapshots.sql
-- The validated snapshot table of DESIGN §1, with exposure and the DPD band every scheme rolls
-- up from. Runs only after check_counts found no refusal.
-- Grain: one row per loan per month. Reads: source_parsed, dpd_lookup. Used by: monitor/loader.py
-- Params: $missing VARCHAR (the value of an absent or empty text column)
create or replace table loan_snapshots as
with
parsed as (
    select * from source_parsed
),
banded as (
    select
        p.snapshot_month,
        p.loan_id,
        p.outstanding_balance,
        cast(p.dpd_num as integer) as days_past_due,
        -- exposure = greatest(balance, 0), empty as 0: a credit balance carries no risk (DESIGN §1)
        greatest(coalesce(p.outstanding_balance, 0), 0) as exposure,
        l.dpd_band,
        coalesce(p.product, $missing) as product,
        coalesce(p.region, $missing) as region,
        coalesce(p.channel, $missing) as channel,
        p.origination_month,
        p.principal,
        p.overdue_amount,
        coalesce(p.age_band, $missing) as age_band,
        coalesce(p.income_band, $missing) as income_band,
        coalesce(p.occupation, $missing) as occupation,
        coalesce(p.collection_action, $missing) as collection_action,
        p.restructured
    from parsed as p
    inner join dpd_lookup as l
        on l.dpd = least(cast(p.dpd_num as integer), (select max(dpd) from dpd_lookup))
)
select * from banded
