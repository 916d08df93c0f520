{# What the KPI models must compute: every metric with config.meta.kpi, the metrics
   they are built from (in dependency order), and for each leaf metric (simple or
   cumulative, read straight off a semantic model) the dimensions it is needed at. #}
{% macro kpi_plan() -%}
    {#- dbt renders every KPI model and its hooks separately; the plan depends only on the
        graph, so one invocation works it out once and keeps it in the (shared) graph -#}
    {%- if execute and '__kpi_plan__' in graph -%}
        {{ return(graph['__kpi_plan__']) }}
    {%- endif -%}
    {%- set catalog = kpi_catalog() -%}
    {%- set plan = {'catalog': catalog, 'kpis': {}, 'order': [], 'leaf_dimensions': {}, 'leaf_maturity': {}} -%}
    {%- for name, metric in catalog.metrics.items() | sort -%}
        {%- set kpi = kpi_metadata(metric) -%}
        {%- if kpi is not none -%}
            {%- do plan.kpis.update({name: kpi}) -%}
            {%- do kpi_plan_visit(name, kpi.dimensions, kpi.maturity_days, plan, []) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- do graph.update({'__kpi_plan__': plan}) -%}
    {%- endif -%}
    {{ return(plan) }}
{%- endmacro %}

{% macro kpi_plan_visit(name, dimensions, maturity_days, plan, trail) -%}
    {%- set metric = plan.catalog.metrics.get(name) -%}
    {%- if metric is none -%}
        {{ kpi_error(plan.catalog.metrics.get(trail[-1]) if trail else none, "uses unknown metric '" ~ name ~ "'") }}
    {%- endif -%}
    {%- if name in trail -%}
        {{ kpi_error(metric, "depends on itself through " ~ (trail + [name]) | join(' -> ')) }}
    {%- endif -%}
    {%- if metric.type == 'conversion' -%}
        {%- do kpi_check_conversion(metric, plan.catalog) -%}
        {%- do kpi_check_conversion_maturity(metric, plan.catalog.metrics[trail[0]] if trail else metric, maturity_days) -%}
    {%- endif -%}
    {%- set inputs = kpi_metric_inputs(metric) -%}
    {%- if inputs | length == 0 -%}
        {#- checked here, where the KPI that asks for the dimension is known: the leaf's own models would
            name only the input (aov's dimension typo blamed order_revenue) -#}
        {%- set semantic_model = plan.catalog.semantic_models[plan.catalog.measure_models[metric.type_params.measure.name]] -%}
        {%- set kpi_metric = plan.catalog.metrics[trail[0]] if trail else metric -%}
        {#- a conversion metric's leaves read as the metric -#}
        {%- set reader = metric.conversion_of or name -%}
        {%- for dimension in dimensions -%}
            {%- do kpi_resolve_dimension(semantic_model, dimension, kpi_metric, plan.catalog, via=reader if reader != kpi_metric.name else none) -%}
        {%- endfor -%}
        {%- set known = plan.leaf_dimensions.get(name, []) -%}
        {%- for dimension in dimensions if dimension not in known -%}
            {%- do known.append(dimension) -%}
        {%- endfor -%}
        {%- do plan.leaf_dimensions.update({name: known}) -%}
        {%- do plan.leaf_maturity.update({name: [plan.leaf_maturity.get(name, 0), maturity_days] | max}) -%}
    {%- endif -%}
    {%- for input in inputs -%}
        {%- do kpi_plan_visit(input.name, dimensions, maturity_days, plan, trail + [name]) -%}
    {%- endfor -%}
    {%- if name not in plan.order -%}
        {%- do plan.order.append(name) -%}
    {%- endif -%}
{%- endmacro %}
