{# The KPI compiler's second stage: every KPI metric assembled from the leaf values
   at every grain, for the total and each declared dimension. The leaves are pivoted
   to one wide row per (grain, period, segment); ratios are divided from numerator and
   denominator on that row, derived metrics evaluated from their inputs on it (offset
   inputs read the row of the earlier period), layer by layer in dependency order. A
   metric has a row where any of its current inputs has one. A period is complete once
   it is over and, for cohort metrics, mature. #}
{% macro kpi_values_sql() -%}
{%- if not execute -%}
select
    cast(null as {{ dbt.type_string() }}) as metric_name,
    cast(null as {{ dbt.type_string() }}) as grain,
    cast(null as date) as period_start,
    cast(null as date) as period_end,
    cast(null as {{ dbt.type_string() }}) as dimension_name,
    cast(null as {{ dbt.type_string() }}) as dimension_value,
    cast(null as {{ type_double() }}) as value,
    cast(null as {{ type_double() }}) as numerator,
    cast(null as {{ type_double() }}) as denominator,
    cast(null as boolean) as is_complete
where 1 = 0
{%- else -%}
    {%- set plan = kpi_plan() -%}
    {%- set catalog = plan.catalog -%}
    {%- set leaf_models = [] -%}
    {%- for name in plan.leaf_dimensions -%}
        {%- set model_name = 'kpi_measures__' ~ catalog.measure_models[catalog.metrics[name].type_params.measure.name] -%}
        {%- if model_name not in leaf_models -%}
            {%- do leaf_models.append(model_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for model_name in leaf_models | sort if ('model.' ~ project_name ~ '.' ~ model_name) not in model.depends_on.nodes -%}
        {{ exceptions.raise_compiler_error(model.original_file_path ~ ": add the line  -- depends_on: {{ ref('" ~ model_name
            ~ "') }}  (and the model models/kpis/" ~ model_name ~ ".sql if it does not exist)") }}
    {%- endfor -%}
    {%- set keys = ['grain', 'period_start', 'dimension_name', 'dimension_value'] -%}
    {#- an incremental run re-assembles each KPI's periods from its own lookback (kpi_metric_lookback)
        and reads each leaf as far back as the KPIs built on it, and their offset inputs, need -#}
    {%- set lookbacks = kpi_model_lookbacks(none, plan) if kpi_is_incremental() else {} -%}
    {%- set reads = {} -%}
    {%- if lookbacks -%}
        {%- set offset_days = kpi_offset_days(plan) -%}
        {%- for name, days in lookbacks.items() -%}
            {%- for leaf in kpi_metric_leaves(name, plan) -%}
                {%- do reads.update({leaf: [reads.get(leaf, 0), days + offset_days] | max}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {#- depth: leaves 0, a ratio or derived metric one more than its deepest input -#}
    {%- set depth = {} -%}
    {%- for name in plan.order -%}
        {%- set inputs = kpi_metric_inputs(catalog.metrics[name]) -%}
        {%- set deepest = namespace(level=-1) -%}
        {%- for input in inputs -%}
            {%- set deepest.level = [deepest.level, depth[input.name]] | max -%}
        {%- endfor -%}
        {%- do depth.update({name: deepest.level + 1}) -%}
    {%- endfor -%}
    {%- set levels = depth.values() | list | max if depth else 0 %}

with

leaves as (
    {%- for model_name in leaf_models | sort %}
    select * from {{ ref(model_name) }}
    {%- if lookbacks %}
        {%- set model_reads = {} -%}
        {%- for leaf, days in reads.items() if 'kpi_measures__' ~ catalog.measure_models[catalog.metrics[leaf].type_params.measure.name] == model_name -%}
            {%- do model_reads.update({leaf: days}) -%}
        {%- endfor %}
    where {{ kpi_recomputed_rows(model_reads, stale=false) }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

level_0 as (
    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {%- for name in plan.order if depth[name] == 0 %}
        max(case when metric_name = '{{ name }}' then value end) as value__{{ name }},
        max(case when metric_name = '{{ name }}' then numerator end) as numerator__{{ name }},
        max(case when metric_name = '{{ name }}' then denominator end) as denominator__{{ name }},
        max(case when metric_name = '{{ name }}' then 1 else 0 end) as has__{{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from leaves
    group by {{ keys | join(', ') }}
),
{%- for level in range(1, levels + 1) %}
    {%- set offsets = [] -%}
    {%- for name in plan.order if depth[name] == level -%}
        {%- for input in kpi_metric_inputs(catalog.metrics[name]) if input.offset -%}
            {%- do offsets.append({'metric': name, 'input': input, 'alias': 'shifted_' ~ (offsets | length + 1)}) -%}
        {%- endfor -%}
    {%- endfor %}

level_{{ level }} as (
    select
        current_level.*
        {%- for name in plan.order if depth[name] == level -%}
            {%- set metric = catalog.metrics[name] -%}
            {%- set inputs = kpi_metric_inputs(metric) -%}
            {%- if metric.type == 'conversion' and kpi_conversion_calculation(metric) == 'conversions' -%}
                {#- as in MetricFlow, a period with base rows and no credited event has a row and no value -#}
                {%- set conversions = kpi_filled(inputs[0].name, plan, 'current_level.value__' ~ inputs[0].name) %},
        {{ conversions }} as value__{{ name }},
        cast(null as {{ type_double() }}) as numerator__{{ name }},
        cast(null as {{ type_double() }}) as denominator__{{ name }},
        greatest(current_level.has__{{ inputs[0].name }}, current_level.has__{{ inputs[1].name }}) as has__{{ name }}
            {%- elif metric.type in ['ratio', 'conversion'] -%}
                {#- a conversion rate: the conversions credited to the base rows over the base measure -#}
                {%- set numerator = kpi_filled(inputs[0].name, plan, 'current_level.value__' ~ inputs[0].name) -%}
                {%- set denominator = kpi_filled(inputs[1].name, plan, 'current_level.value__' ~ inputs[1].name) %},
        {{ numerator }} / nullif({{ denominator }}, 0) as value__{{ name }},
        {{ numerator }} as numerator__{{ name }},
        {{ denominator }} as denominator__{{ name }},
        greatest(current_level.has__{{ inputs[0].name }}, current_level.has__{{ inputs[1].name }}) as has__{{ name }}
            {%- else -%}
                {%- set current = inputs | rejectattr('offset') | list -%}
                {%- if current | length == 0 -%}
                    {{ kpi_error(metric, "a derived metric whose inputs are all offset is not supported by the KPI compiler") }}
                {%- endif -%}
                {%- set sources = {} -%}
                {%- for input in inputs -%}
                    {%- set found = namespace(source='current_level.value__' ~ input.name) -%}
                    {%- for shifted in offsets if shifted.metric == name and shifted.input.alias == input.alias -%}
                        {%- set found.source = shifted.alias ~ '.value__' ~ input.name -%}
                    {%- endfor -%}
                    {%- do sources.update({input.alias: kpi_filled(input.name, plan, found.source)}) -%}
                {%- endfor %},
        {#- on a line of its own: a `--` comment at the expression's end ends there #}
        cast({{ kpi_replace_names(metric.type_params.expr, sources) | trim }}
            as {{ type_double() }}) as value__{{ name }},
        cast(null as {{ type_double() }}) as numerator__{{ name }},
        cast(null as {{ type_double() }}) as denominator__{{ name }},
        greatest({% for input in current %}current_level.has__{{ input.name }}{{ ", " if not loop.last }}{% endfor %}, 0) as has__{{ name }}
            {%- endif -%}
        {%- endfor %}
    from level_{{ level - 1 }} as current_level
    {%- for shifted in offsets %}
    left join level_{{ level - 1 }} as {{ shifted.alias }}
        on
            current_level.grain = {{ shifted.alias }}.grain
            and current_level.dimension_name = {{ shifted.alias }}.dimension_name
            and current_level.dimension_value = {{ shifted.alias }}.dimension_value
            and current_level.grain in ('{{ kpi_offset_grains(shifted.input.offset) | join("', '") }}')
            and {{ shifted.alias }}.period_start
            = cast({{ dbt.dateadd(shifted.input.offset.granularity, -shifted.input.offset.count, 'current_level.period_start') }} as date)
    {%- endfor %}
),
{%- endfor %}

kpis as (
    {#- one reference to the last level, unpivoted by a join to the list of KPIs, keeps the plan small;
        so do per-KPI numbers as columns here rather than one branch per KPI below #}
    select metric_name, maturity_days, lookback_days, is_weekly from (
        values
        {%- for name, kpi in plan.kpis.items() | sort %}
        ('{{ name }}', {{ kpi.maturity_days }}, {{ lookbacks.get(name, 0) }}, {{ kpi_is_weekly(name, plan) }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as kpi_names (metric_name, maturity_days, lookback_days, is_weekly)
),

final as (
    select
        kpis.metric_name,
        assembled.grain,
        assembled.period_start,
        {{ kpi_period_end('assembled.grain', 'assembled.period_start') }} as period_end,
        assembled.dimension_name,
        assembled.dimension_value,
        {%- for column in ['value', 'numerator', 'denominator'] %}
        case kpis.metric_name
            {%- for name in plan.kpis | sort %}
            when '{{ name }}' then assembled.{{ column }}__{{ name }}
            {%- endfor %}
        end as {{ column }},
        {%- endfor %}
        {{ dbt.dateadd('day', 'kpis.maturity_days', kpi_data_end('assembled.grain', kpi_period_end('assembled.grain', 'assembled.period_start'), 'kpis.is_weekly')) }} <= {{ as_of_date() }} as is_complete
    from level_{{ levels }} as assembled
    cross join kpis
    where
        assembled.period_start <= {{ as_of_date() }}
        and case kpis.metric_name
            {%- for name, kpi in plan.kpis.items() | sort %}
            when '{{ name }}' then
                assembled.has__{{ name }} = 1
                and assembled.grain in ('{{ kpi_metric_grains(name, plan) | join("', '") }}')
                and assembled.dimension_name in ('all'{% for dimension in kpi.dimensions %}, '{{ dimension.split("__")[-1] }}'{% endfor %})
            {%- endfor %}
        end
        {%- if lookbacks %}
        and {{ kpi_recomputed_periods("cast(" ~ dbt.dateadd('day', '-(kpis.lookback_days + ' ~ kpi_catch_up_days() ~ ')', as_of_date()) ~ " as date)", 'assembled.grain', 'assembled.period_start') }}
        {%- endif %}
)

select * from final
{%- endif -%}
{%- endmacro %}

{# The columns kpi_values_sql returns, in order (its final select). #}
{% macro kpi_values_columns() -%}
    {{ return(['metric_name', 'grain', 'period_start', 'period_end', 'dimension_name', 'dimension_value',
        'value', 'numerator', 'denominator', 'is_complete']) }}
{%- endmacro %}
