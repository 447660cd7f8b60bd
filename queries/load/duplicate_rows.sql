-- duplicate_rows.sql
-- The source rows behind one duplicated (month, loan_id) pair, for the refusal message.
-- Grain: one row per source row. Reads: source_parsed. Used by: monitor/load_checks.py
-- Params: $month DATE, $loan_id VARCHAR
select _file, _row
from source_parsed
where snapshot_month = $month and loan_id = $loan_id
order by _file, _row
limit 5
