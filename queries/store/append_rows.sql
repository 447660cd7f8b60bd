-- append_rows.sql
-- Adds a validated month (loaded into the scratch catalog by the same loader) to the store's
-- loan_snapshots. The DPD band comes from the store's own dpd_lookup, so the new rows roll up to
-- the buckets the store's cubes were built with; text dimensions pass as text and take the
-- store's ENUM types on insert (monitor/append.py widens a type first when a value is new).
-- Grain: one row per loan of the month. Reads: scratch.main.loan_snapshots, dpd_lookup.
-- Used by: monitor/append.py
-- Params: none
insert into loan_snapshots by name
with
top as (
    select max(dpd) as top_dpd
    from dpd_lookup
),
banded as (
    select
        n.snapshot_month,
        n.loan_id,
        n.outstanding_balance,
        n.days_past_due,
        n.exposure,
        l.dpd_band,
        cast(n.product as varchar) as product,
        cast(n.region as varchar) as region,
        cast(n.channel as varchar) as channel,
        n.origination_month,
        n.principal,
        n.overdue_amount,
        cast(n.age_band as varchar) as age_band,
        cast(n.income_band as varchar) as income_band,
        cast(n.occupation as varchar) as occupation,
        cast(n.collection_action as varchar) as collection_action,
        n.restructured
    from scratch.main.loan_snapshots as n
    cross join top as t
    inner join dpd_lookup as l
        on l.dpd = least(n.days_past_due, t.top_dpd)
)
select * from banded
