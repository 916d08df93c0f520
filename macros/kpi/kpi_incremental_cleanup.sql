{# Pre-hook of an incremental KPI model: drop the periods this run recomputes, so a
   period or segment that no longer has data cannot linger. semantic_model_name is
   none for kpi_values, which recomputes from the earliest start of all. #}
{% macro kpi_incremental_cleanup(semantic_model_name=none) -%}
    {%- if execute and is_incremental() -%}
        delete from {{ this }} where period_start >= {{ kpi_incremental_start(semantic_model_name, kpi_plan()) }}
    {%- endif -%}
{%- endmacro %}
