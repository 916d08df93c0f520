{# Where a dimension like user__platform comes from, seen from one semantic model:
   its own dimension, or one reached through a foreign entity (a left join to the
   semantic model whose primary entity it is), as MetricFlow resolves it. #}
{% macro kpi_resolve_dimension(semantic_model, qualified, metric, catalog, via=none, in_filter=false) -%}
    {#- via: the input metric that reads semantic_model, when metric (the KPI named in errors) is not it;
        in_filter: the metric's filter names the dimension, which the error says (it read as a split) -#}
    {%- set through = " (through its input '" ~ via ~ "')" if via else "" -%}
    {%- set what = "filter dimension" if in_filter else "dimension" -%}
    {%- set parts = qualified.split('__') -%}
    {%- if parts | length != 2 -%}
        {{ kpi_error(metric, what ~ " '" ~ qualified ~ "' must be written <entity>__<dimension>") }}
    {%- endif -%}
    {%- set entity_name, dimension_name = parts -%}
    {%- set column = 'dim__' ~ entity_name ~ '__' ~ dimension_name -%}
    {%- for entity in semantic_model.entities if entity.name == entity_name -%}
        {%- set found = namespace(owner=semantic_model if entity.type in ['primary', 'unique', 'natural'] else none, join_key=none) -%}
        {%- if found.owner is none -%}
            {%- for candidate in catalog.semantic_models.values() -%}
                {%- for other in candidate.entities if other.name == entity_name and other.type in ['primary', 'unique'] -%}
                    {%- for dimension in candidate.dimensions if dimension.name == dimension_name -%}
                        {%- set found.owner = candidate -%}
                        {%- set found.join_key = other.expr or other.name -%}
                    {%- endfor -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set owner = found.owner -%}
        {%- if owner is not none -%}
            {%- for dimension in owner.dimensions if dimension.name == dimension_name -%}
                {%- if dimension.type != 'categorical' -%}
                    {{ kpi_error(metric, what ~ " '" ~ qualified ~ "' is a time dimension" ~ through ~ "; KPIs are split by categorical dimensions only") }}
                {%- endif -%}
                {{ return({
                    'qualified': qualified, 'short': dimension_name, 'column': column,
                    'split': 'split__' ~ entity_name ~ '__' ~ dimension_name,
                    'expr': dimension.expr or dimension.name,
                    'owner': owner, 'joined': owner.name != semantic_model.name,
                    'foreign_key': entity.expr or entity.name, 'join_key': found.join_key,
                }) }}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {#- what the entity does offer, so a typo (user__platfrom) shows next to the real name -#}
    {%- set offered = [] -%}
    {%- for candidate in catalog.semantic_models.values() -%}
        {%- for entity in candidate.entities if entity.name == entity_name and entity.type in ['primary', 'unique', 'natural'] -%}
            {%- for dimension in candidate.dimensions if dimension.type == 'categorical' and (entity_name ~ '__' ~ dimension.name) not in offered -%}
                {%- do offered.append(entity_name ~ '__' ~ dimension.name) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ kpi_error(metric, what ~ " '" ~ qualified ~ "' is not on semantic model '" ~ semantic_model.name ~ "'" ~ through
        ~ " nor reachable through one of its entities ("
        ~ semantic_model.entities | map(attribute='name') | join(', ') ~ ")"
        ~ ("; " ~ entity_name ~ " offers " ~ offered | sort | join(', ') if offered else "")) }}
{%- endmacro %}
