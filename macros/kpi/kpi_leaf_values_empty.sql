{# The columns of a leaf table (kpi_measures__*), as (name, SQL type). #}
{% macro kpi_leaf_columns() -%}
    {{ return([
        ('metric_name', dbt.type_string()), ('grain', dbt.type_string()), ('period_start', 'date'),
        ('dimension_name', dbt.type_string()), ('dimension_value', dbt.type_string()),
        ('value', type_double()), ('numerator', type_double()), ('denominator', type_double()),
    ]) }}
{%- endmacro %}

{# The leaf table's shape with no rows: what a KPI model renders at parse time or
   when no KPI needs its semantic model. #}
{% macro kpi_leaf_values_empty() -%}
select
    {%- for name, type in kpi_leaf_columns() %}
    cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
where 1 = 0
{%- endmacro %}
