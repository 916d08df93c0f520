{# The columns an incremental kpi_table run inserts: the table's own, checked against
   what the model's SQL now returns. #}
{% macro kpi_table_columns(relation, sql) -%}
    {{ return(kpi_expect_columns(relation, get_column_schema_from_query(sql) | map(attribute='name') | list)) }}
{%- endmacro %}

{# The table's columns, when they are the expected ones. A difference means the model
   changed shape, and the run stops asking for a full refresh rather than dropping or
   nulling a column. Also checked before a model's SQL reads its own table
   (kpi_stored_days). #}
{% macro kpi_expect_columns(relation, expected) -%}
    {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- set returned = expected | map('lower') | list -%}
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
