{# The semantic graph as plain lookups: metrics and semantic models by name, and
   each measure's semantic model. Populated only at execution time (dbt's graph).
   A conversion metric is computed as a ratio of two leaves on its base semantic
   model (kpi_conversion_leaves), listed here as metrics of their own. #}
{% macro kpi_catalog() -%}
    {%- set metrics = {} -%}
    {%- for node in graph.metrics.values() if node.package_name == project_name -%}
        {%- do metrics.update({node.name: node}) -%}
    {%- endfor -%}
    {%- set semantic_models = {} -%}
    {%- set measure_models = {} -%}
    {%- for node in graph.semantic_models.values() if node.package_name == project_name -%}
        {%- do semantic_models.update({node.name: kpi_inline_exprs(node)}) -%}
        {%- for measure in node.measures -%}
            {%- do measure_models.update({measure.name: node.name}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set catalog = {'metrics': metrics, 'semantic_models': semantic_models, 'measure_models': measure_models, 'credit_measures': {}} -%}
    {%- for name, metric in metrics.items() | sort if metric.type == 'conversion' -%}
        {%- do kpi_conversion_leaves(metric, catalog) -%}
    {%- endfor -%}
    {{ return(catalog) }}
{%- endmacro %}

{# A conversion metric's two leaves, both on its base semantic model and by the base
   measure's time: `<name>__base`, the base measure (visits), and `<name>__conversions`,
   the conversion measure of the conversion events each base row is credited with
   (kpi_conversion_credits). As in MetricFlow, a conversion event is credited to the
   latest base row of the same entity on its day or in the window before it, so it
   counts once, in the period and segment of that base row. Nothing is added when a
   measure is unknown: kpi_check_conversion names the problem when a KPI needs the metric. #}
{% macro kpi_conversion_leaves(metric, catalog) -%}
    {%- set params = metric.type_params.conversion_type_params or {} -%}
    {%- set base = params.base_measure or {} -%}
    {%- set conversion = params.conversion_measure or {} -%}
    {%- if base.name in catalog.measure_models and conversion.name in catalog.measure_models -%}
        {%- set owner = catalog.semantic_models[catalog.measure_models[base.name]] -%}
        {%- set base_measure = kpi_find_measure(owner, base.name) -%}
        {%- set events = kpi_find_measure(catalog.semantic_models[catalog.measure_models[conversion.name]], conversion.name) -%}
        {%- set leaf_name = metric.name ~ '__conversions' -%}
        {%- set shared = {'type': 'simple', 'filter': none, 'time_granularity': none, 'config': {'meta': {}}, 'meta': {},
            'original_file_path': metric.original_file_path, 'package_name': metric.package_name, 'conversion_of': metric.name} -%}
        {%- do catalog.metrics.update({metric.name ~ '__base': dict(shared, name=metric.name ~ '__base', type_params={'measure': base})}) -%}
        {#- the definition's type_params go in the leaf's own, so its signature (kpi_metric_signature) changes with them -#}
        {%- do catalog.metrics.update({leaf_name: dict(shared, name=leaf_name, type_params={
            'measure': {'name': leaf_name, 'fill_nulls_with': conversion.fill_nulls_with},
            'conversion_type_params': params,
            'conversion_measure_definition': {'name': events.name, 'agg': events.agg, 'expr': events.expr, 'agg_time_dimension': events.agg_time_dimension}})}) -%}
        {%- do catalog.measure_models.update({leaf_name: owner.name}) -%}
        {%- do catalog.credit_measures.update({leaf_name: {
            'name': leaf_name, 'agg': 'sum', 'expr': 'credited__' ~ leaf_name, 'agg_params': none, 'non_additive_dimension': none,
            'agg_time_dimension': base_measure.agg_time_dimension or owner.defaults.agg_time_dimension}}) -%}
    {%- endif -%}
{%- endmacro %}

{# A semantic model whose measures, dimensions and entities can be written inline: the
   compiler writes an `expr` on one line with the SQL after it, so an `expr` ending in a
   `--` comment (valid SQL) gets a line end, or the comment would take that SQL. The
   graph's node itself is left as it is. #}
{% macro kpi_inline_exprs(node) -%}
    {%- set parts = {} -%}
    {%- for part in ['measures', 'dimensions', 'entities'] -%}
        {%- set items = [] -%}
        {%- for item in node[part] or [] -%}
            {%- do items.append(dict(item, expr=item.expr ~ '\n') if item.expr and '--' in item.expr else item) -%}
        {%- endfor -%}
        {%- do parts.update({part: items}) -%}
    {%- endfor -%}
    {{ return(dict(node, measures=parts.measures, dimensions=parts.dimensions, entities=parts.entities)) }}
{%- endmacro %}

{# The measure of that name on a semantic model (none if it has none). #}
{% macro kpi_find_measure(semantic_model, name) -%}
    {%- for measure in semantic_model.measures if measure.name == name -%}
        {{ return(measure) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{# The time dimension a measure is aggregated by (its own agg_time_dimension, else the
   semantic model's default); stops the build naming the metric when there is none. #}
{% macro kpi_measure_time_dimension(semantic_model, measure, metric) -%}
    {%- set name = measure.agg_time_dimension or semantic_model.defaults.agg_time_dimension -%}
    {%- for dimension in semantic_model.dimensions if dimension.name == name -%}
        {{ return(dimension) }}
    {%- endfor -%}
    {{ kpi_error(metric, "measure '" ~ measure.name ~ "' has no time dimension '" ~ name ~ "' on semantic model '" ~ semantic_model.name ~ "'") }}
{%- endmacro %}
