{# Pre-hook of a kpi_table model: drop the rows this run recomputes, so a period or
   segment that no longer has data cannot linger (kpi_recomputed_periods). semantic_model_name
   is none for kpi_values, which recomputes from the earliest start of all; replace_all empties
   the table (kpi_definitions, kpi_status: small, recomputed whole). #}
{% macro kpi_incremental_cleanup(semantic_model_name=none, replace_all=false) -%}
    {%- if execute and kpi_is_incremental() -%}
        {%- if replace_all -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }} where {{ kpi_recomputed_periods(kpi_incremental_start(semantic_model_name, kpi_plan())) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
