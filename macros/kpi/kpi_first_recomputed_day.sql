{# The first day of the earliest period an incremental run recomputes from start on, as
   SQL: the quarter holding start, or the ISO week holding it when that week began in the
   previous quarter (start on 2027-01-03 recomputes the week from 2026-12-28). #}
{% macro kpi_first_recomputed_day(start) -%}
    {%- set firsts = [] -%}
    {%- for grain in kpi_grains() -%}
        {%- do firsts.append(kpi_period_start(grain, start)) -%}
    {%- endfor -%}
    {{ return('least(' ~ firsts | join(', ') ~ ')') }}
{%- endmacro %}
