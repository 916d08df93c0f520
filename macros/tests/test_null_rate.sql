{# Generic test: the share of null values in a column stays at or below max_null_rate
   (0.01 = 1%). Set `config: {severity: warn}` on one instance and keep another at error
   level to get a warn band and an error band. Fails with one row giving the observed rate. #}
{% test null_rate(model, column_name, max_null_rate) %}

with

measured as (
    select
        count(*) as row_count,
        sum(case when {{ column_name }} is null then 1 else 0 end) as null_count
    from {{ model }}
),

final as (
    select
        row_count,
        null_count,
        cast(null_count as {{ type_double() }}) / nullif(row_count, 0) as null_rate,
        {{ max_null_rate }} as max_null_rate
    from measured
    where cast(null_count as {{ type_double() }}) / nullif(row_count, 0) > {{ max_null_rate }}
)

select * from final

{% endtest %}
