{# The metrics a metric is computed from ([] for a leaf: simple or cumulative), as
   {name, alias, offset}. Constructs the compiler does not support stop the build here. #}
{% macro kpi_metric_inputs(metric) -%}
    {%- set params = metric.type_params -%}
    {%- if metric.type in ['simple', 'cumulative'] -%}
        {%- set measure = params.measure -%}
        {%- if measure is none or measure.name is none -%}
            {{ kpi_error(metric, "has no measure") }}
        {%- endif -%}
        {%- if measure.filter or measure.join_to_timespine -%}
            {{ kpi_error(metric, "measure-level filter and join_to_timespine are not supported by the KPI compiler; put the filter on the metric") }}
        {%- endif -%}
        {%- if measure.fill_nulls_with is not none and metric.type != 'simple' -%}
            {{ kpi_error(metric, "fill_nulls_with on a cumulative metric is not supported by the KPI compiler") }}
        {%- endif -%}
        {%- if metric.type == 'cumulative' -%}
            {%- set cumulative = params.cumulative_type_params or {} -%}
            {%- if cumulative.grain_to_date or params.grain_to_date -%}
                {{ kpi_error(metric, "cumulative grain_to_date is not supported by the KPI compiler") }}
            {%- endif -%}
        {%- endif -%}
        {{ return([]) }}
    {%- elif metric.type == 'ratio' -%}
        {%- if metric.filter -%}
            {{ kpi_error(metric, "a filter on a ratio metric is not supported by the KPI compiler; filter its numerator and denominator metrics") }}
        {%- endif -%}
        {%- set inputs = [] -%}
        {%- for part in [params.numerator, params.denominator] -%}
            {%- if part is none or part.name is none -%}
                {{ kpi_error(metric, "ratio needs both a numerator and a denominator") }}
            {%- endif -%}
            {%- if part.filter or part.offset_window or part.offset_to_grain -%}
                {{ kpi_error(metric, "filters and offsets on ratio inputs are not supported by the KPI compiler; define a filtered metric and use it") }}
            {%- endif -%}
            {%- do inputs.append({'name': part.name, 'alias': part.name, 'offset': none}) -%}
        {%- endfor -%}
        {{ return(inputs) }}
    {%- elif metric.type == 'derived' -%}
        {%- if metric.filter -%}
            {{ kpi_error(metric, "a filter on a derived metric is not supported by the KPI compiler") }}
        {%- endif -%}
        {%- set inputs = [] -%}
        {%- for part in params.metrics -%}
            {%- if part.filter or part.offset_to_grain -%}
                {{ kpi_error(metric, "filters and offset_to_grain on derived inputs are not supported by the KPI compiler") }}
            {%- endif -%}
            {%- do inputs.append({'name': part.name, 'alias': part.alias or part.name, 'offset': part.offset_window}) -%}
        {%- endfor -%}
        {{ return(inputs) }}
    {%- elif metric.type == 'conversion' -%}
        {#- its two leaves (kpi_conversion_leaves), as a ratio's numerator and denominator; kpi_check_conversion
            has checked the definition by the time a KPI's plan reaches here -#}
        {{ return([{'name': metric.name ~ '__conversions', 'alias': metric.name ~ '__conversions', 'offset': none},
            {'name': metric.name ~ '__base', 'alias': metric.name ~ '__base', 'offset': none}]) }}
    {%- else -%}
        {{ kpi_error(metric, "metric type '" ~ metric.type ~ "' is not supported by the KPI compiler (supported: simple, ratio, derived, cumulative, conversion)") }}
    {%- endif -%}
{%- endmacro %}

{# The SQL for a metric's value where it is the input of a ratio or derived metric: a simple
   metric whose measure sets fill_nulls_with reads that value where it has no row for the period
   and segment (no cancellations in a month is a churn rate of 0, not an unknown one). As in
   MetricFlow, the fill creates no rows of its own: the metric's own rows stay where its data is. #}
{% macro kpi_filled(name, plan, column) -%}
    {%- set metric = plan.catalog.metrics[name] -%}
    {%- set measure = metric.type_params.measure if metric.type == 'simple' else none -%}
    {%- if measure is not none and measure.fill_nulls_with is not none -%}
        {{ return('coalesce(' ~ column ~ ', ' ~ measure.fill_nulls_with ~ ')') }}
    {%- endif -%}
    {{ return(column) }}
{%- endmacro %}
