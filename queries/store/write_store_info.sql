-- write_store_info.sql
-- What a prebuilt store holds and how it was made: one row the app shows on its Data page, and
-- the checks an append runs against (months, source). Lists and reports are JSON text.
-- Grain: one row. Reads: nothing. Used by: monitor/store.py, monitor/append.py
-- Params: $built_at TIMESTAMP, $source VARCHAR, $kind VARCHAR, $encoding VARCHAR, $rows BIGINT,
--   $loans BIGINT, $months INTEGER, $first_month DATE, $last_month DATE, $columns VARCHAR,
--   $mapping VARCHAR, $warnings VARCHAR, $cube_stats VARCHAR, $load_seconds DOUBLE,
--   $load_steps VARCHAR, $engine VARCHAR, $app_version VARCHAR, $history VARCHAR, $rules VARCHAR
create or replace table store_info as
select
    cast($built_at as timestamp) as built_at,
    cast($source as varchar) as source,
    cast($kind as varchar) as kind,
    cast($encoding as varchar) as encoding,
    cast($rows as bigint) as rows,
    cast($loans as bigint) as loans,
    cast($months as integer) as months,
    cast($first_month as date) as first_month,
    cast($last_month as date) as last_month,
    cast($columns as varchar) as columns,
    cast($mapping as varchar) as mapping,
    cast($warnings as varchar) as warnings,
    cast($cube_stats as varchar) as cube_stats,
    cast($load_seconds as double) as load_seconds,
    cast($load_steps as varchar) as load_steps,
    cast($engine as varchar) as engine,
    cast($app_version as varchar) as app_version,
    cast($history as varchar) as history,
    -- the rules text the breaches table was evaluated with ('' when none)
    cast($rules as varchar) as rules
