{# One row per KPI from the metric definitions and their config.meta.kpi, so the
   catalog (owner, unit, direction, cadence, target) sits in the warehouse beside
   the values for BI tools and for kpi_status. #}
{% macro kpi_definitions_sql() -%}
    {%- set columns = [
        ('metric_name', dbt.type_string()), ('label', dbt.type_string()), ('description', dbt.type_string()),
        ('metric_type', dbt.type_string()), ('owner', dbt.type_string()), ('unit', dbt.type_string()),
        ('direction', dbt.type_string()), ('cadence', dbt.type_string()), ('target_value', type_double()),
        ('tolerance', type_double()), ('warn_at', type_double()), ('maturity_days', 'integer'),
        ('dimensions', dbt.type_string()), ('is_additive', 'boolean'), ('source_file', dbt.type_string()),
        ('display', dbt.type_string()), ('is_sized_by_value', 'boolean'), ('finest_grain', dbt.type_string()),
        ('range_low', type_double()), ('range_high', type_double()),
    ] -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- set plan = kpi_plan() -%}
        {%- for name, kpi in plan.kpis.items() | sort -%}
            {%- set metric = plan.catalog.metrics[name] -%}
            {%- set grains = kpi_cadence_grains(name, kpi, plan) -%}
            {#- additive: a simple sum or count, so its segments add up to its total -#}
            {%- set additive = namespace(value=false, sized=false) -%}
            {%- if metric.type in ['simple', 'cumulative'] -%}
                {%- set owner = plan.catalog.semantic_models[plan.catalog.measure_models[metric.type_params.measure.name]] -%}
                {%- for measure in owner.measures if measure.name == metric.type_params.measure.name -%}
                    {%- set additive.value = metric.type == 'simple' and measure.agg in ['sum', 'count', 'sum_boolean'] and not measure.non_additive_dimension -%}
                    {#- sized by value: a segment's value is its size (orders, revenue, DAU, MRR), unlike a median's -#}
                    {%- set additive.sized = measure.agg in ['sum', 'count', 'sum_boolean', 'count_distinct'] -%}
                {%- endfor -%}
            {%- endif -%}
            {%- do rows.append([
                name, metric.label or name, (metric.description or '') | trim, metric.type, kpi.owner, kpi.unit,
                kpi.direction, kpi.cadence, kpi.target, kpi.tolerance, kpi.warn_at, kpi.maturity_days,
                kpi.dimensions | map('replace', '__', '.') | join(', '), additive.value, metric.original_file_path,
                kpi.display, additive.sized, grains[0], kpi.range[0], kpi.range[1],
            ]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows | length == 0 %}
select
    {%- for column, type in columns %}
    cast(null as {{ type }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
where 1 = 0
    {%- else %}
select
    {%- for column, type in columns %}
    cast({{ column }} as {{ type }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
from (
    values
    {%- for row in rows %}
    ({% for value in row %}{{ kpi_literal(value) }}{{ ", " if not loop.last }}{% endfor %}){{ "," if not loop.last }}
    {%- endfor %}
) as definitions ({{ columns | map(attribute=0) | join(', ') }})
    {%- endif %}
{%- endmacro %}
