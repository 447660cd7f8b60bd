-- warn_dpd_jumps.sql
-- DPD rising faster than the calendar allows: from one month-end to the next, DPD can grow by
-- at most the number of days in the later month. A data-quality warning.
-- Grain: one row per offending loan-month, at most 5, with the total count.
-- Reads: loan_snapshots. Used by: monitor/loader.py
-- Params: none
with
prev as (
    select
        loan_id,
        cast(snapshot_month + interval 1 month as date) as next_month,
        days_past_due as prev_dpd
    from loan_snapshots
),
jumps as (
    select
        cur.loan_id,
        cur.snapshot_month,
        prev.prev_dpd,
        cur.days_past_due,
        day(last_day(cur.snapshot_month)) as days_in_month
    from loan_snapshots as cur
    inner join prev
        on prev.loan_id = cur.loan_id and prev.next_month = cur.snapshot_month
    where cur.days_past_due - prev.prev_dpd > day(last_day(cur.snapshot_month))
),
counted as (
    select *, count(*) over () as loan_months from jumps
)
select * from counted order by snapshot_month, loan_id limit 5
