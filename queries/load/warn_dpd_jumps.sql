-- warn_dpd_jumps.sql
-- DPD rising faster than the calendar allows: from one month-end to the next, DPD can grow by
-- at most the number of days in the later month. A data-quality warning, checked one month at a
-- time against the month before (a small join instead of one over the whole book).
-- Grain: one row per offending loan of $month, at most 5 (by loan_id), with the month's total.
-- Reads: loan_snapshots. Used by: monitor/load_checks.py
-- Params: $month DATE
with
cur as (
    select loan_id, snapshot_month, days_past_due
    from loan_snapshots
    where snapshot_month = $month
),
prev as (
    select loan_id, days_past_due as prev_dpd
    from loan_snapshots
    where snapshot_month = cast($month - interval 1 month as date)
),
jumps as (
    select
        cur.loan_id,
        cur.snapshot_month,
        prev.prev_dpd,
        cur.days_past_due,
        day(last_day(cur.snapshot_month)) as days_in_month
    from cur
    inner join prev
        on prev.loan_id = cur.loan_id
    where cur.days_past_due - prev.prev_dpd > day(last_day(cur.snapshot_month))
),
counted as (
    select *, count(*) over () as loan_months from jumps
)
select * from counted order by loan_id limit 5
