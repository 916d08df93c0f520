{# The rows of a KPI table an incremental run replaces, for metrics given as
   {name: lookback days}: each metric's recomputed periods and, with stale, every row
   of a metric the table no longer computes (the pre-hook deletes these). #}
{% macro kpi_recomputed_rows(lookbacks, stale=true) -%}
    {%- if lookbacks | length == 0 -%}
        {{ return('true' if stale else 'false') }}
    {%- endif -%}
    {%- set groups = {} -%}
    {%- for name, days in lookbacks.items() | sort -%}
        {%- do groups.setdefault(days, []).append(name) -%}
    {%- endfor -%}
    (
        {%- if stale %}
        metric_name not in ('{{ lookbacks.keys() | sort | join("', '") }}') or
        {%- endif %}
        {%- for days, names in groups.items() | sort %}
        {{ "or " if not loop.first }}(metric_name in ('{{ names | join("', '") }}') and {{ kpi_recomputed_periods(kpi_start_day(days)) }})
        {%- endfor %}
    )
{%- endmacro %}
