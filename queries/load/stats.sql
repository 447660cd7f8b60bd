-- stats.sql
-- Size of the loaded book: rows, months and the month range (loans come from loan_checks). Rows
-- whose month or loan_id did not parse are left out, so the range bounds the loan checks even in
-- a load that is about to be refused; in a load that is not, that is every row.
-- Grain: one row. Reads: loan_snapshots (with check_flags). Used by: monitor/loader.py
-- Params: none
select
    count(*) as rows,
    count(distinct snapshot_month) as months,
    min(snapshot_month) as first_month,
    max(snapshot_month) as last_month
from loan_snapshots
-- bits 0-2 of check_flags: month missing or unparsable, loan_id missing
where check_flags & 7 = 0
