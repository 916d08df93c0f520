{# Post-hook of an incremental kpi_values run: periods older than this run's start
   keep their values, but may have become complete since (a cohort matured). #}
{% macro kpi_refresh_completeness() -%}
    {%- if execute and kpi_is_incremental() -%}
        {%- set plan = kpi_plan() -%}
        update {{ this }}
        set is_complete = case metric_name
            {%- for name, kpi in plan.kpis.items() | sort %}
            when '{{ name }}' then {{ dbt.dateadd('day', kpi.maturity_days, kpi_data_end('grain', 'period_end', kpi_is_weekly(name, plan))) }} <= {{ as_of_date() }}
            {%- endfor %}
            else is_complete
        end
        where not is_complete
    {%- endif -%}
{%- endmacro %}
