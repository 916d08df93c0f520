{# The SQL written inside metric definitions: a derived metric's expr may name only its
   inputs (by alias where one is given), and a filter only its {{ Dimension(...) }}
   references. dbt only warns about an expr naming none of its inputs and reads no
   filter's SQL, so such a mistake used to fail kpi_values or a leaf table after the
   marts had been built, with DuckDB's "Binder Error" naming neither file nor metric.
   DuckDB's own parser (json_serialize_sql, which reports a syntax error as data rather
   than raising) reads every piece in one query; the column names left over are the
   mistake, mostly a misspelt input or a value left unquoted (= US for = 'US'). The same
   rule, with the same words, is scorecard.metric_sql's, which `scorecard run` applies
   before the warehouse is touched. #}
{% macro kpi_check_sql() -%}
    {%- set placeholder = 'scorecard_filter_reference' -%}
    {%- set template = modules.re.compile('[{][{].*?[}][}]') -%}
    {#- the date and time DuckDB reads as names, and binds: a filter may well compare with today -#}
    {%- set bound = ['current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp'] -%}
    {%- set pieces = [] -%}
    {%- for metric in graph.metrics.values() | sort(attribute='name') if metric.package_name == project_name -%}
        {%- if metric.type == 'derived' and metric.type_params.expr -%}
            {%- set inputs = [] -%}
            {%- for input in metric.type_params.metrics or [] -%}
                {%- do inputs.append(input.alias or input.name) -%}
            {%- endfor -%}
            {%- set sql = kpi_stand_in_inputs(metric.type_params.expr, inputs) -%}
            {#- there the compiler would put the input's column inside the quotes -#}
            {%- set quoted = modules.re.search('"(scorecard_input_[0-9]+)"', sql.text) -%}
            {%- do pieces.append({'metric': metric, 'sql': sql.text, 'known': sql.aliases.keys() | list, 'aliases': sql.aliases,
                'quoted': sql.aliases[quoted.group(1)] if quoted else none,
                'what': "expr '" ~ metric.type_params.expr.split() | join(' ') ~ "'",
                'unknown': "which is none of its inputs (" ~ inputs | join(', ') ~ "); give an input that alias to use it by that name"}) -%}
        {%- endif -%}
        {%- for where in (metric.filter or {}).get('where_filters') or [] -%}
            {%- set written = where.where_sql_template -%}
            {%- do pieces.append({'metric': metric, 'sql': template.sub(placeholder, written), 'known': [placeholder], 'aliases': {}, 'quoted': none,
                'what': "filter '" ~ written ~ "'",
                'unknown': "which is no {{ Dimension(...) }} reference; quote a value as '{name}'"}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not pieces -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with parsed as (
            select piece, json_serialize_sql('select ' || sql) as tree
            from (values
                {%- for piece in pieces %}
                ({{ loop.index0 }}, {{ kpi_literal(piece.sql) }}){{ ',' if not loop.last }}
                {%- endfor %}
            ) as pieces (piece, sql)
        )
        select
            piece,
            coalesce(json_extract(tree, '$.error')::boolean, false) as unreadable,
            {# a qualified name (t.ltv) lists its parts #}
            array_to_string(list_transform(
                regexp_extract_all(tree, '"column_names":\[[^\]]*\]'),
                lambda names: array_to_string(json_extract_string('{' || names || '}', '$.column_names[*]'), '.')
            ), ',') as columns
        from parsed
        order by piece
    {%- endset -%}
    {%- for row in run_query(query).rows -%}
        {%- set piece = pieces[row[0]] -%}
        {%- if row[1] -%}
            {{ kpi_error(piece.metric, piece.what ~ " is not SQL DuckDB can read") }}
        {%- endif -%}
        {%- for name in (row[2] or '').split(',') if name and name not in piece.known and name | lower not in bound -%}
            {#- the name as the definition wrote it: each stand-in back to its input (t.scorecard_input_0 is t.ltv) #}
            {%- set shown = kpi_replace_names(name, piece.aliases) -%}
            {{ kpi_error(piece.metric, piece.what ~ " names '" ~ shown ~ "', " ~ piece.unknown.replace('{name}', shown)) }}
        {%- endfor -%}
        {%- if piece.quoted -%}
            {{ kpi_error(piece.metric, piece.what ~ " names its input '" ~ piece.quoted ~ "' in double quotes, which the KPI compiler does not read as the input; write it without them") }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{# A derived expression with each input replaced by a stand-in name, as kpi_values_sql
   replaces it by its column (so an alias such as `end` is no keyword to the parser
   either); its lines are kept, since a `--` comment ends at its line's end. Returns
   {'text': ..., 'aliases': {stand-in: input}}. #}
{% macro kpi_stand_in_inputs(expr, inputs) -%}
    {%- set stand_ins = {} -%}
    {%- set aliases = {} -%}
    {%- for alias in inputs -%}
        {%- do stand_ins.update({alias: 'scorecard_input_' ~ loop.index0}) -%}
        {%- do aliases.update({'scorecard_input_' ~ loop.index0: alias}) -%}
    {%- endfor -%}
    {{ return({'text': kpi_replace_names(expr, stand_ins), 'aliases': aliases}) }}
{%- endmacro %}

{# `text` with every use of each name in `replacements` replaced by its value: the whole
   name only, not part of a longer one; the longest names first. How the compiler puts an
   input's column in place of its name in a derived expression, and the SQL check its
   stand-in. #}
{% macro kpi_replace_names(text, replacements) -%}
    {%- set result = namespace(text=text) -%}
    {%- set by_length = [] -%}
    {%- for name in replacements -%}
        {%- do by_length.append([name | length, name]) -%}
    {%- endfor -%}
    {%- for length, name in by_length | sort(reverse=true) -%}
        {%- set result.text = modules.re.sub('(?<![A-Za-z0-9_])' ~ name ~ '(?![A-Za-z0-9_])', replacements[name], result.text) -%}
    {%- endfor -%}
    {{ return(result.text) }}
{%- endmacro %}
