-- Dimension parity for additive KPIs (simple sums and counts): in every period, the segments of a
-- dimension add up to the total. A dimension that drops or double-counts rows fails here.
-- Returns one row per period and dimension that does not add up.
with

kpi_values as (
    -- referenced first: dbt lists this test's inputs in that order, and `scorecard check` takes the
    -- first as what the test checks
    select * from {{ ref('kpi_values') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
    where is_additive
),

segments as (
    select
        kpi_values.metric_name,
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.dimension_name,
        sum(kpi_values.value) as segment_sum
    from kpi_values
    inner join definitions on kpi_values.metric_name = definitions.metric_name
    where kpi_values.dimension_name <> 'all'
    group by kpi_values.metric_name, kpi_values.grain, kpi_values.period_start, kpi_values.dimension_name
),

totals as (
    select
        metric_name,
        grain,
        period_start,
        value as total
    from kpi_values
    where dimension_name = 'all'
),

final as (
    select
        segments.*,
        totals.total
    from segments
    left join totals
        on
            segments.metric_name = totals.metric_name
            and segments.grain = totals.grain
            and segments.period_start = totals.period_start
    where
        totals.total is null
        or abs(segments.segment_sum - totals.total) > 1e-6 * greatest(1, abs(totals.total))
)

select * from final
