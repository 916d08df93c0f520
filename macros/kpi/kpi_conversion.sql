{# What the KPI compiler needs of a conversion metric, checked when a KPI's plan reaches it:
   both measures known, the entity on both semantic models, constant properties each side
   has, time dimensions by day (or finer), a window of a day or more in days or weeks, and
   a conversion measure whose credits add up (count or sum of 1, not count_distinct). #}
{% macro kpi_check_conversion(metric, catalog) -%}
    {%- set params = metric.type_params.conversion_type_params -%}
    {%- if not params -%}
        {{ kpi_error(metric, "a conversion metric needs type_params.conversion_type_params") }}
    {%- endif -%}
    {%- if metric.filter -%}
        {{ kpi_error(metric, "a filter on a conversion metric is not supported by the KPI compiler") }}
    {%- endif -%}
    {%- for role in ['base_measure', 'conversion_measure'] -%}
        {%- set input = params[role] -%}
        {%- if input is none or input.name is none -%}
            {{ kpi_error(metric, "conversion_type_params needs a " ~ role) }}
        {%- endif -%}
        {%- if input.name not in catalog.measure_models -%}
            {{ kpi_error(metric, "unknown measure '" ~ input.name ~ "' (" ~ role ~ ")") }}
        {%- endif -%}
        {%- if input.filter or input.join_to_timespine -%}
            {{ kpi_error(metric, "measure-level filter and join_to_timespine are not supported by the KPI compiler (" ~ role ~ " '" ~ input.name ~ "')") }}
        {%- endif -%}
        {%- set semantic_model = catalog.semantic_models[catalog.measure_models[input.name]] -%}
        {%- if kpi_conversion_entity(semantic_model, params.entity) is none -%}
            {{ kpi_error(metric, "entity '" ~ params.entity ~ "' is not on semantic model '" ~ semantic_model.name ~ "' (" ~ role ~ " '" ~ input.name ~ "')") }}
        {%- endif -%}
        {#- the compiler compares days; MetricFlow compares a week-stamped row's time at week level -#}
        {%- set time_dimension = kpi_measure_time_dimension(semantic_model, kpi_find_measure(semantic_model, input.name), metric) -%}
        {%- set granularity = (time_dimension.type_params or {}).time_granularity or 'day' -%}
        {%- if granularity in ['week', 'month', 'quarter', 'year'] -%}
            {{ kpi_error(metric, "a conversion metric over a time dimension by " ~ granularity ~ " ('" ~ time_dimension.name ~ "' of semantic model '"
                ~ semantic_model.name ~ "', " ~ role ~ " '" ~ input.name ~ "') is not supported by the KPI compiler (it matches days)") }}
        {%- endif -%}
    {%- endfor -%}
    {%- do kpi_conversion_properties(metric, catalog) -%}
    {%- set conversion_measure = catalog.metrics[metric.name ~ '__conversions'].type_params.conversion_measure_definition -%}
    {#- the spec allows count, sum(1) and count_distinct; credits summed over base rows cannot be counted distinct -#}
    {%- if conversion_measure.agg not in ['sum', 'count'] -%}
        {{ kpi_error(metric, "a conversion measure with aggregation '" ~ conversion_measure.agg ~ "' is not supported by the KPI compiler (count, or sum of 1)") }}
    {%- endif -%}
    {%- if kpi_conversion_calculation(metric) not in ['conversion_rate', 'conversions'] -%}
        {{ kpi_error(metric, "conversion calculation '" ~ kpi_conversion_calculation(metric) ~ "' is unknown (conversion_rate, conversions)") }}
    {%- endif -%}
    {%- do kpi_conversion_window_days(metric) -%}
{%- endmacro %}

{# A KPI built on a conversion metric (the metric itself, or one computed from it) waits for
   the window to close before it calls a period complete. Named in the error: the KPI, whose
   config.meta.kpi.maturity_days must change. #}
{% macro kpi_check_conversion_maturity(metric, kpi_metric, maturity_days) -%}
    {%- set days = kpi_conversion_window_days(metric) -%}
    {%- if maturity_days < days - 1 -%}
        {%- set whose = "its conversion window of " ~ days ~ " days" if kpi_metric.name == metric.name
            else "its input '" ~ metric.name ~ "' has a conversion window of " ~ days ~ " days, which" -%}
        {{ kpi_error(kpi_metric, whose ~ " credits conversions up to " ~ (days - 1)
            ~ (" day" if days == 2 else " days") ~ " after a base row's day: set config.meta.kpi.maturity_days to " ~ (days - 1)
            ~ " or more, or its periods are called complete while conversions still come in") }}
    {%- endif -%}
{%- endmacro %}

{% macro kpi_conversion_calculation(metric) -%}
    {%- set calculation = metric.type_params.conversion_type_params.calculation -%}
    {{ return((calculation.value if calculation.value is defined else calculation) or 'conversion_rate') }}
{%- endmacro %}

{# Days a base row's conversions may come in: MetricFlow credits a conversion dated within
   the window after the base row's day, that day included (7 days: the day and the six after). #}
{% macro kpi_conversion_window_days(metric) -%}
    {%- set window = metric.type_params.conversion_type_params.window -%}
    {%- if not window -%}
        {{ kpi_error(metric, "a conversion metric without a window is not supported by the KPI compiler (its periods would never be final)") }}
    {%- endif -%}
    {%- set days = kpi_days_in_window(metric, window, 'conversion') -%}
    {%- if days < 1 -%}
        {{ kpi_error(metric, "a conversion window of " ~ window.count ~ " " ~ window.granularity ~ "s credits no conversion (MetricFlow counts the window's days from the base row's own)") }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}

{# constant_properties as SQL pairs [base row's, conversion event's]: an event is credited only to
   base rows whose property equals its own (the same product viewed and bought). Each names a
   dimension or an entity of its semantic model. #}
{% macro kpi_conversion_properties(metric, catalog) -%}
    {%- set params = metric.type_params.conversion_type_params -%}
    {%- set pairs = [] -%}
    {%- for pair in params.constant_properties or [] -%}
        {%- set sides = [] -%}
        {%- for measure, name in [(params.base_measure.name, pair.base_property), (params.conversion_measure.name, pair.conversion_property)] -%}
            {%- set semantic_model = catalog.semantic_models[catalog.measure_models[measure]] -%}
            {%- set found = namespace(sql=kpi_conversion_entity(semantic_model, name)) -%}
            {%- for dimension in semantic_model.dimensions if dimension.name == name -%}
                {%- set found.sql = dimension.expr or dimension.name -%}
            {%- endfor -%}
            {%- if found.sql is none -%}
                {{ kpi_error(metric, "constant property '" ~ name ~ "' is no dimension or entity of semantic model '" ~ semantic_model.name ~ "'") }}
            {%- endif -%}
            {%- do sides.append(found.sql) -%}
        {%- endfor -%}
        {%- do pairs.append(sides) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}

{# The SQL for an entity on a semantic model, or none when it has no such entity. #}
{% macro kpi_conversion_entity(semantic_model, name) -%}
    {%- for entity in semantic_model.entities if entity.name == name -%}
        {{ return(entity.expr or entity.name) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{# For a conversions leaf: per row of the base semantic model (kpi_row_id, numbered in
   base_rows), the conversion measure of the conversion events credited to it. Each event
   goes to the latest base row of its entity (and of its constant properties) dated on its
   day or within the window before it, as MetricFlow does; an event dated after the as-of
   date has not happened yet. Among base rows of the same day MetricFlow takes any one;
   here the first by `tie_breakers` (the SQL of what the leaf splits by), so rows that tie
   on them are in the same segments and a rebuild credits the same segments. An
   incremental run reads the base rows from `floor` on, and so the events from there: an
   event credited to a row before it counts for a period the run does not recompute, and
   among rows from it on, the latest is the latest there is. #}
{% macro kpi_conversion_credits(leaf, catalog, tie_breakers, floor) -%}
    {%- set metric = catalog.metrics[leaf.metric.conversion_of] -%}
    {%- set params = metric.type_params.conversion_type_params -%}
    {%- set conversion_measure = leaf.metric.type_params.conversion_measure_definition -%}
    {%- set base_model = catalog.semantic_models[catalog.measure_models[params.base_measure.name]] -%}
    {%- set conversion_model = catalog.semantic_models[catalog.measure_models[params.conversion_measure.name]] -%}
    {%- set event_time = kpi_measure_time_dimension(conversion_model, conversion_measure, metric) -%}
    {%- set event_day = 'cast(' ~ (event_time.expr or event_time.name) ~ ' as date)' -%}
    {%- set base_time_sql = 'cast(' ~ (leaf.time_dimension.expr or leaf.time_dimension.name) ~ ' as date)' -%}
    {%- set properties = kpi_conversion_properties(metric, catalog) -%}
    {%- set value = conversion_measure.expr or conversion_measure.name -%}
    {%- set credit = value if conversion_measure.agg == 'sum' else 'case when ' ~ value ~ ' is not null then 1 else 0 end' -%}
    select kpi_row_id, sum(credit) as credited__{{ leaf.name }}
    from (
        select
            base_events.kpi_row_id,
            conversion_events.credit,
            row_number() over (
                partition by conversion_events.event_id
                order by base_events.day desc
                {%- for key in tie_breakers %}, base_events.tie_{{ loop.index }}{% endfor %}, base_events.kpi_row_id
            ) as recency
        from (
            select
                {{ kpi_conversion_entity(conversion_model, params.entity) }} as entity,
                {{ event_day }} as day,
                {{ credit }} as credit,
                {%- for pair in properties %}
                {{ pair[1] }} as property_{{ loop.index }},
                {%- endfor %}
                row_number() over () as event_id
            from {{ kpi_model_relation(conversion_model) }}
            where {{ event_day }} <= {{ as_of_date() }}
            {%- if floor is not none %}
                and {{ event_day }} >= {{ floor }}
            {%- endif %}
        ) as conversion_events
        inner join (
            select
                kpi_row_id,
                {%- for pair in properties %}
                {{ pair[0] }} as property_{{ loop.index }},
                {%- endfor %}
                {%- for key in tie_breakers %}
                {{ key }} as tie_{{ loop.index }},
                {%- endfor %}
                {{ kpi_conversion_entity(base_model, params.entity) }} as entity,
                {{ base_time_sql }} as day
            from base_rows
        ) as base_events
            on base_events.entity = conversion_events.entity
            and base_events.day <= conversion_events.day
            and base_events.day > cast({{ dbt.dateadd('day', -kpi_conversion_window_days(metric), 'conversion_events.day') }} as date)
            {%- for pair in properties %}
            and base_events.property_{{ loop.index }} = conversion_events.property_{{ loop.index }}
            {%- endfor %}
    ) as credited
    where recency = 1
    group by kpi_row_id
{%- endmacro %}
