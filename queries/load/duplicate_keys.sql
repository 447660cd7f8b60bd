-- duplicate_keys.sql
-- (month, loan_id) pairs that occur more than once: a refusal (a loan is unique within a month).
-- Run only when loan_checks found more rows than loan-months.
-- Grain: one row per duplicated pair, at most 5, with the total number of such pairs.
-- Reads: loan_snapshots (rows whose month and loan_id parse). Used by: monitor/load_checks.py
-- Params: none
with
counted as (
    select snapshot_month, loan_id, count(*) as copies
    from loan_snapshots
    where check_flags & 7 = 0
    group by snapshot_month, loan_id
    having count(*) > 1
),
numbered as (
    select *, count(*) over () as pairs from counted
)
select * from numbered order by snapshot_month, loan_id limit 5
