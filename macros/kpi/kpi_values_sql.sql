{# The KPI compiler's second stage: every KPI metric assembled from the leaf values
   at every grain, for the total and each declared dimension. Ratios are divided from
   numerator and denominator at each grain and segment, derived metrics evaluated
   from their inputs at the same grain and segment (offsets look up the earlier
   period). A period is complete once it is over and, for cohort metrics, mature. #}
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
    {%- set start = kpi_incremental_start(none, plan) if is_incremental() else none -%}
    {%- set boundary = "(?<![A-Za-z0-9_])" -%}
    {%- set boundary_after = "(?![A-Za-z0-9_])" %}

with

leaves as (
    {%- for model_name in leaf_models | sort %}
    select * from {{ ref(model_name) }}
    {%- if start is not none %}
    where period_start >= cast({{ dbt.dateadd('day', -kpi_offset_days(plan), start) }} as date)
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),
{%- for name in plan.order -%}
    {%- set metric = catalog.metrics[name] -%}
    {%- set inputs = kpi_metric_inputs(metric) %}

metric__{{ name }} as (
    {%- if inputs | length == 0 %}
    select grain, period_start, dimension_name, dimension_value, value, numerator, denominator
    from leaves
    where metric_name = '{{ name }}'
    {%- elif metric.type == 'ratio' %}
    select
        {%- for key in keys %}
        coalesce(numerator_metric.{{ key }}, denominator_metric.{{ key }}) as {{ key }},
        {%- endfor %}
        numerator_metric.value / nullif(denominator_metric.value, 0) as value,
        numerator_metric.value as numerator,
        denominator_metric.value as denominator
    from metric__{{ inputs[0].name }} as numerator_metric
    full outer join metric__{{ inputs[1].name }} as denominator_metric
        on
            {%- for key in keys %}
            numerator_metric.{{ key }} = denominator_metric.{{ key }}{{ " and" if not loop.last }}
            {%- endfor %}
    {%- else %}
        {%- set current = inputs | rejectattr('offset') | list -%}
        {%- if current | length == 0 -%}
            {{ kpi_error(metric, "a derived metric whose inputs are all offset is not supported by the KPI compiler") }}
        {%- endif -%}
        {%- set expression = namespace(sql=metric.type_params.expr) -%}
        {%- set by_length = [] -%}
        {%- for input in inputs -%}
            {%- do by_length.append([input.alias | length, loop.index, input.alias]) -%}
        {%- endfor -%}
        {%- for length, index, alias in by_length | sort(reverse=true) -%}
            {%- set expression.sql = modules.re.sub(boundary ~ alias ~ boundary_after, 'input_' ~ index ~ '.value', expression.sql) -%}
        {%- endfor %}
    select
        {%- for key in keys %}
        periods.{{ key }},
        {%- endfor %}
        cast({{ expression.sql | trim }} as {{ type_double() }}) as value,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator
    from (
        {%- for input in current %}
        select {{ keys | join(', ') }} from metric__{{ input.name }}
        {%- if not loop.last %}
        union
        {%- endif %}
        {%- endfor %}
    ) as periods
    {%- for input in inputs %}
    left join metric__{{ input.name }} as input_{{ loop.index }}
        on
            periods.grain = input_{{ loop.index }}.grain
            and periods.dimension_name = input_{{ loop.index }}.dimension_name
            and periods.dimension_value = input_{{ loop.index }}.dimension_value
            {%- if input.offset %}
            and periods.grain in ('{{ kpi_offset_grains(input.offset) | join("', '") }}')
            and input_{{ loop.index }}.period_start = cast({{ dbt.dateadd(input.offset.granularity, -input.offset.count, 'periods.period_start') }} as date)
            {%- else %}
            and periods.period_start = input_{{ loop.index }}.period_start
            {%- endif %}
    {%- endfor %}
    {%- endif %}
),
{%- endfor %}

final as (
    {%- for name, kpi in plan.kpis.items() | sort %}
    {%- set grains = kpi_metric_grains(name, plan) %}
    select
        '{{ name }}' as metric_name,
        grain,
        period_start,
        {{ kpi_period_end('grain', 'period_start') }} as period_end,
        dimension_name,
        dimension_value,
        value,
        numerator,
        denominator,
        {{ dbt.dateadd('day', kpi.maturity_days, kpi_period_end('grain', 'period_start')) }} <= {{ as_of_date() }} as is_complete
    from metric__{{ name }}
    where
        grain in ('{{ grains | join("', '") }}')
        and period_start <= {{ as_of_date() }}
        {%- if start is not none %}
        and period_start >= {{ start }}
        {%- endif %}
        and dimension_name in ('all'{% for dimension in kpi.dimensions %}, '{{ dimension.split("__")[-1] }}'{% endfor %})
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
{%- endif -%}
{%- endmacro %}
