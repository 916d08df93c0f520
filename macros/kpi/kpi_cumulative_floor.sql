{# First day of rows an incremental run reads for a cumulative leaf with a trailing
   window: start less the window, since the values of the days from start on are all it
   computes (earlier days of the periods it recomputes are read back from the table);
   from the first period recomputed (kpi_first_recomputed_day) when the leaf has no day
   grain to read back. #}
{% macro kpi_cumulative_floor(leaf, grains, start) -%}
    {%- set first_day = start if 'day' in grains else kpi_first_recomputed_day(start) -%}
    {{ return("cast(" ~ dbt.dateadd('day', -kpi_window_days(leaf.metric), first_day) ~ " as date)") }}
{%- endmacro %}
