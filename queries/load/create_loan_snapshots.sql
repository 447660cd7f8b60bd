-- create_loan_snapshots.sql
-- The snapshot table of DESIGN §1, with exposure and the DPD band every scheme rolls up from,
-- built in the one pass over the source. Text dimensions are stored as ENUM types made from
-- their own values (enum_<column>, sorted, so they order as text; queries read them as text),
-- which keeps a row small and groups fast. check_flags carries every row's findings until the
-- loader has counted them; a load with a refusal discards the whole table.
-- Grain: one row per loan per month. Reads: source_parsed, dpd_lookup. Used by: monitor/loader.py
-- Params: $missing VARCHAR (the value of an absent or empty text column)
create or replace table loan_snapshots as
with
top as (
    -- every DPD beyond the lookup's last entry shares its band
    select max(dpd) as top_dpd
    from dpd_lookup
),
parsed as (
    select
        p.*,
        least(try_cast(p.dpd_num as integer), t.top_dpd) as dpd_key
    from source_parsed as p
    cross join top as t
),
banded as (
    select
        p.snapshot_month,
        p.loan_id,
        p.outstanding_balance,
        try_cast(p.dpd_num as integer) as days_past_due,
        -- exposure = greatest(balance, 0), empty as 0: a credit balance carries no risk (DESIGN §1)
        greatest(coalesce(p.outstanding_balance, 0), 0) as exposure,
        l.dpd_band,
        cast(coalesce(p.product, $missing) as enum_product) as product,
        cast(coalesce(p.region, $missing) as enum_region) as region,
        cast(coalesce(p.channel, $missing) as enum_channel) as channel,
        p.origination_month,
        p.principal,
        p.overdue_amount,
        cast(coalesce(p.age_band, $missing) as enum_age_band) as age_band,
        cast(coalesce(p.income_band, $missing) as enum_income_band) as income_band,
        cast(coalesce(p.occupation, $missing) as enum_occupation) as occupation,
        cast(coalesce(p.collection_action, $missing) as enum_collection_action) as collection_action,
        p.restructured,
        p.check_flags
    from parsed as p
    left join dpd_lookup as l
        on l.dpd = p.dpd_key
)
select * from banded
