{# The day rows an incremental run keeps of the given leaves and reads back from the
   table: from the first day of the earliest period it recomputes up to start (the
   pre-hook has deleted the rest). The table's columns are checked first (once per model
   and run), since SQL that reads the table cannot be planned against a table of another
   shape. #}
{% macro kpi_stored_days(leaf_names, start) -%}
    {%- do kpi_checked_columns(this, kpi_leaf_columns() | map(attribute=0) | list) -%}
    select metric_name, period_start as day, dimension_name, dimension_value, value, numerator, denominator
    from {{ this }}
    where
        grain = 'day'
        and metric_name in ('{{ leaf_names | join("', '") }}')
        and period_start >= {{ kpi_first_recomputed_day(start) }}
        and period_start < {{ start }}
{%- endmacro %}
