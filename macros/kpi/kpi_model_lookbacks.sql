{# What an incremental run of a KPI model recomputes, as {metric: lookback days}: the
   leaves of a kpi_measures__ model's semantic model (kpi_leaf_lookback), or every KPI
   for kpi_values (semantic_model_name none; kpi_metric_lookback). The pre-hook's delete
   and the model's SQL both start from this, so they replace the same rows. #}
{% macro kpi_model_lookbacks(semantic_model_name, plan) -%}
    {%- set lookbacks = {} -%}
    {%- if semantic_model_name is none -%}
        {%- for name in plan.kpis -%}
            {%- do lookbacks.update({name: kpi_metric_lookback(name, plan)}) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for leaf in kpi_semantic_model_leaves(plan.catalog.semantic_models[semantic_model_name], plan) -%}
            {%- do lookbacks.update({leaf.name: kpi_leaf_lookback(leaf.name, plan)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(lookbacks) }}
{%- endmacro %}
