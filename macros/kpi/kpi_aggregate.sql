{# The aggregate of a leaf's measure over the rows its filter keeps. Percentiles and
   medians are computed from the rows, distinct counts are never summed. #}
{% macro kpi_aggregate(leaf) -%}
    {%- set value = "case when " ~ leaf.filter.sql ~ " then measure__" ~ leaf.name ~ " end" -%}
    {%- set agg = leaf.measure.agg -%}
    {%- if agg == 'sum' -%} sum({{ value }})
    {%- elif agg == 'count' -%} count({{ value }})
    {%- elif agg == 'count_distinct' -%} count(distinct {{ value }})
    {%- elif agg == 'sum_boolean' -%} sum(case when {{ value }} then 1 else 0 end)
    {%- elif agg == 'min' -%} min({{ value }})
    {%- elif agg == 'max' -%} max({{ value }})
    {%- elif agg == 'average' -%} avg({{ value }})
    {%- elif agg in ['median', 'percentile'] -%}
        {%- set params = leaf.measure.agg_params or {} -%}
        {%- set p = 0.5 if agg == 'median' else params.percentile -%}
        {%- if params.use_discrete_percentile -%}
            percentile_disc({{ p }}) within group (order by {{ value }})
        {%- else -%}
            percentile_cont({{ p }}) within group (order by {{ value }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
