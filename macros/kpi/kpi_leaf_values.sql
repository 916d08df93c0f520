{# The KPI compiler's first stage: for one semantic model, the values of every leaf
   metric (simple or cumulative) that a KPI needs, at every grain, for the total and
   for each dimension it is split by. One scan of the semantic model's table serves
   all its measures, grains and dimensions (GROUPING SETS). Output, long:
   metric_name, grain, period_start, dimension_name, dimension_value, value,
   numerator, denominator (numerator and denominator only for averages). #}
{% macro kpi_leaf_values(semantic_model_name) -%}
{%- if not execute -%}
    {{ kpi_leaf_values_empty() }}
{%- else -%}
    {%- set plan = kpi_plan() -%}
    {%- set catalog = plan.catalog -%}
    {%- set semantic_model = catalog.semantic_models.get(semantic_model_name) -%}
    {%- if semantic_model is none -%}
        {{ exceptions.raise_compiler_error(model.original_file_path ~ ": no semantic model named '" ~ semantic_model_name ~ "' in metrics/") }}
    {%- endif -%}
    {%- do kpi_check_dependencies(semantic_model, catalog) -%}
    {%- do kpi_lookback_days(semantic_model) -%}
    {%- set leaves = kpi_semantic_model_leaves(semantic_model, plan) -%}
    {%- if leaves | length == 0 -%}
        {{ kpi_leaf_values_empty() }}
    {%- else -%}
        {%- set dimensions = {} -%}
        {%- for leaf in leaves -%}
            {%- for qualified in leaf.dimensions + leaf.filter.dimensions if qualified not in dimensions -%}
                {%- do dimensions.update({qualified: kpi_resolve_dimension(semantic_model, qualified, leaf.metric, catalog)}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set joins = {} -%}
        {%- set join_aliases = {} -%}
        {%- for dimension in dimensions.values() if dimension.joined -%}
            {%- set key = dimension.owner.name ~ '|' ~ dimension.foreign_key -%}
            {%- if key not in joins -%}
                {%- do joins.update({key: {'alias': 'joined_' ~ (joins | length + 1), 'owner': dimension.owner,
                    'foreign_key': dimension.foreign_key, 'join_key': dimension.join_key, 'dimensions': []}}) -%}
            {%- endif -%}
            {%- do joins[key].dimensions.append(dimension) -%}
            {%- do join_aliases.update({dimension.qualified: joins[key].alias}) -%}
        {%- endfor -%}
        {%- set time_dimensions = {} -%}
        {%- for leaf in leaves -%}
            {%- do time_dimensions.update({leaf.time_dimension.name: leaf.time_dimension}) -%}
        {%- endfor -%}
        {%- set start = kpi_incremental_start(semantic_model_name, plan) if kpi_is_incremental() else none -%}
        {#- rows an incremental run reads: the plain and balance leaves the whole periods it recomputes
            (from the quarter holding start), a cumulative leaf from start less its trailing window
            (kpi_cumulative_values), all rows when some leaf is an all-time running total -#}
        {%- set floors = [] -%}
        {%- if start is not none -%}
            {%- for leaf in leaves -%}
                {%- if leaf.kind != 'cumulative' -%}
                    {%- do floors.append(kpi_period_start('quarter', start)) -%}
                {%- elif kpi_window_days(leaf.metric) is none -%}
                    {%- do floors.append(none) -%}
                {%- else -%}
                    {%- do floors.append(kpi_cumulative_floor(leaf, kpi_time_grains(leaf.time_dimension), start)) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set base_start = none if (start is none or none in floors) else ('least(' ~ floors | unique | join(', ') ~ ')' if floors | unique | list | length > 1 else floors[0]) -%}

with

base as (
    select
        {%- for time_dimension in time_dimensions.values() %}
        cast({{ time_dimension.expr or time_dimension.name }} as date) as time__{{ time_dimension.name }},
        {%- endfor %}
        {%- for join in joins.values() %}
        {{ join.foreign_key }} as key__{{ join.alias }},
        {%- endfor %}
        {%- for dimension in dimensions.values() if not dimension.joined %}
        {{ dimension.expr }} as {{ dimension.column }},
        {%- endfor %}
        {%- for leaf in leaves %}
        {{ leaf.measure.expr or leaf.measure.name }} as measure__{{ leaf.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ kpi_model_relation(semantic_model) }}
    {%- if base_start is not none %}
    where
        {%- for time_dimension in time_dimensions.values() %}
        {{ "or " if not loop.first }}cast({{ time_dimension.expr or time_dimension.name }} as date) >= {{ base_start }}
        {%- endfor %}
    {%- endif %}
),
{%- for join in joins.values() %}

{{ join.alias }} as (
    select
        {{ join.join_key }} as join_key,
        {%- for dimension in join.dimensions %}
        {{ dimension.expr }} as {{ dimension.column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ kpi_model_relation(join.owner) }}
),
{%- endfor %}

source as (
    select
        base.*
        {%- for join in joins.values() -%}
            {%- for dimension in join.dimensions %},
        {{ join.alias }}.{{ dimension.column }}
            {%- endfor -%}
        {%- endfor -%}
        {#- a missing value and a value spelled 'unknown' are one segment #}
        {%- for dimension in dimensions.values() %},
        coalesce(cast({{ (join_aliases.get(dimension.qualified) ~ '.') if dimension.joined else 'base.' }}{{ dimension.column }} as {{ dbt.type_string() }}), 'unknown') as {{ dimension.split }}
        {%- endfor %}
    from base
    {%- for join in joins.values() %}
    left join {{ join.alias }} on base.key__{{ join.alias }} = {{ join.alias }}.join_key
    {%- endfor %}
),
{%- set parts = [] -%}
{%- for time_dimension in time_dimensions.values() -%}
    {%- set grains = kpi_time_grains(time_dimension) -%}
    {%- set group = leaves | selectattr('time_dimension.name', 'equalto', time_dimension.name) | list -%}
    {%- set plain = group | selectattr('kind', 'equalto', 'plain') | list -%}
    {%- if plain | length > 0 -%}
        {%- set cte = 'plain__' ~ time_dimension.name -%}
        {%- do parts.append({'cte': cte, 'leaves': plain}) %}

{{ cte }} as (
    {{ kpi_grouped_aggregates(plain, kpi_split_dimensions(plain, dimensions), grains, 'time__' ~ time_dimension.name, none, start) }}
),
    {%- endif -%}
    {%- for choice in ['max', 'min'] -%}
        {%- set balances = group | selectattr('kind', 'equalto', 'non_additive') | selectattr('window_choice', 'equalto', choice) | list -%}
        {%- if balances | length > 0 -%}
            {%- for grain in grains -%}
                {%- set cte = 'balance__' ~ time_dimension.name ~ '__' ~ choice ~ '__' ~ grain -%}
                {%- do parts.append({'cte': cte, 'leaves': balances}) %}

{{ cte }} as (
    {{ kpi_grouped_aggregates(balances, kpi_split_dimensions(balances, dimensions), [grain], 'time__' ~ time_dimension.name, choice, start) }}
),
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for leaf in group | selectattr('kind', 'equalto', 'cumulative') -%}
        {%- do parts.append({'cte': 'cumulative__' ~ leaf.name, 'leaves': [leaf], 'cumulative': true}) %}

        {#- a dimension joined on the very key a distinct count counts is one value per member -#}
        {%- set per_member = {} -%}
        {%- for dimension in kpi_split_dimensions([leaf], dimensions) if dimension.joined and dimension.foreign_key == (leaf.measure.expr or leaf.measure.name) -%}
            {%- do per_member.update({dimension.qualified: join_aliases[dimension.qualified]}) -%}
        {%- endfor %}

{{ kpi_cumulative_values(leaf, kpi_split_dimensions([leaf], dimensions), grains, 'time__' ~ time_dimension.name, start, per_member) }},
    {%- endfor -%}
{%- endfor %}

final as (
    {%- for part in parts -%}
        {%- set outer_loop = loop -%}
        {%- for leaf in part.leaves %}
    select
        '{{ leaf.name }}' as metric_name,
        grain,
        period_start,
        dimension_name,
        dimension_value,
        {%- if part.cumulative %}
        cast(value as {{ type_double() }}) as value,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator
    from {{ part.cte }}
        {%- else %}
        cast(value__{{ leaf.name }} as {{ type_double() }}) as value,
        cast({{ 'numerator__' ~ leaf.name if leaf.measure.agg == 'average' else 'null' }} as {{ type_double() }}) as numerator,
        cast({{ 'denominator__' ~ leaf.name if leaf.measure.agg == 'average' else 'null' }} as {{ type_double() }}) as denominator
    from {{ part.cte }}
    where rows__{{ leaf.name }} > 0
        {%- endif %}
            {%- if start is not none %}
        {{ 'and' if not part.cumulative else 'where' }} {{ kpi_recomputed_periods(start) }}
            {%- endif %}
            {%- if not (outer_loop.last and loop.last) %}
    union all
            {%- endif -%}
        {%- endfor -%}
    {%- endfor %}
)

select * from final
    {%- endif -%}
{%- endif -%}
{%- endmacro %}
