{# The semantic graph as plain lookups: metrics and semantic models by name, and
   each measure's semantic model. Populated only at execution time (dbt's graph). #}
{% macro kpi_catalog() -%}
    {%- set metrics = {} -%}
    {%- for node in graph.metrics.values() if node.package_name == project_name -%}
        {%- do metrics.update({node.name: node}) -%}
    {%- endfor -%}
    {%- set semantic_models = {} -%}
    {%- set measure_models = {} -%}
    {%- for node in graph.semantic_models.values() if node.package_name == project_name -%}
        {%- do semantic_models.update({node.name: node}) -%}
        {%- for measure in node.measures -%}
            {%- do measure_models.update({measure.name: node.name}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({'metrics': metrics, 'semantic_models': semantic_models, 'measure_models': measure_models}) }}
{%- endmacro %}
