{# The leaf metrics (simple or cumulative) read off one semantic model that some KPI
   needs, each with its measure, time dimension, kind (plain, non_additive,
   cumulative), filter and the dimensions it is needed at. #}
{% macro kpi_semantic_model_leaves(semantic_model, plan) -%}
    {%- set known = plan.setdefault('semantic_model_leaves', {}) -%}
    {%- if semantic_model.name in known -%}
        {{ return(known[semantic_model.name]) }}
    {%- endif -%}
    {%- set catalog = plan.catalog -%}
    {%- set leaves = [] -%}
    {%- for name, dimensions in plan.leaf_dimensions.items() | sort -%}
        {%- set metric = catalog.metrics[name] -%}
        {%- set measure_name = metric.type_params.measure.name -%}
        {%- if measure_name not in catalog.measure_models -%}
            {{ kpi_error(metric, "unknown measure '" ~ measure_name ~ "'") }}
        {%- endif -%}
        {%- if catalog.measure_models[measure_name] == semantic_model.name -%}
            {#- a conversions leaf's measure is the credits kpi_conversion_credits adds to the base rows -#}
            {%- set found = namespace(measure=catalog.credit_measures.get(measure_name) or kpi_find_measure(semantic_model, measure_name)) -%}
            {%- set found.time_dimension = kpi_measure_time_dimension(semantic_model, found.measure, metric) -%}
            {%- set time_name = found.time_dimension.name -%}
            {%- set non_additive = found.measure.non_additive_dimension -%}
            {%- if non_additive -%}
                {%- if non_additive.window_groupings -%}
                    {{ kpi_error(metric, "non_additive_dimension.window_groupings is not supported by the KPI compiler") }}
                {%- endif -%}
                {%- if non_additive.name != time_name -%}
                    {{ kpi_error(metric, "a non_additive_dimension other than the measure's time dimension is not supported by the KPI compiler") }}
                {%- endif -%}
                {%- if metric.type == 'cumulative' -%}
                    {{ kpi_error(metric, "a cumulative metric over a non-additive measure is not supported by the KPI compiler") }}
                {%- endif -%}
            {%- endif -%}
            {%- if found.measure.agg not in ['sum', 'count', 'count_distinct', 'sum_boolean', 'min', 'max', 'average', 'median', 'percentile'] -%}
                {{ kpi_error(metric, "aggregation '" ~ found.measure.agg ~ "' is not supported by the KPI compiler") }}
            {%- endif -%}
            {%- set kind = 'cumulative' if metric.type == 'cumulative' else ('non_additive' if non_additive else 'plain') -%}
            {%- do leaves.append({
                'name': name, 'metric': metric, 'measure': found.measure, 'kind': kind,
                'window_choice': non_additive.window_choice if non_additive else none,
                'time_dimension': found.time_dimension, 'filter': kpi_metric_filter(metric),
                'dimensions': dimensions,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do known.update({semantic_model.name: leaves}) -%}
    {{ return(leaves) }}
{%- endmacro %}
