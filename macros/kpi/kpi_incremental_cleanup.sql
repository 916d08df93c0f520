{# Pre-hook of a kpi_table model: drop the rows this run recomputes, so a period,
   segment or metric that no longer has data cannot linger (kpi_recomputed_rows).
   semantic_model_name names a kpi_measures__ model's semantic model, none is
   kpi_values (every KPI by its own lookback); replace_all empties the table
   (kpi_definitions, kpi_status: small, recomputed whole). #}
{% macro kpi_incremental_cleanup(semantic_model_name=none, replace_all=false) -%}
    {%- if execute and kpi_is_incremental() -%}
        {%- if replace_all -%}
            delete from {{ this }}
        {%- else -%}
            {%- set plan = kpi_plan() -%}
            {%- set lookbacks = {} -%}
            {%- if semantic_model_name is none -%}
                {%- for name in plan.kpis -%}
                    {%- do lookbacks.update({name: kpi_metric_lookback(name, plan)}) -%}
                {%- endfor -%}
            {%- else -%}
                {%- for leaf in kpi_semantic_model_leaves(plan.catalog.semantic_models[semantic_model_name], plan) -%}
                    {%- do lookbacks.update({leaf.name: kpi_leaf_lookback(leaf.name, plan)}) -%}
                {%- endfor -%}
            {%- endif %}
            delete from {{ this }} where {{ kpi_recomputed_rows(lookbacks) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
