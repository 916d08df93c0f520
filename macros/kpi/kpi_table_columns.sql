{# The columns an incremental kpi_table run inserts: the table's own, checked against
   what the model's SQL now returns. A difference means the model changed shape, and
   the run stops asking for a full refresh rather than dropping or nulling a column. #}
{% macro kpi_table_columns(relation, sql) -%}
    {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- set returned = get_column_schema_from_query(sql) | map(attribute='name') | map('lower') | list -%}
    {%- if existing | sort != returned | sort -%}
        {%- set missing = existing | reject('in', returned) | list -%}
        {%- set added = returned | reject('in', existing) | list -%}
        {{ exceptions.raise_compiler_error(
            model.original_file_path ~ ": the model's columns changed"
            ~ (" (new: " ~ added | join(', ') ~ ")" if added else "")
            ~ (" (gone: " ~ missing | join(', ') ~ ")" if missing else "")
            ~ "; rebuild it with dbt build --full-refresh --select " ~ model.name) }}
    {%- endif -%}
    {{ return(existing) }}
{%- endmacro %}
