{#- Source freshness judged at the run's as-of moment rather than the wall clock, so a backfill or the
    fixed-date sample is judged as of its own date: the midnight after the as-of date (when that day's
    loads are complete), or now when that is earlier. scorecard/quality/freshness.py uses the same rule.
    Taking it from the as_of var that every command already passes keeps dbt's partial parsing. -#}
{% macro duckdb__collect_freshness(source, loaded_at_field, filter) %}
    {%- set moment -%}
        least(
            cast(current_timestamp at time zone 'UTC' as timestamp),
            cast({{ as_of_date() }} as timestamp) + interval 1 day
        )
    {%- endset -%}
    {#- Loads after the moment were not there yet: re-checking an earlier date judges what it had. A table
        whose every row came later was re-synced whole since then and keeps nothing older to judge by: it
        counts as loaded at the moment. -#}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            coalesce(
                max({{ loaded_at_field }}) filter (where {{ loaded_at_field }} <= {{ moment }}),
                case when count(*) > 0 then {{ moment }} end
            ) as max_loaded_at,
            {{ moment }} as snapshotted_at
        from {{ source }}
        {% if filter %}
            where {{ filter }}
        {% endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
