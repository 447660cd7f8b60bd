-- jumps_by_month.sql
-- Loans whose DPD rose faster than the calendar allows, per month, as counted while the
-- transition cube paired t-1 with t (so a full build needs no separate join for this warning).
-- Grain: one row per to-month with at least one such loan. Reads: transition_cube.
-- Used by: monitor/load_checks.py
-- Params: $from_month DATE, $to_month DATE  (to-months to report)
select to_month, cast(sum(dpd_jumps) as bigint) as loan_months
from transition_cube
where seg_dim = 'all'
    and to_month between $from_month and $to_month
group by to_month
having sum(dpd_jumps) > 0
order by to_month
