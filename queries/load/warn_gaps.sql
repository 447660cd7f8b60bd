-- warn_gaps.sql
-- Loans whose months have gaps (present, absent, present again): a data-quality warning.
-- Grain: one row per loan with a gap, at most 5, with the total number of such loans.
-- Reads: loan_snapshots. Used by: monitor/loader.py
-- Params: none
with
spans as (
    select
        loan_id,
        count(*) as months_present,
        min(snapshot_month) as first_month,
        max(snapshot_month) as last_month
    from loan_snapshots
    group by loan_id
),
gapped as (
    select
        *,
        (year(last_month) - year(first_month)) * 12 + month(last_month) - month(first_month) + 1
            - months_present as months_missing
    from spans
),
flagged as (
    select *, count(*) over () as loans
    from gapped
    where months_missing > 0
)
select * from flagged order by loan_id limit 5
