{# A cumulative metric's trailing window in days (none for an all-time total). #}
{% macro kpi_window_days(metric) -%}
    {%- if metric.type != 'cumulative' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set params = metric.type_params -%}
    {%- set window = (params.cumulative_type_params or {}).get('window') or params.window -%}
    {%- if not window -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(kpi_days_in_window(metric, window, 'cumulative')) }}
{%- endmacro %}

{# A window's length in days; the compiler works in days, so finer windows stop the build. #}
{% macro kpi_days_in_window(metric, window, kind) -%}
    {%- set days_per = {'day': 1, 'week': 7} -%}
    {%- if window.granularity not in days_per -%}
        {{ kpi_error(metric, "a " ~ kind ~ " window in " ~ window.granularity ~ "s is not supported by the KPI compiler (use days or weeks)") }}
    {%- endif -%}
    {{ return(window.count * days_per[window.granularity]) }}
{%- endmacro %}
