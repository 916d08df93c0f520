{# What a KPI table's rows were computed from, as one hash: the KPI compiler's version,
   the definitions the model computes (without descriptions, labels or meta, which change
   no number), and what it reads: for a KPI model upstream, the fingerprint that model
   recorded when it was last built in full (so kpi_values follows its leaf tables, even
   when they were rebuilt in another run), for any other model its file checksum and
   those of all models above it. A table whose recorded fingerprint differs is rebuilt
   in full (kpi_is_incremental): an incremental run would otherwise mix periods computed
   under the old and the new definition. For a model that keeps rows (kpi_keeps_rows). #}
{% macro kpi_model_fingerprint(node, recorded) -%}
    {%- set plan = kpi_plan() -%}
    {%- set parts = ['kpi compiler ' ~ kpi_compiler_version()] -%}
    {%- set leaf_table_of = kpi_leaf_table_semantic_model(node.name) -%}
    {%- if leaf_table_of is not none -%}
        {%- set semantic_model = plan.catalog.semantic_models.get(leaf_table_of) -%}
        {%- if semantic_model is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- for leaf in kpi_semantic_model_leaves(semantic_model, plan) -%}
            {%- do parts.append('leaf ' ~ leaf.name ~ ' ' ~ kpi_metric_signature(leaf.metric) ~ ' split by ' ~ leaf.dimensions | sort | join(', ')) -%}
        {%- endfor -%}
        {%- do parts.append('semantic model ' ~ semantic_model.name ~ ' ' ~ kpi_semantic_model_signature(semantic_model, ['entities', 'dimensions', 'measures'])) -%}
        {#- the entities and dimensions of the semantic models it may join dimensions from: those over the other models it reads -#}
        {%- for other in plan.catalog.semantic_models.values() | sort(attribute='name') if other.name != semantic_model.name -%}
            {%- if other.depends_on.nodes | select('in', node.depends_on.nodes) | list -%}
                {%- do parts.append('joins ' ~ other.name ~ ' ' ~ kpi_semantic_model_signature(other, ['entities', 'dimensions'])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {%- for name in plan.order | sort -%}
            {%- set kpi = plan.kpis.get(name) -%}
            {%- do parts.append('metric ' ~ name ~ ' ' ~ kpi_metric_signature(plan.catalog.metrics[name])
                ~ ((' split by ' ~ kpi.dimensions | sort | join(', ') ~ ' mature after ' ~ kpi.maturity_days) if kpi else '')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do parts.append('model ' ~ node.unique_id ~ ' ' ~ node.checksum.checksum) -%}
    {%- for parent in node.depends_on.nodes | sort -%}
        {%- set parent_name = parent.split('.')[-1] -%}
        {%- if parent_name in recorded -%}
            {%- do parts.append('reads ' ~ parent ~ ' built from ' ~ recorded[parent_name]) -%}
        {%- else -%}
            {%- do parts.append('reads ' ~ parent ~ ' ' ~ kpi_upstream_checksums(parent) | join(' ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{# Whether a KPI model keeps rows between runs (the leaf tables and kpi_values); the others
   (kpi_definitions, kpi_status) are recomputed whole every run. #}
{% macro kpi_keeps_rows(node) -%}
    {{ return(kpi_leaf_table_semantic_model(node.name) is not none or node.name == 'kpi_values') }}
{%- endmacro %}

{# The semantic model whose leaf metrics a model computes, by the leaf tables' name
   kpi_measures__<semantic model>; none for any other model. #}
{% macro kpi_leaf_table_semantic_model(model_name) -%}
    {{ return(model_name[('kpi_measures__' | length):] if model_name.startswith('kpi_measures__') else none) }}
{%- endmacro %}

{# Bump when the compiler computes the same definitions differently, so every KPI table
   is rebuilt once with the new code. #}
{% macro kpi_compiler_version() -%}
    {{ return('1') }}
{%- endmacro %}

{# The parts of a metric that decide its numbers (type_params holds no descriptions). #}
{% macro kpi_metric_signature(metric) -%}
    {{ return(tojson({'type': metric.type, 'type_params': metric.type_params, 'filter': metric.filter,
        'time_granularity': metric.time_granularity}, sort_keys=true)) }}
{%- endmacro %}

{# The parts of a semantic model that decide its numbers: the given lists of entities,
   dimensions or measures without their descriptions, labels and meta. Worked out once
   per invocation. #}
{% macro kpi_semantic_model_signature(semantic_model, lists) -%}
    {%- set known = kpi_plan().setdefault('semantic_model_signatures', {}) -%}
    {%- set key = semantic_model.name ~ ' ' ~ lists | join(',') -%}
    {%- if key not in known -%}
        {%- set kept = {'model': semantic_model.model, 'defaults': semantic_model.defaults, 'primary_entity': semantic_model.primary_entity} -%}
        {%- for list_name in lists -%}
            {%- set items = [] -%}
            {%- for item in semantic_model[list_name] -%}
                {%- set fields = {} -%}
                {%- for field, value in item.items() if field not in ['description', 'label', 'config', 'metadata'] -%}
                    {%- do fields.update({field: value}) -%}
                {%- endfor -%}
                {%- do items.append(fields) -%}
            {%- endfor -%}
            {%- do kept.update({list_name: items}) -%}
        {%- endfor -%}
        {%- do known.update({key: tojson(kept, sort_keys=true)}) -%}
    {%- endif -%}
    {{ return(known[key]) }}
{%- endmacro %}

{# "unique_id checksum" of a node and every model, seed or snapshot above it, sorted;
   a source is its unique_id alone (its data is what the lookback is for). #}
{% macro kpi_upstream_checksums(unique_id) -%}
    {%- set known = graph.setdefault('__kpi_upstream_checksums__', {}) -%}
    {%- if unique_id not in known -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is none -%}
            {%- do known.update({unique_id: [unique_id]}) -%}
        {%- else -%}
            {%- set found = [unique_id ~ ' ' ~ node.checksum.checksum] -%}
            {%- for parent in node.depends_on.nodes -%}
                {%- for line in kpi_upstream_checksums(parent) if line not in found -%}
                    {%- do found.append(line) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- do known.update({unique_id: found | sort}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(known[unique_id]) }}
{%- endmacro %}
