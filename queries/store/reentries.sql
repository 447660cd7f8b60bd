-- reentries.sql
-- Loans of $month that were absent the month before but present earlier: a gap in their months
-- (the loader's gap warning, for an appended month). Up to 5 examples by loan_id with the total.
-- Grain: one row per example loan. Reads: loan_snapshots. Used by: monitor/append.py
-- Params: $month DATE
with
month_loans as (
    select loan_id
    from loan_snapshots
    where snapshot_month = $month
),
before as (
    select s.loan_id, max(s.snapshot_month) as last_seen
    from loan_snapshots as s
    inner join month_loans as m
        on m.loan_id = s.loan_id
    where s.snapshot_month < $month
    group by s.loan_id
),
gapped as (
    select
        loan_id,
        last_seen as first_month,
        cast($month as date) as last_month,
        date_diff('month', last_seen, $month) - 1 as months_missing
    from before
    where last_seen < cast($month - interval 1 month as date)
),
counted as (
    select *, count(*) over () as loans from gapped
)
select * from counted order by loan_id limit 5
