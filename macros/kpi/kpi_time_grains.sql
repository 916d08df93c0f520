{# The KPI grains a time dimension can be rolled up to: none finer than its own. #}
{% macro kpi_time_grains(time_dimension) -%}
    {%- set grains = kpi_grains() -%}
    {%- set own = (time_dimension.type_params or {}).get('time_granularity') or 'day' -%}
    {%- if own not in grains -%}
        {{ exceptions.raise_compiler_error("time dimension '" ~ time_dimension.name ~ "' has granularity '" ~ own ~ "'; the KPI compiler supports " ~ grains | join(', ')) }}
    {%- endif -%}
    {{ return(grains[grains.index(own):]) }}
{%- endmacro %}
