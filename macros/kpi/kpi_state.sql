{# kpi_model_state: one row per model the KPI tables are computed from, with what its
   relation in the warehouse was built from. A KPI model that keeps rows records the
   fingerprint of its rows (kpi_model_fingerprint), in the same transaction as its rows;
   every other model records its build stamp (kpi_record_build, a post-hook), in the
   same transaction as its build. Read by kpi_is_incremental to decide whether a run may
   add to a KPI table. One table for the project, beside the KPI models. #}
{% macro kpi_state() -%}
    {%- if '__kpi_state__' not in graph -%}
        {%- set found = namespace(state=none) -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') if node.config.materialized == 'kpi_table' and found.state is none -%}
            {%- set found.state = api.Relation.create(database=node.database, schema=node.schema, identifier='kpi_model_state', type='table') -%}
        {%- endfor -%}
        {%- do graph.update({'__kpi_state__': found.state}) -%}
    {%- endif -%}
    {{ return(graph['__kpi_state__']) }}
{%- endmacro %}

{% macro kpi_create_state(state) -%}
    create table if not exists {{ state }} (model_name {{ dbt.type_string() }}, fingerprint {{ dbt.type_string() }})
{%- endmacro %}

{# on-run-start (dbt_project.yml): create the state table (and its schema) before any
   model runs, once, when the run builds a model: a mart records its build there too.
   Two models creating it in parallel transactions would conflict.
   When the run builds a KPI model, the KPI definitions are checked here first
   (kpi_check_catalog), so that an invalid one stops the run with its one message: the
   KPI models read the same definitions, and each would otherwise fail with the same
   message (21 of them for a typo in one metric's config.meta.kpi). #}
{% macro kpi_prepare_state() -%}
    {%- if execute -%}
        {%- for unique_id in selected_resources if unique_id in graph.nodes and graph.nodes[unique_id].fqn[1:2] == ['kpis'] -%}
            {%- if loop.first -%}
                {%- do kpi_check_catalog() -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set state = kpi_state() -%}
        {%- set builds = namespace(models=false) -%}
        {%- for unique_id in selected_resources if unique_id in graph.nodes and graph.nodes[unique_id].resource_type == 'model' -%}
            {%- set builds.models = true -%}
        {%- endfor -%}
        {%- if state is not none and builds.models -%}
            {%- do adapter.create_schema(state) -%}
            {#- dbt listed the schema's tables before this hook: tell its cache about this one -#}
            {%- do adapter.cache_added(state) -%}
            {{ kpi_create_state(state) }};
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{# {model name: fingerprint or build stamp} as the state table has it: read once per dbt
   invocation, then kept current by the models that record into it in this invocation
   (kpi_record_build, kpi_record_fingerprint), so a model sees the stamps of the models
   above it that this invocation rebuilt: dbt starts a model only once its parents are
   done. One dict for every thread (graph is the manifest's, shared); setdefault keeps
   the first read when two threads read at once, so neither loses the other's updates. #}
{% macro kpi_recorded_fingerprints() -%}
    {%- set key = '__kpi_recorded_fingerprints__ ' ~ invocation_id -%}
    {%- if key not in graph -%}
        {%- set state = kpi_state() -%}
        {%- set recorded = {} -%}
        {%- if state is not none and adapter.get_relation(state.database, state.schema, state.identifier) is not none -%}
            {%- for row in run_query('select model_name, fingerprint from ' ~ state) -%}
                {%- do recorded.update({row[0]: row[1]}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do graph.setdefault(key, recorded) -%}
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
        {%- do known.update({key: kpi_model_fingerprint(node, kpi_recorded_fingerprints())}) -%}
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
        {%- set state = kpi_state() -%}
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

{# post-hook of every model (dbt_project.yml): record the build stamp of what its relation
   was built from (kpi_build_stamp), in the same transaction as its build, so that a KPI table follows
   the mart as built, not as its file reads now: a mart edited but not yet rebuilt
   changes no KPI table, and rebuilding it later rebuilds the KPI tables above it. The KPI
   models record their fingerprint instead (kpi_record_fingerprint). #}
{% macro kpi_record_build() -%}
    {%- set state = kpi_state() if execute else none -%}
    {%- if state is not none and model.config.materialized != 'kpi_table'
        and adapter.get_relation(state.database, state.schema, state.identifier) is not none -%}
        {%- set recorded = kpi_recorded_fingerprints() -%}
        {%- set stamp = kpi_build_stamp(graph.nodes[model.unique_id], recorded, {}) -%}
        {%- do recorded.update({model.name: stamp}) -%}
        delete from {{ state }} where model_name = '{{ model.name }}';
        insert into {{ state }} (model_name, fingerprint) values ('{{ model.name }}', '{{ stamp }}')
    {%- endif -%}
{%- endmacro %}

{# Every build of a KPI table that keeps rows, full or incremental: record the as-of date
   it was built for, in the model's transaction, so the next incremental run recomputes
   from the day after it at the latest (kpi_resume_day), whenever that run comes. #}
{% macro kpi_record_as_of() -%}
    {%- if kpi_current_fingerprint() is not none and not flags.EMPTY -%}
        {%- set state = kpi_state() -%}
        {%- set key = model.name ~ ' as_of' -%}
        {%- set built_for = as_of_day() -%}
        {%- call statement('kpi_record_as_of') -%}
            delete from {{ state }} where model_name = '{{ key }}';
            insert into {{ state }} (model_name, fingerprint) values ('{{ key }}', '{{ built_for }}')
        {%- endcall -%}
        {%- do kpi_recorded_fingerprints().update({key: built_for}) -%}
    {%- endif -%}
{%- endmacro %}
