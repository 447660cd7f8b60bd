-- check_counts.sql
-- How many rows carry each refusal and row-level warning flag: bit i of check_flags, packed by
-- source_parsed.sql in this order. Only flagged rows are read in detail (most books have none).
-- Grain: one row. Reads: loan_snapshots (check_flags, before the loader drops it).
-- Used by: monitor/loader.py
-- Params: none
with
flagged as (
    select check_flags
    from loan_snapshots
    where check_flags <> 0
),
counts as (
    select
        (select count(*) from loan_snapshots) as rows,
    count(*) filter (where check_flags & 1 <> 0) as month_missing,
    count(*) filter (where check_flags & 2 <> 0) as month_unparsable,
    count(*) filter (where check_flags & 4 <> 0) as loan_id_missing,
    count(*) filter (where check_flags & 8 <> 0) as dpd_missing,
    count(*) filter (where check_flags & 16 <> 0) as dpd_unparsable,
    count(*) filter (where check_flags & 32 <> 0) as dpd_not_integer,
    count(*) filter (where check_flags & 64 <> 0) as dpd_negative,
    count(*) filter (where check_flags & 128 <> 0) as dpd_implausible,
    count(*) filter (where check_flags & 256 <> 0) as balance_unparsable,
    count(*) filter (where check_flags & 512 <> 0) as principal_unparsable,
    count(*) filter (where check_flags & 1024 <> 0) as overdue_amount_unparsable,
    count(*) filter (where check_flags & 2048 <> 0) as origination_month_unparsable,
    count(*) filter (where check_flags & 4096 <> 0) as restructured_unparsable,
    count(*) filter (where check_flags & 8192 <> 0) as balance_empty,
    count(*) filter (where check_flags & 16384 <> 0) as balance_negative,
    count(*) filter (where check_flags & 32768 <> 0) as overdue_above_balance,
    count(*) filter (where check_flags & 65536 <> 0) as overdue_negative,
    count(*) filter (where check_flags & 131072 <> 0) as origination_after_snapshot
    from flagged
)
select * from counts
