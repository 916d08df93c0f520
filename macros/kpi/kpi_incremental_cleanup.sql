{# Pre-hook of an incremental KPI model: drop the periods this run recomputes, so a
   period or segment that no longer has data cannot linger. #}
{% macro kpi_incremental_cleanup(semantic_model_name) -%}
    {%- if execute and is_incremental() -%}
        delete from {{ this }} where period_start >= {{ kpi_incremental_start(semantic_model_name, kpi_plan()) }}
    {%- endif -%}
{%- endmacro %}
