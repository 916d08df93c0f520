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
    {%- if not kpi_keeps_rows(graph.nodes[model.unique_id]) -%}
        {{ return(not kpi_shape_changed(relation)) }}
    {%- endif -%}
    {{ return(kpi_fingerprint_matches()) }}
{%- endmacro %}

{# Whether a table that keeps no rows between runs (kpi_definitions, kpi_status: replaced
   whole every run) now has other columns than its SQL returns (an upgrade added one).
   Such a table is rebuilt in full, nothing being lost, where one that keeps rows stops
   the run instead (kpi_expect_columns). Decided once per model and run. #}
{% macro kpi_shape_changed(relation) -%}
    {%- set known = graph.setdefault('__kpi_shape_changed__', {}) -%}
    {%- set key = invocation_id ~ ' ' ~ model.unique_id -%}
    {%- if key not in known -%}
        {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set returned = get_column_schema_from_query(model.compiled_code) | map(attribute='name') | map('lower') | list -%}
        {%- set changed = existing | sort != returned | sort -%}
        {%- if changed -%}
            {{ log(model.name ~ ": rebuilding in full, since its columns changed (it keeps no rows between runs)", info=true) }}
        {%- endif -%}
        {%- do known.update({key: changed}) -%}
    {%- endif -%}
    {{ return(known[key]) }}
{%- endmacro %}
