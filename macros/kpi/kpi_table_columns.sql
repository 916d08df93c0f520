{# The columns an incremental kpi_table run inserts: the table's own, checked against
   what the model's SQL returns. The KPI compiler declares the columns it generates
   (kpi_leaf_columns, kpi_values_columns), so only a hand-written model's SQL is planned
   to find them: planning kpi_values' SQL once more cost a tenth of a second. #}
{% macro kpi_table_columns(relation, sql) -%}
    {%- set declared = kpi_declared_columns() -%}
    {%- if declared is not none -%}
        {{ return(kpi_checked_columns(relation, declared)) }}
    {%- endif -%}
    {{ return(kpi_expect_columns(relation, get_column_schema_from_query(sql) | map(attribute='name') | list)) }}
{%- endmacro %}

{# The columns the compiler generates for this model, or none for a hand-written one. #}
{% macro kpi_declared_columns() -%}
    {%- if kpi_leaf_table_semantic_model(model.name) is not none -%}
        {{ return(kpi_leaf_columns() | map(attribute=0) | list) }}
    {%- elif model.name == 'kpi_values' -%}
        {{ return(kpi_values_columns()) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{# kpi_expect_columns once per model and run: the SQL that reads the table back
   (kpi_stored_days) and the insert both need it. #}
{% macro kpi_checked_columns(relation, expected) -%}
    {%- set checked = graph.setdefault('__kpi_checked_columns__', {}) -%}
    {%- set key = invocation_id ~ ' ' ~ relation.render() -%}
    {%- if key not in checked -%}
        {%- do checked.update({key: kpi_expect_columns(relation, expected)}) -%}
    {%- endif -%}
    {{ return(checked[key]) }}
{%- endmacro %}

{# The table's columns, when they are the expected ones. A difference means the model
   changed shape, and the run stops asking for a full refresh rather than dropping or
   nulling a column. #}
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
