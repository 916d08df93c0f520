{# The grains a metric exists at: none finer than the coarsest time dimension among
   the semantic models it reads (a quarterly quota has no daily attainment). #}
{% macro kpi_metric_grains(name, plan) -%}
    {#- asked for every KPI and, recursively, every input: worked out once per metric -#}
    {%- set known = plan.setdefault('metric_grains', {}) -%}
    {%- if name in known -%}
        {{ return(known[name]) }}
    {%- endif -%}
    {%- set catalog = plan.catalog -%}
    {%- set metric = catalog.metrics[name] -%}
    {%- set inputs = kpi_metric_inputs(metric) -%}
    {%- set grains = kpi_grains() -%}
    {%- set coarsest = namespace(index=0) -%}
    {%- if inputs | length == 0 -%}
        {%- set semantic_model = catalog.semantic_models[catalog.measure_models[metric.type_params.measure.name]] -%}
        {%- for leaf in kpi_semantic_model_leaves(semantic_model, plan) if leaf.name == name -%}
            {%- set coarsest.index = grains.index(kpi_time_grains(leaf.time_dimension)[0]) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for input in inputs -%}
            {%- set coarsest.index = [coarsest.index, grains.index(kpi_metric_grains(input.name, plan)[0])] | max -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do known.update({name: grains[coarsest.index:]}) -%}
    {{ return(known[name]) }}
{%- endmacro %}
