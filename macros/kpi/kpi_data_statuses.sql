{#- The KPIs' data statuses `scorecard check` recorded for the as-of date (metric_name, data_status,
    data_status_reason), or no rows before any check has run and the table does not exist yet. -#}
{% macro kpi_data_statuses() %}
    {%- set recorded = load_relation(source('scorecard_checks', 'dq_kpi_status')) if execute else none -%}
    {%- if recorded -%}
        select metric_name, data_status, data_status_reason
        from {{ recorded }}
        where as_of = {{ as_of_date() }}
    {%- else -%}
        select
            cast(null as varchar) as metric_name,
            cast(null as varchar) as data_status,
            cast(null as varchar) as data_status_reason
        where false
    {%- endif -%}
{% endmacro %}
