{# True when a kpi_table model adds to the table it already has: the table exists, this
   is no --full-refresh, and its rows were computed from what the model computes now
   (kpi_fingerprint_matches; a changed metric definition or upstream model rebuilds the
   table in full). dbt's is_incremental() answers only for models materialized
   'incremental'. #}
{% macro kpi_is_incremental() -%}
    {%- if not execute or model.config.materialized != 'kpi_table' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = load_cached_relation(this) -%}
    {%- if relation is none or not relation.is_table or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(kpi_fingerprint_matches()) }}
{%- endmacro %}
