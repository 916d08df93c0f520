-- Dimension parity for ratio KPIs: a segment with a numerator must have a denominator when the
-- period has one at all, or the ratio for that segment is silently missing. (A missing numerator
-- is an event that did not happen: no cancellations that day is zero, not a gap.) Segments of rows
-- whose user has not arrived yet ('unknown') are left out, and so is each metric's first period,
-- where balances such as opening subscribers are still forming. Returns one row per lopsided segment.
with

kpi_values as (
    -- referenced first: dbt lists this test's inputs in that order, and `scorecard check` takes the
    -- first as what the test checks
    select * from {{ ref('kpi_values') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
    where metric_type = 'ratio'
),

totals as (
    select
        metric_name,
        grain,
        period_start,
        denominator as total_denominator,
        min(period_start) over (partition by metric_name, grain) as first_period_start
    from kpi_values
    where dimension_name = 'all'
),

final as (
    select
        kpi_values.metric_name,
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.dimension_name,
        kpi_values.dimension_value,
        kpi_values.numerator,
        totals.total_denominator
    from kpi_values
    inner join definitions on kpi_values.metric_name = definitions.metric_name
    inner join totals
        on
            kpi_values.metric_name = totals.metric_name
            and kpi_values.grain = totals.grain
            and kpi_values.period_start = totals.period_start
    where
        kpi_values.dimension_name <> 'all'
        and kpi_values.dimension_value <> 'unknown'
        and kpi_values.numerator is not null
        and kpi_values.denominator is null
        and totals.total_denominator is not null
        and totals.period_start > totals.first_period_start
)

select * from final
