-- loan_checks.sql
-- One aggregation keyed by loan for the checks that span months: the months a loan is present
-- (a bit per month from $first_month), so that rows beyond the distinct months are duplicates
-- (a refusal) and a span longer than the months present is a gap (a warning), plus the number
-- of loans. Rows whose month or loan_id did not parse are left out (they are refused anyway).
-- Grain: one row per gapped loan among the first 5 by loan_id, each carrying the totals (one
-- row with NULL loan columns when no loan has a gap). Reads: loan_snapshots.
-- Used by: monitor/load_checks.py
-- Params: $first_month DATE, $span INTEGER (months from $first_month to the last month, minus 1)
with
per_loan as materialized (
    select
        loan_id,
        count(*) as row_count,
        bitstring_agg(date_diff('month', $first_month, snapshot_month), 0, $span) as present,
        min(snapshot_month) as first_month,
        max(snapshot_month) as last_month
    from loan_snapshots
    -- bits 0-2 of check_flags: month missing or unparsable, loan_id missing
    where check_flags & 7 = 0
    group by loan_id
),
measured as materialized (
    select
        loan_id,
        first_month,
        last_month,
        row_count - bit_count(present) as extra_rows,
        date_diff('month', first_month, last_month) + 1 - bit_count(present) as months_missing
    from per_loan
),
totals as (
    select
        count(*) as loans,
        coalesce(sum(extra_rows), 0) as extra_rows,
        count(*) filter (where months_missing > 0) as gapped_loans
    from measured
),
examples as (
    select loan_id, months_missing, first_month, last_month
    from measured
    where months_missing > 0
    order by loan_id
    limit 5
)
select t.*, e.*
from totals as t
left join examples as e
    on true
order by e.loan_id
