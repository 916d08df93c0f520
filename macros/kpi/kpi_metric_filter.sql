{# A simple metric's filter as SQL over the KPI source columns. Only
   {{ Dimension('entity__name') }} references are supported. Returns
   {'sql': ..., 'dimensions': [qualified names]}; sql is 'true' without a filter. #}
{% macro kpi_metric_filter(metric) -%}
    {%- set clauses = [] -%}
    {%- set dimensions = [] -%}
    {#- written without backslashes, which Jinja string literals would unescape -#}
    {%- set quote = "['" ~ '"' ~ "]" -%}
    {%- set reference = modules.re.compile("[{][{][ ]*Dimension[(][ ]*" ~ quote ~ "([A-Za-z0-9_]+)" ~ quote ~ "[ ]*[)][ ]*[}][}]") -%}
    {%- for where in ((metric.filter or {}).get('where_filters') or []) -%}
        {%- set template = where.where_sql_template -%}
        {%- set rendered = namespace(sql=template) -%}
        {%- for match in reference.finditer(template) -%}
            {%- set qualified = match.group(1) -%}
            {%- if qualified not in dimensions -%}
                {%- do dimensions.append(qualified) -%}
            {%- endif -%}
            {%- set rendered.sql = rendered.sql.replace(match.group(0), 'dim__' ~ qualified) -%}
        {%- endfor -%}
        {%- set sql = rendered.sql -%}
        {%- if '{{' in sql or '{%' in sql -%}
            {{ kpi_error(metric, "filter '" ~ template ~ "' uses a construct the KPI compiler does not support (only {{ Dimension('entity__name') }})") }}
        {%- endif -%}
        {#- the closing parenthesis on a line of its own: a `--` comment at the filter's end ends there -#}
        {%- do clauses.append('(' ~ sql ~ '\n)') -%}
    {%- endfor -%}
    {{ return({'sql': clauses | join(' and ') if clauses else 'true', 'dimensions': dimensions}) }}
{%- endmacro %}
