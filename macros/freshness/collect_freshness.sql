{#- Source freshness judged at the run's as-of moment rather than the wall clock, so a backfill or the
    fixed-date sample is judged as of its own date: the midnight after the as-of date (when that day's
    loads are complete), or now when that is earlier. scorecard/quality/freshness.py uses the same rule.
    Taking it from the as_of var that every command already passes keeps dbt's partial parsing. -#}
{% macro duckdb__collect_freshness(source, loaded_at_field, filter) %}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ loaded_at_field }}) as max_loaded_at,
            least(
                cast(current_timestamp at time zone 'UTC' as timestamp),
                cast({{ as_of_date() }} as timestamp) + interval 1 day
            ) as snapshotted_at
        from {{ source }}
        {% if filter %}
            where {{ filter }}
        {% endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
