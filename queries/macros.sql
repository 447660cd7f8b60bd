-- macros.sql
-- Shared building blocks of the page and CLI queries, so that a filter means the same everywhere.
--   in_scope(...): a cube row is inside the sidebar filters (exactly one seg_dim is read, so the
--     segment grouping sets never double count; a NULL list means "no filter");
--   monthly_grouped(...) / transition_grouped(...): the cube inside the filters, rolled up to
--     the scheme's buckets and to the chosen group ('product', 'region', 'channel', 'segment' or
--     'none'), plus an 'ALL' group for the whole scope.
-- Grain: see each macro. Reads: monthly_cube, transition_cube, scheme_band.
-- Used by: monitor/db.py (created with the definition tables in every database)
-- Params: none (macro arguments are bound by the calling query's $parameters)
create or replace macro in_scope(product, region, channel, seg_dim, seg_value,
        f_products, f_regions, f_channels, f_seg_dim, f_seg_values) as
    seg_dim = f_seg_dim
    and (f_seg_values is null or list_contains(f_seg_values, seg_value))
    and (f_products is null or list_contains(f_products, product))
    and (f_regions is null or list_contains(f_regions, region))
    and (f_channels is null or list_contains(f_channels, channel));

create or replace macro group_key(group_by, product, region, channel, seg_value) as
    case group_by
        when 'product' then product
        when 'region' then region
        when 'channel' then channel
        when 'segment' then seg_value
        else 'ALL'
    end;

-- Grain: one row per (snapshot_month, grp, bucket_idx).
create or replace macro monthly_grouped(f_scheme, f_from, f_to, f_group_by, f_products,
        f_regions, f_channels, f_seg_dim, f_seg_values) as table
    with
    scoped as (
        select
            c.snapshot_month,
            group_key(f_group_by, c.product, c.region, c.channel, c.seg_value) as grp,
            sb.bucket_idx,
            sb.bucket,
            c.loans,
            c.exposure,
            c.overdue_amount,
            c.principal
        from monthly_cube as c
        inner join scheme_band as sb
            on sb.dpd_band = c.dpd_band and sb.scheme = f_scheme
        where c.snapshot_month between f_from and f_to
            and in_scope(c.product, c.region, c.channel, c.seg_dim, c.seg_value,
                f_products, f_regions, f_channels, f_seg_dim, f_seg_values)
    )
    select
        snapshot_month,
        case when grouping(grp) = 1 then 'ALL' else grp end as grp,
        bucket_idx,
        bucket,
        cast(sum(loans) as bigint) as loans,
        sum(exposure) as exposure,
        sum(overdue_amount) as overdue_amount,
        sum(principal) as principal
    from scoped
    group by grouping sets ((snapshot_month, grp, bucket_idx, bucket),
        (snapshot_month, bucket_idx, bucket))
    -- grouping by 'none' makes every grp 'ALL' already: keep only the grand-total set then
    having grouping(grp) = 1 or f_group_by <> 'none';

-- Grain: one row per (to_month, grp, from_idx, to_idx); from 'new' / to 'exited' have index -1.
create or replace macro transition_grouped(f_scheme, f_from, f_to, f_group_by, f_products,
        f_regions, f_channels, f_seg_dim, f_seg_values) as table
    with
    scoped as (
        select
            c.to_month,
            group_key(f_group_by, c.product, c.region, c.channel, c.seg_value) as grp,
            coalesce(fb.bucket_idx, -1) as from_idx,
            coalesce(fb.bucket, 'new') as from_bucket,
            coalesce(tb.bucket_idx, -1) as to_idx,
            coalesce(tb.bucket, 'exited') as to_bucket,
            c.loans,
            c.exposure_from,
            c.exposure_to
        from transition_cube as c
        left join scheme_band as fb
            on fb.dpd_band = c.from_band and fb.scheme = f_scheme
        left join scheme_band as tb
            on tb.dpd_band = c.to_band and tb.scheme = f_scheme
        where c.to_month between f_from and f_to
            and in_scope(c.product, c.region, c.channel, c.seg_dim, c.seg_value,
                f_products, f_regions, f_channels, f_seg_dim, f_seg_values)
    )
    select
        to_month,
        case when grouping(grp) = 1 then 'ALL' else grp end as grp,
        from_idx,
        from_bucket,
        to_idx,
        to_bucket,
        cast(sum(loans) as bigint) as loans,
        sum(exposure_from) as exposure_from,
        sum(exposure_to) as exposure_to
    from scoped
    group by grouping sets (
        (to_month, grp, from_idx, from_bucket, to_idx, to_bucket),
        (to_month, from_idx, from_bucket, to_idx, to_bucket))
    having grouping(grp) = 1 or f_group_by <> 'none';
