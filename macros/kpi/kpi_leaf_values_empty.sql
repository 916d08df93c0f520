{# The leaf table's shape with no rows: what a KPI model renders at parse time or
   when no KPI needs its semantic model. #}
{% macro kpi_leaf_values_empty() -%}
select
    cast(null as {{ dbt.type_string() }}) as metric_name,
    cast(null as {{ dbt.type_string() }}) as grain,
    cast(null as date) as period_start,
    cast(null as {{ dbt.type_string() }}) as dimension_name,
    cast(null as {{ dbt.type_string() }}) as dimension_value,
    cast(null as {{ type_double() }}) as value,
    cast(null as {{ type_double() }}) as numerator,
    cast(null as {{ type_double() }}) as denominator
where 1 = 0
{%- endmacro %}
