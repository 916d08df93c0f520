{# True when a kpi_table model adds to the table it already has: the table exists and
   this is no --full-refresh. (dbt's is_incremental() answers only for models
   materialized 'incremental'.) #}
{% macro kpi_is_incremental() -%}
    {%- if not execute or model.config.materialized != 'kpi_table' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = load_cached_relation(this) -%}
    {{ return(relation is not none and relation.is_table and not should_full_refresh()) }}
{%- endmacro %}
