-- One row per KPI: its value for the latest complete period at its cadence grain, against
-- its target (direction-aware, with the tolerance or warn band), the prior period, and the
-- trend over the last eight periods. A KPI without a target is listed as 'no_target'.
-- data_status comes from `scorecard check` for the as-of date; `scorecard check` rebuilds this model
-- after writing it, and until a check has run for the date the status is 'unknown'.
{{ config(pre_hook="{{ kpi_incremental_cleanup(replace_all=true) }}") }}

with

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

data_statuses as (
    {{ kpi_data_statuses() }}
),

values_at_cadence as (
    select
        kpi_values.metric_name,
        kpi_values.period_start,
        kpi_values.period_end,
        kpi_values.value,
        row_number() over (partition by kpi_values.metric_name order by kpi_values.period_start desc) as periods_back
    from kpi_values
    inner join definitions
        on
            kpi_values.metric_name = definitions.metric_name
            and kpi_values.grain = definitions.cadence
    where kpi_values.dimension_name = 'all' and kpi_values.is_complete
),

latest as (
    select * from values_at_cadence
    where periods_back = 1
),

previous as (
    select * from values_at_cadence
    where periods_back = 2
),

trends as (
    select
        metric_name,
        count(*) as trend_periods,
        regr_slope(value, -periods_back) as trend_slope,
        avg(value) as trend_mean
    from values_at_cadence
    where periods_back <= 8 and value is not null
    group by metric_name
),

compared as (
    select
        definitions.*,
        latest.period_start,
        latest.period_end,
        latest.value,
        previous.period_start as prior_period_start,
        previous.value as prior_value,
        trends.trend_periods,
        trends.trend_slope,
        trends.trend_mean,
        data_statuses.data_status,
        data_statuses.data_status_reason,
        definitions.direction = 'higher_is_better' as is_higher_better,
        case
            when definitions.warn_at is not null then definitions.warn_at
            when definitions.direction = 'higher_is_better'
                then definitions.target_value - abs(definitions.target_value) * coalesce(definitions.tolerance, 0)
            else definitions.target_value + abs(definitions.target_value) * coalesce(definitions.tolerance, 0)
        end as near_target_bound
    from definitions
    left join latest on definitions.metric_name = latest.metric_name
    left join previous on definitions.metric_name = previous.metric_name
    left join trends on definitions.metric_name = trends.metric_name
    left join data_statuses on definitions.metric_name = data_statuses.metric_name
),

final as (
    select
        metric_name,
        label,
        owner,
        unit,
        direction,
        cadence,
        period_start,
        period_end,
        value,
        target_value,
        tolerance,
        warn_at,
        case
            when value is null or target_value is null then null
            when is_higher_better then value >= target_value
            else value <= target_value
        end as meets_target,
        case
            when value is null then 'no_data'
            when target_value is null then 'no_target'
            when (is_higher_better and value >= target_value) or (not is_higher_better and value <= target_value)
                then 'on_target'
            when
                (is_higher_better and value >= near_target_bound)
                or (not is_higher_better and value <= near_target_bound)
                then 'near_target'
            else 'off_target'
        end as target_status,
        prior_period_start,
        prior_value,
        value - prior_value as absolute_change,
        (value - prior_value) / nullif(abs(prior_value), 0) as relative_change,
        trend_periods,
        trend_slope,
        case
            when trend_periods is null or trend_periods < 3 or trend_slope is null then 'insufficient_history'
            when abs(trend_slope) < 0.01 * abs(trend_mean) then 'flat'
            when (trend_slope > 0) = is_higher_better then 'improving'
            else 'worsening'
        end as trend,
        coalesce(data_status, 'unknown') as data_status,
        coalesce(data_status_reason, 'data-quality checks have not run for {{ var("as_of") }}') as data_status_reason
    from compared
)

select * from final
