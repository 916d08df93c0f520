{# How many days back from as_of an incremental run recomputes a leaf metric: its
   semantic model's days of late or restated rows (kpi_lookback_days, default 3) plus
   the longest cohort maturity among the KPIs built on it. At each grain the run
   recomputes the periods from the one holding as_of less these days on
   (kpi_recomputed_periods); a trailing window only widens the rows it reads. #}
{% macro kpi_leaf_lookback(name, plan) -%}
    {%- set catalog = plan.catalog -%}
    {%- set metric = catalog.metrics[name] -%}
    {%- set owner = catalog.semantic_models[catalog.measure_models[metric.type_params.measure.name]] -%}
    {%- set days = kpi_lookback_days(owner) -%}
    {#- a conversions leaf changes with late conversion events too (the KPI's maturity covers the window) -#}
    {%- if metric.type_params.conversion_type_params -%}
        {%- set events = catalog.semantic_models[catalog.measure_models[metric.type_params.conversion_type_params.conversion_measure.name]] -%}
        {%- set days = [days, kpi_lookback_days(events)] | max -%}
    {%- endif -%}
    {{ return(days + plan.leaf_maturity.get(name, 0)) }}
{%- endmacro %}

{# The lookback of a KPI (or any metric): the longest among the leaves it is built from,
   so its periods are re-assembled whenever one of its inputs was recomputed. #}
{% macro kpi_metric_lookback(name, plan) -%}
    {%- set known = plan.setdefault('metric_lookbacks', {}) -%}
    {%- if name not in known -%}
        {%- set inputs = kpi_metric_inputs(plan.catalog.metrics[name]) -%}
        {%- if inputs | length == 0 -%}
            {%- do known.update({name: kpi_leaf_lookback(name, plan)}) -%}
        {%- else -%}
            {%- set longest = namespace(days=0) -%}
            {%- for input in inputs -%}
                {%- set longest.days = [longest.days, kpi_metric_lookback(input.name, plan)] | max -%}
            {%- endfor -%}
            {%- do known.update({name: longest.days}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(known[name]) }}
{%- endmacro %}

{# The first day an incremental run recomputes, as SQL: lookback_days before as_of, and as
   many days earlier again as the table's last build is behind (kpi_catch_up_days). #}
{% macro kpi_start_day(lookback_days) -%}
    {{ return("cast(" ~ dbt.dateadd('day', -(lookback_days + kpi_catch_up_days()), as_of_date()) ~ " as date)") }}
{%- endmacro %}

{# Days between the as-of date this table was last built for (kpi_record_as_of keeps it
   beside the table's fingerprint) and the day before this run's: a run that comes days
   after the last one (a failed day in a schedule), or after a run for an earlier date,
   recomputes every day since. 0 on a full build, a daily run or a run for an earlier
   date (which recomputes from its own lookback on and deletes the rest). #}
{% macro kpi_catch_up_days() -%}
    {%- if not execute or not kpi_is_incremental() -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set built_for = kpi_recorded_fingerprints().get(model.name ~ ' as_of') -%}
    {%- if built_for is none -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set dates = modules.datetime.date -%}
    {%- set behind = (dates.fromisoformat(as_of_day()) - dates.fromisoformat(built_for)).days - 1 -%}
    {{ return([behind, 0] | max) }}
{%- endmacro %}

{# The leaf metrics a metric is built from (itself for a leaf). #}
{% macro kpi_metric_leaves(name, plan) -%}
    {%- set known = plan.setdefault('metric_leaves', {}) -%}
    {%- if name not in known -%}
        {%- set inputs = kpi_metric_inputs(plan.catalog.metrics[name]) -%}
        {%- set leaves = [] if inputs else [name] -%}
        {%- for input in inputs -%}
            {%- for leaf in kpi_metric_leaves(input.name, plan) if leaf not in leaves -%}
                {%- do leaves.append(leaf) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do known.update({name: leaves}) -%}
    {%- endif -%}
    {{ return(known[name]) }}
{%- endmacro %}
