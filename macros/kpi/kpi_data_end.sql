{# The last day whose data a period's value holds, as SQL: its last day, except for a
   metric whose time dimension is the ISO week (weekly_sql true), whose month or quarter
   holds every week starting in it, as MetricFlow rolls weeks up, so November holds the
   week of 11-30 to 12-06 and is complete only once that week is over. #}
{% macro kpi_data_end(grain_column, period_end_sql, weekly_sql) -%}
    case
        when {{ weekly_sql }} and {{ grain_column }} in ('month', 'quarter')
            then cast({{ dbt.dateadd('day', 6, iso_week_start(period_end_sql)) }} as date)
        else {{ period_end_sql }}
    end
{%- endmacro %}

{# Whether a KPI exists at week grain and no finer (a time dimension by ISO week, such as
   user_weeks), as a SQL boolean. #}
{% macro kpi_is_weekly(name, plan) -%}
    {{ return('true' if kpi_metric_grains(name, plan)[0] == 'week' else 'false') }}
{%- endmacro %}
