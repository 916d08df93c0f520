-- One row per KPI: its value for the latest complete period at its cadence grain (by the calendar:
-- a period without a value is no_data, never the period before it), against
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

-- The latest period at the cadence that is complete on the as-of date (over, and its cohorts mature),
-- by the calendar rather than by the rows there are: a period without a row is that period with no
-- value (no_data), not the one before it, and a check for an earlier date judges that date's periods.
calendar_periods as (
    select
        metric_name,
        cadence,
        finest_grain,
        complete_through,
        case cadence
            when 'day' then cast(complete_through as date)
            when 'week' then {{ iso_week_start('complete_through + 1') }} - 7
            when 'month' then cast(date_trunc('month', complete_through + 1) - interval 1 month as date)
            when 'quarter' then cast(date_trunc('quarter', complete_through + 1) - interval 3 month as date)
        end as calendar_start
    from (
        select
            metric_name,
            cadence,
            finest_grain,
            {{ as_of_date() }} - coalesce(maturity_days, 0) as complete_through
        from definitions
    )
),

-- a KPI measured by ISO week holds in its month or quarter the week running past its end, so that
-- period is complete a few days later, and until then the one before it is the latest
periods as (
    select
        metric_name,
        cadence,
        case
            when
                {{ kpi_data_end('cadence', kpi_period_end('cadence', 'calendar_start'), "finest_grain = 'week'") }}
                > complete_through
                then cast(
                    calendar_start - case cadence when 'month' then interval 1 month else interval 3 month end as date
                )
            else calendar_start
        end as latest_start
    from calendar_periods
),

values_at_cadence as (
    select
        kpi_values.metric_name,
        kpi_values.period_start,
        kpi_values.period_end,
        kpi_values.value,
        -- whole periods between this one and the latest complete one
        case periods.cadence
            when 'day' then date_diff('day', kpi_values.period_start, periods.latest_start)
            when 'week' then date_diff('day', kpi_values.period_start, periods.latest_start) // 7
            when 'month' then date_diff('month', kpi_values.period_start, periods.latest_start)
            when 'quarter' then date_diff('quarter', kpi_values.period_start, periods.latest_start)
        end + 1 as periods_back
    from kpi_values
    inner join periods
        on
            kpi_values.metric_name = periods.metric_name
            and kpi_values.grain = periods.cadence
    where
        kpi_values.dimension_name = 'all'
        and kpi_values.is_complete
        and kpi_values.period_start <= periods.latest_start
),

latest as (
    select
        periods.metric_name,
        periods.latest_start as period_start,
        {{ kpi_period_end('periods.cadence', 'periods.latest_start') }} as period_end,
        values_at_cadence.value
    from periods
    left join values_at_cadence
        on periods.metric_name = values_at_cadence.metric_name and values_at_cadence.periods_back = 1
    where periods.latest_start is not null
),

previous as (
    select * from values_at_cadence
    where periods_back = 2
),

trends as (
    select
        metric_name,
        count(*) as trend_periods,
        -- summed in period order: the rows arrive from a join in any order, and float sums in another
        -- order differ in the last bits from run to run
        regr_slope(value, -periods_back order by periods_back) as trend_slope,
        avg(value order by periods_back) as trend_mean
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
            when abs(trend_slope) <= 0.01 * abs(trend_mean) then 'flat'
            when (trend_slope > 0) = is_higher_better then 'improving'
            else 'worsening'
        end as trend,
        coalesce(data_status, 'unknown') as data_status,
        coalesce(
            data_status_reason,
            -- every KPI defined when the checks ran has a status: one without came after them
            case
                when exists (select recorded.metric_name from data_statuses as recorded)
                    then 'the data-quality checks for {{ var("as_of") }} ran before the KPI was defined'
                else 'data-quality checks have not run for {{ var("as_of") }}'
            end
        ) as data_status_reason,
        -- a check for another date rebuilds this table for that date: the row says which
        {{ as_of_date() }} as as_of
    from compared
)

select * from final
