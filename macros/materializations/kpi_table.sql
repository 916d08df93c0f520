{#- The KPI models' materialization: a table refreshed in place. The first run,
    --full-refresh, or a run after the definitions it computes changed (kpi_is_incremental)
    builds it whole: swapped in, with its docs and the fingerprint of what it was computed
    from (kpi_model_state). A later run deletes the rows the model recomputes (its
    pre-hook) and inserts what the model's SQL returns, in one transaction. dbt's
    incremental materialization spends a temporary table and about nine statements on
    every model, which at twenty-odd KPI models was most of an incremental run; here an
    increment is a delete and an insert, and the table's comments are written again only
    when a description changed (kpi_persist_docs). -#}
{% materialization kpi_table, default %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- set incremental = kpi_is_incremental() -%}
    {%- if not incremental -%}
        {%- set intermediate = make_intermediate_relation(target) -%}
        {%- set backup = make_backup_relation(target, existing.type if existing is not none else 'table') -%}
        {{ drop_relation_if_exists(load_cached_relation(intermediate)) }}
        {{ drop_relation_if_exists(load_cached_relation(backup)) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if incremental -%}
        {%- set columns = kpi_table_columns(target, compiled_code) -%}
        {%- call statement('main') -%}
            insert into {{ target }} ({{ columns | join(', ') }})
            select {{ columns | join(', ') }} from ({{ compiled_code }}) as increment
        {%- endcall -%}
    {%- else -%}
        {%- call statement('main') -%}
            {{ create_table_as(False, intermediate, compiled_code) }}
        {%- endcall -%}
        {%- if existing is not none -%}
            {%- do adapter.rename_relation(existing, backup) -%}
        {%- endif -%}
        {%- do adapter.rename_relation(intermediate, target) -%}
        {%- do kpi_record_fingerprint() -%}
    {%- endif -%}
    {%- do kpi_persist_docs(target, incremental) -%}
    {%- do kpi_record_as_of() -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {%- if not incremental and existing is not none -%}
        {%- do adapter.drop_relation(backup) -%}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target]}) }}
{% endmaterialization %}
