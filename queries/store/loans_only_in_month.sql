-- loans_only_in_month.sql
-- Loans of $month that appear in no other month of the store: what an append adds to (or a
-- replace takes from) the store's count of distinct loans, without recounting the whole book.
-- Grain: one row. Reads: loan_snapshots. Used by: monitor/append.py
-- Params: $month DATE
with
month_loans as (
    select distinct loan_id
    from loan_snapshots
    where snapshot_month = $month
),
elsewhere as (
    select distinct s.loan_id
    from loan_snapshots as s
    inner join month_loans as m
        on m.loan_id = s.loan_id
    where s.snapshot_month <> $month
)
select count(*) as loans
from month_loans as m
left join elsewhere as e
    on e.loan_id = m.loan_id
where e.loan_id is null
