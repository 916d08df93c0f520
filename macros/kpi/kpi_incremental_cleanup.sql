{# Pre-hook of a kpi_table model: drop the rows this run recomputes, so a period,
   segment or metric that no longer has data cannot linger (kpi_recomputed_rows).
   semantic_model_name names a kpi_measures__ model's semantic model, none is
   kpi_values (every KPI by its own lookback); replace_all empties the table
   (kpi_definitions, kpi_status: small, recomputed whole). #}
{% macro kpi_incremental_cleanup(semantic_model_name=none, replace_all=false) -%}
    {%- if execute and kpi_is_incremental() -%}
        {%- if replace_all -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }} where {{ kpi_recomputed_rows(kpi_model_lookbacks(semantic_model_name, kpi_plan())) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
