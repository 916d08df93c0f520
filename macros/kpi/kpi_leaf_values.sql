{# The KPI compiler's first stage: for one semantic model, the values of every leaf
   metric (simple or cumulative) that a KPI needs, at every grain, for the total and
   for each dimension it is split by. One scan of the semantic model's table serves
   all its measures, grains and dimensions (GROUPING SETS); a conversion metric's
   credits (kpi_conversion_credits) also read its conversion events. Output, long:
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
    {%- do kpi_lookback_days(semantic_model) -%}
    {%- set leaves = kpi_semantic_model_leaves(semantic_model, plan) -%}
    {%- set credited = [] -%}
    {%- for leaf in leaves if leaf.name in catalog.credit_measures -%}
        {%- do credited.append(leaf) -%}
    {%- endfor -%}
    {%- do kpi_check_dependencies(semantic_model, catalog, credited) -%}
    {%- if leaves | length == 0 -%}
        {{ kpi_leaf_values_empty() }}
    {%- else -%}
        {%- set dimensions = {} -%}
        {%- for leaf in leaves -%}
            {%- for qualified in leaf.dimensions + leaf.filter.dimensions if qualified not in dimensions -%}
                {%- set in_filter = qualified not in leaf.dimensions -%}
                {%- do dimensions.update({qualified: kpi_resolve_dimension(semantic_model, qualified, leaf.metric, catalog, in_filter=in_filter)}) -%}
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
        {#- an incremental run: the first day it recomputes, per leaf (as its pre-hook deletes) -#}
        {%- set starts = {} -%}
        {%- set lookbacks = kpi_model_lookbacks(semantic_model_name, plan) if kpi_is_incremental() else {} -%}
        {%- for name, days in lookbacks.items() -%}
            {%- do starts.update({name: kpi_start_day(days)}) -%}
        {%- endfor -%}
        {#- rows an incremental run reads: for a leaf whose coarser grains roll up from its days
            (kpi_rolls_up) the days from its start, for other plain and balance leaves the whole periods it recomputes
            (from kpi_first_recomputed_day), for a cumulative leaf from the start less its trailing
            window (kpi_cumulative_floor), all rows when some leaf is an all-time running total -#}
        {%- set floors = [] -%}
        {%- for leaf in leaves if starts -%}
            {%- if kpi_rolls_up(leaf) -%}
                {%- do floors.append(starts[leaf.name]) -%}
            {%- elif leaf.kind != 'cumulative' -%}
                {%- do floors.append(kpi_first_recomputed_day(starts[leaf.name])) -%}
            {%- elif kpi_window_days(leaf.metric) is none -%}
                {%- do floors.append(none) -%}
            {%- else -%}
                {%- do floors.append(kpi_cumulative_floor(leaf, kpi_time_grains(leaf.time_dimension), starts[leaf.name])) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set floors = floors | unique | list -%}
        {%- set base_start = none if (not starts or none in floors) else ('least(' ~ floors | join(', ') ~ ')' if floors | length > 1 else floors[0]) -%}
        {%- set row_filter = [] -%}
        {%- for time_dimension in time_dimensions.values() if base_start is not none -%}
            {%- do row_filter.append('cast(' ~ (time_dimension.expr or time_dimension.name) ~ ' as date) >= ' ~ base_start) -%}
        {%- endfor -%}

with
{%- if credited %}

{# materialized: its row numbers are what the credits join on, so they must be numbered once #}
base_rows as materialized (
    select *, row_number() over () as kpi_row_id
    from {{ kpi_model_relation(semantic_model) }}
    {%- if row_filter %}
    where {{ row_filter | join(' or ') }}
    {%- endif %}
),
    {%- for leaf in credited %}

credits__{{ leaf.name }} as (
    {%- set tie_breakers = [] -%}
    {#- the leaf's own splits only: another KPI's splits on this semantic model must not move its credits -#}
    {%- for qualified in leaf.dimensions | sort -%}
        {%- set dimension = dimensions[qualified] -%}
        {%- do tie_breakers.append(dimension.foreign_key if dimension.joined else dimension.expr) -%}
    {%- endfor %}
    {{ kpi_conversion_credits(leaf, catalog, tie_breakers | unique | list, base_start) }}
),
    {%- endfor %}
{%- endif %}

{#- a date after the as-of date has not happened yet at the as-of date: its row counts for no period
    (a run for an earlier date on later data would put later rows in the running week, month and quarter),
    while the row's other time dimensions still count it #}
base as (
    select
        {%- for time_dimension in time_dimensions.values() %}
        {%- set day = 'cast(' ~ (time_dimension.expr or time_dimension.name) ~ ' as date)' %}
        case when {{ day }} <= {{ as_of_date() }} then {{ day }} end as time__{{ time_dimension.name }},
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
    {%- if credited %}
    from base_rows
        {%- for leaf in credited %}
    left join credits__{{ leaf.name }} on base_rows.kpi_row_id = credits__{{ leaf.name }}.kpi_row_id
        {%- endfor %}
    {%- else %}
    from {{ kpi_model_relation(semantic_model) }}
        {%- if row_filter %}
    where {{ row_filter | join(' or ') }}
        {%- endif %}
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
        {%- for dimension in dimensions.values() %},
        {{ kpi_segment_value(((join_aliases.get(dimension.qualified) ~ '.') if dimension.joined else 'base.') ~ dimension.column) }} as {{ dimension.split }}
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
    {%- for leaf in group | selectattr('kind', 'equalto', 'plain') | selectattr('measure.agg', 'equalto', 'count_distinct') -%}
        {%- do parts.append({'cte': 'distinct__' ~ leaf.name, 'leaves': [leaf], 'single': true}) %}

{{ kpi_distinct_counts(leaf, kpi_split_dimensions([leaf], dimensions), grains, 'time__' ~ time_dimension.name, starts.get(leaf.name), kpi_member_dimensions(leaf, dimensions, join_aliases)) }},
    {%- endfor -%}
    {#- leaves aggregated together, one pass per first day recomputed (a cohort leaf looks further
        back), each split by every dimension of the group, as a full build's single pass is; the
        coarser grains of the leaves that add up are rolled up from their day rows -#}
    {%- set plain = group | selectattr('kind', 'equalto', 'plain') | rejectattr('measure.agg', 'equalto', 'count_distinct') | list -%}
    {%- set rolled = [] -%}
    {%- for leaf in plain if kpi_rolls_up(leaf) -%}
        {%- do rolled.append(leaf) -%}
    {%- endfor -%}
    {%- for start, batch in kpi_leaves_by_start(rolled, starts) -%}
        {%- set cte = 'rolled__' ~ time_dimension.name ~ ('__' ~ loop.index if loop.length > 1 else '') -%}
        {%- do parts.append({'cte': cte ~ '__day', 'leaves': batch}) %}

{{ cte }}__day as (
    {{ kpi_grouped_aggregates(batch, kpi_split_dimensions(plain, dimensions), ['day'], 'time__' ~ time_dimension.name, none, start) }}
),

{{ cte }}__days as (
    {{ kpi_rollup_days(batch, cte ~ '__day', start) }}
),
        {%- do parts.append({'cte': cte, 'long': true}) %}

{{ cte }} as (
    {{ kpi_rollup(batch, cte ~ '__days', grains[1:], start) }}
),
    {%- endfor -%}
    {%- for start, batch in kpi_leaves_by_start(plain | reject('in', rolled) | list, starts) -%}
        {%- set cte = 'plain__' ~ time_dimension.name ~ ('__' ~ loop.index if loop.length > 1 else '') -%}
        {%- do parts.append({'cte': cte, 'leaves': batch}) %}

{{ cte }} as (
    {{ kpi_grouped_aggregates(batch, kpi_split_dimensions(plain, dimensions), grains, 'time__' ~ time_dimension.name, none, start) }}
),
    {%- endfor -%}
    {%- for choice in ['max', 'min'] -%}
        {%- set balances = group | selectattr('kind', 'equalto', 'non_additive') | selectattr('window_choice', 'equalto', choice) | list -%}
        {%- for start, batch in kpi_leaves_by_start(balances, starts) -%}
            {%- set batch_loop = loop -%}
            {%- for grain in grains -%}
                {%- set cte = 'balance__' ~ time_dimension.name ~ '__' ~ choice ~ '__' ~ grain ~ ('__' ~ batch_loop.index if batch_loop.length > 1 else '') -%}
                {%- do parts.append({'cte': cte, 'leaves': batch}) %}

{{ cte }} as (
    {{ kpi_grouped_aggregates(batch, kpi_split_dimensions(balances, dimensions), [grain], 'time__' ~ time_dimension.name, choice, start) }}
),
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for leaf in group | selectattr('kind', 'equalto', 'cumulative') -%}
        {%- do parts.append({'cte': 'cumulative__' ~ leaf.name, 'leaves': [leaf], 'single': true}) %}

{{ kpi_cumulative_values(leaf, kpi_split_dimensions([leaf], dimensions), grains, 'time__' ~ time_dimension.name, lookbacks.get(leaf.name), kpi_member_dimensions(leaf, dimensions, join_aliases)) }},
    {%- endfor -%}
{%- endfor %}

final as (
    {%- set selects = namespace(first=true) -%}
    {%- for part in parts -%}
        {%- if part.long %}
    {{ "union all" if not selects.first }}
    select metric_name, grain, period_start, dimension_name, dimension_value, value, numerator, denominator
    from {{ part.cte }}
            {%- set selects.first = false -%}
        {%- endif -%}
        {%- for leaf in part.leaves or [] %}
    {{ "union all" if not selects.first }}
    select
        '{{ leaf.name }}' as metric_name,
        grain,
        period_start,
        dimension_name,
        dimension_value,
        {%- if part.single %}
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
            {%- if starts %}
        {{ 'and' if not part.single else 'where' }} {{ kpi_recomputed_periods(starts[leaf.name]) }}
            {%- endif %}
            {%- set selects.first = false -%}
        {%- endfor -%}
    {%- endfor %}
)

select * from final
    {%- endif -%}
{%- endif -%}
{%- endmacro %}
