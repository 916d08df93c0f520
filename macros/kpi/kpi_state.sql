{# kpi_model_state: one row per KPI model that keeps rows between runs, with the
   fingerprint of what its rows were computed from (kpi_model_fingerprint). Written by
   a full build of the model, in the same transaction as its rows; read by
   kpi_is_incremental to decide whether a run may add to the table. #}
{% macro kpi_state_relation(database, schema) -%}
    {{ return(api.Relation.create(database=database, schema=schema, identifier='kpi_model_state', type='table')) }}
{%- endmacro %}

{% macro kpi_create_state(state) -%}
    create table if not exists {{ state }} (model_name {{ dbt.type_string() }}, fingerprint {{ dbt.type_string() }})
{%- endmacro %}

{# on-run-start (dbt_project.yml): create the state table before any model runs, once,
   when the run builds a KPI model. Two models creating it in parallel transactions would
   conflict. #}
{% macro kpi_prepare_state() -%}
    {%- if execute -%}
        {%- set created = [] -%}
        {%- for unique_id in selected_resources if unique_id in graph.nodes and graph.nodes[unique_id].config.materialized == 'kpi_table' -%}
            {%- set node = graph.nodes[unique_id] -%}
            {%- set state = kpi_state_relation(node.database, node.schema) -%}
            {%- if state.render() not in created -%}
                {%- do created.append(state.render()) -%}
                {#- dbt listed the schema's tables before this hook: tell its cache about this one -#}
                {%- do adapter.cache_added(state) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for state in created -%}
            {{ kpi_create_state(state) }};
        {% endfor -%}
    {%- endif -%}
{%- endmacro %}

{# {model name: fingerprint} as the state table has it. Read once per dbt invocation; read
   again (fresh) by a model reading other KPI models, which may have been rebuilt in this
   invocation before it. #}
{% macro kpi_recorded_fingerprints(fresh=false) -%}
    {%- set key = '__kpi_recorded_fingerprints__ ' ~ invocation_id -%}
    {%- if fresh or key not in graph -%}
        {%- set state = kpi_state_relation(this.database, this.schema) -%}
        {%- set recorded = {} -%}
        {%- if adapter.get_relation(state.database, state.schema, state.identifier) is not none -%}
            {%- for row in run_query('select model_name, fingerprint from ' ~ state) -%}
                {%- do recorded.update({row[0]: row[1]}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do graph.update({key: recorded}) -%}
    {%- endif -%}
    {{ return(graph[key]) }}
{%- endmacro %}

{# This model's fingerprint now, worked out once per invocation. #}
{% macro kpi_current_fingerprint() -%}
    {%- set known = graph.setdefault('__kpi_current_fingerprints__', {}) -%}
    {%- set key = invocation_id ~ ' ' ~ model.unique_id -%}
    {%- set node = graph.nodes[model.unique_id] -%}
    {%- if key not in known and not kpi_keeps_rows(node) -%}
        {%- do known.update({key: none}) -%}
    {%- elif key not in known -%}
        {%- set reads = namespace(kpi_models=false) -%}
        {%- for parent in node.depends_on.nodes if parent in graph.nodes and graph.nodes[parent].config.materialized == 'kpi_table' -%}
            {%- set reads.kpi_models = true -%}
        {%- endfor -%}
        {%- do known.update({key: kpi_model_fingerprint(node, kpi_recorded_fingerprints(fresh=reads.kpi_models))}) -%}
    {%- endif -%}
    {{ return(known[key]) }}
{%- endmacro %}

{# Whether the table's rows were computed from what the model computes now. When not,
   the run says so and rebuilds the table in full. Decided once per model and run: once
   the full build has recorded the new fingerprint the table would match, but the rest of
   the run (the materialization, the post-hook) must go on as a full build. #}
{% macro kpi_fingerprint_matches() -%}
    {%- set known = graph.setdefault('__kpi_fingerprint_matches__', {}) -%}
    {%- set key = invocation_id ~ ' ' ~ model.unique_id -%}
    {%- if key not in known -%}
        {%- set fingerprint = kpi_current_fingerprint() -%}
        {%- set recorded = kpi_recorded_fingerprints().get(model.name) -%}
        {%- set matches = fingerprint is none or recorded == fingerprint -%}
        {%- if not matches -%}
            {{ log(model.name ~ ": rebuilding in full, since "
                ~ ("the metric definitions or the models it is computed from changed since its last build" if recorded else "it has no record of the definitions it was built from")
                ~ " (an incremental run would mix periods computed under both)", info=true) }}
        {%- endif -%}
        {%- do known.update({key: matches}) -%}
    {%- endif -%}
    {{ return(known[key]) }}
{%- endmacro %}

{# After a full build: record the fingerprint of what the rows were computed from, in the
   model's transaction, so the rows and their record change together. After dbt's
   --empty the table holds no rows, so its record goes: the next run builds it in full. #}
{% macro kpi_record_fingerprint() -%}
    {%- set fingerprint = kpi_current_fingerprint() -%}
    {%- if fingerprint is not none -%}
        {%- set state = kpi_state_relation(this.database, this.schema) -%}
        {%- call statement('kpi_record_fingerprint') -%}
            {%- if adapter.get_relation(state.database, state.schema, state.identifier) is none %}
            {#- the on-run-start hook creates it; this is for a run without that hook -#}
            {{ kpi_create_state(state) }};
            {%- endif %}
            delete from {{ state }} where model_name = '{{ model.name }}'
            {%- if not flags.EMPTY %};
            insert into {{ state }} (model_name, fingerprint) values ('{{ model.name }}', '{{ fingerprint }}')
            {%- endif %}
        {%- endcall -%}
        {%- do kpi_recorded_fingerprints().update({model.name: none if flags.EMPTY else fingerprint}) -%}
    {%- endif -%}
{%- endmacro %}
