-- stats.sql
-- Size of the loaded book: rows, distinct loans, months and the month range.
-- Grain: one row. Reads: loan_snapshots. Used by: monitor/loader.py
-- Params: none
select
    count(*) as rows,
    count(distinct loan_id) as loans,
    count(distinct snapshot_month) as months,
    min(snapshot_month) as first_month,
    max(snapshot_month) as last_month
from loan_snapshots
