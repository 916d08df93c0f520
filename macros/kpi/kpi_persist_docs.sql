{# Comments on a KPI table and its columns (persist_docs). A full build writes them
   all. An incremental run reads the comments the table has, in one query, and writes
   them again only when a description changed: dbt's persist_docs spends two describes
   and a statement per column on every run, a fifth of a small KPI model's increment. #}
{% macro kpi_persist_docs(relation, incremental) -%}
    {%- if not incremental or kpi_docs_changed(relation) -%}
        {%- do persist_docs(relation, model) -%}
    {%- endif -%}
{%- endmacro %}

{% macro kpi_docs_changed(relation) -%}
    {%- set relation_docs = config.persist_relation_docs() and model.description -%}
    {%- set column_docs = config.persist_column_docs() and model.columns -%}
    {%- if not (relation_docs or column_docs) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set where -%}
        database_name = '{{ relation.database }}' and schema_name = '{{ relation.schema }}' and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {%- set comments = {} -%}
    {%- for row in run_query(
            "select null as column_name, comment from duckdb_tables() where " ~ where
            ~ " union all select column_name, comment from duckdb_columns() where " ~ where) -%}
        {%- do comments.update({row[0]: row[1] or ''}) -%}
    {%- endfor -%}
    {%- if relation_docs and comments.get(none) != model.description -%}
        {{ return(true) }}
    {%- endif -%}
    {%- for name, column in (model.columns.items() if column_docs else []) -%}
        {%- if name in comments and comments[name] != (column.description or '') -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
