-- duplicate_keys.sql
-- (month, loan_id) pairs that occur more than once: a refusal (a loan is unique within a month).
-- Grain: one row per duplicated pair, at most 5, with the total number of such pairs.
-- Reads: source_parsed (rows whose month and loan_id parse). Used by: monitor/loader.py
-- Params: none
with
counted as (
    select snapshot_month, loan_id, count(*) as copies
    from source_parsed
    where snapshot_month is not null and loan_id is not null
    group by snapshot_month, loan_id
    having count(*) > 1
),
numbered as (
    select *, count(*) over () as pairs from counted
)
select * from numbered order by snapshot_month, loan_id limit 5
