{# What can be wrong with the KPI definitions that dbt's graph alone shows, checked once
   in the on-run-start hook of a run that builds a KPI model (kpi_prepare_state): the
   plan (KPI metadata, inputs, split dimensions), every semantic model's leaves
   (measures, time dimensions, aggregations, filters and the dimensions they name), its
   lookback and each KPI's cadence, and the SQL inside the definitions (kpi_check_sql).
   Each would otherwise stop every KPI model that reads it, with the same message, after
   the models before them had been built. The leaves are kept in the plan, which the
   models read, so the check costs the run little. #}
{% macro kpi_check_catalog() -%}
    {%- set plan = kpi_plan() -%}
    {%- set catalog = plan.catalog -%}
    {%- for semantic_model in catalog.semantic_models.values() | sort(attribute='name') -%}
        {%- set leaves = kpi_semantic_model_leaves(semantic_model, plan) -%}
        {%- if leaves -%}
            {%- do kpi_lookback_days(semantic_model) -%}
        {%- endif -%}
        {%- for leaf in leaves -%}
            {%- for qualified in leaf.filter.dimensions -%}
                {%- do kpi_resolve_dimension(semantic_model, qualified, leaf.metric, catalog, in_filter=true) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for name, kpi in plan.kpis.items() | sort -%}
        {%- do kpi_cadence_grains(name, kpi, plan) -%}
    {%- endfor -%}
    {%- do kpi_check_sql() -%}
{%- endmacro %}

{# The grains a KPI exists at, once its cadence is known to be one of them: a cadence finer
   than the metric exists at, or one its offset inputs never land on (a week back from a
   month is no month), would leave kpi_status with no value for good. #}
{% macro kpi_cadence_grains(name, kpi, plan) -%}
    {%- set metric = plan.catalog.metrics[name] -%}
    {%- set grains = kpi_metric_grains(name, plan) -%}
    {%- if kpi.cadence not in grains -%}
        {{ kpi_error(metric, "config.meta.kpi.cadence is '" ~ kpi.cadence ~ "', but the metric exists only at "
            ~ grains | join(', ') ~ " grain (no finer than its semantic models' time dimensions)") }}
    {%- endif -%}
    {%- for shifted in kpi_offset_inputs(name, plan) if kpi.cadence not in kpi_offset_grains(shifted.offset) -%}
        {{ kpi_error(metric, "config.meta.kpi.cadence is '" ~ kpi.cadence ~ "', but its input '" ~ shifted.alias
            ~ "' (offset_window " ~ shifted.offset.count ~ " " ~ shifted.offset.granularity ~ ") lands on a period of the same grain only at "
            ~ kpi_offset_grains(shifted.offset) | join(', ') ~ " grain: the KPI would have no value at its cadence") }}
    {%- endfor -%}
    {{ return(grains) }}
{%- endmacro %}

{# Every input with an offset_window in a metric's tree of inputs. #}
{% macro kpi_offset_inputs(name, plan) -%}
    {%- set found = [] -%}
    {%- for input in kpi_metric_inputs(plan.catalog.metrics[name]) -%}
        {%- if input.offset -%}
            {%- do found.append(input) -%}
        {%- endif -%}
        {%- do found.extend(kpi_offset_inputs(input.name, plan)) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
