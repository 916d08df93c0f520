{# Whether a leaf's week, month and quarter values are taken from its day rows rather than
   from the semantic model's rows, in a full build as in an incremental run (where the
   model's rows are read from a recent start only), so that both add the same day values
   in the same order and a run after a full build for the same date changes no value in
   its last bit: a plain leaf whose aggregate adds up
   (a sum of sums, the least of minimums, an average from its numerator and denominator)
   on a time dimension with day rows. A quarter's distinct count, median or percentile
   needs the quarter's rows and is recomputed from them. #}
{% macro kpi_rolls_up(leaf) -%}
    {%- set grains = kpi_time_grains(leaf.time_dimension) -%}
    {{ return(leaf.kind == 'plain' and leaf.measure.agg in ['sum', 'count', 'sum_boolean', 'min', 'max', 'average']
        and grains[0] == 'day' and grains | length > 1) }}
{%- endmacro %}

{# The day rows the rollup of leaves (kpi_rolls_up) adds up, long like the table: in an
   incremental run those before start as the table holds them (kpi_stored_days), with
   those from start as this run computes them (day_cte, one column set per leaf), as the
   doubles the table stores. #}
{% macro kpi_rollup_days(leaves, day_cte, start) -%}
    {%- if start is not none %}
    {{ kpi_stored_days(leaves | map(attribute='name') | list, start) }}
    union all
    {%- endif %}
    {%- for leaf in leaves %}
    select
        '{{ leaf.name }}' as metric_name,
        period_start as day,
        dimension_name,
        dimension_value,
        cast(value__{{ leaf.name }} as {{ type_double() }}) as value,
        cast({{ 'numerator__' ~ leaf.name if leaf.measure.agg == 'average' else 'null' }} as {{ type_double() }}) as numerator,
        cast({{ 'denominator__' ~ leaf.name if leaf.measure.agg == 'average' else 'null' }} as {{ type_double() }}) as denominator
    from {{ day_cte }}
    where rows__{{ leaf.name }} > 0
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{# An incremental run's week, month and quarter rows of leaves that roll up, from their
   day rows (days_cte, kpi_rollup_days). The run reads the semantic model's rows from
   start only, where a quarter would rescan the quarter so far, and a week that began in
   the previous quarter still has its first days. Sums add their days in date order: a
   parallel sum adds floating-point values in whatever order its threads finish, so two
   runs over the same rows could differ in the last bit, and kpi_values is meant to come
   out the same byte for byte. #}
{% macro kpi_rollup(leaves, days_cte, grains, start) -%}
    select
        metric_name,
        grain,
        period_start,
        dimension_name,
        dimension_value,
        case metric_name
            {%- for leaf in leaves %}
            when '{{ leaf.name }}' then
                {%- if leaf.measure.agg in ['min', 'max'] %} {{ leaf.measure.agg }}(value)
                {%- elif leaf.measure.agg == 'average' %} sum(numerator order by day) / nullif(sum(denominator order by day), 0)
                {%- else %} sum(value order by day)
                {%- endif %}
            {%- endfor %}
        end as value,
        sum(numerator order by day) as numerator,
        sum(denominator order by day) as denominator
    from (
        {%- for grain in grains %}
        select
            metric_name,
            '{{ grain }}' as grain,
            {{ kpi_period_start(grain, 'day') }} as period_start,
            dimension_name,
            dimension_value,
            day,
            value,
            numerator,
            denominator
        from {{ days_cte }}
            {%- if start is not none %}
        where day >= {{ kpi_period_start(grain, start) }}
            {%- endif %}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as periods
    group by metric_name, grain, period_start, dimension_name, dimension_value
{%- endmacro %}
