{# dbt fills its graph only at execution time, so a KPI model names the tables it
   reads with -- depends_on comments; this checks they are all there, which also
   keeps the lineage from sources to KPIs complete in the manifest. #}
{% macro kpi_check_dependencies(semantic_model, catalog, credited=[]) -%}
    {%- set needed = [] -%}
    {%- set readers = {} -%}
    {%- for node in semantic_model.depends_on.nodes -%}
        {%- do needed.append(node) -%}
    {%- endfor -%}
    {#- a conversions leaf reads its conversion events' semantic model too -#}
    {%- for leaf in credited -%}
        {%- set conversion_model = catalog.semantic_models[catalog.measure_models[leaf.metric.type_params.conversion_type_params.conversion_measure.name]] -%}
        {%- for node in conversion_model.depends_on.nodes if node not in needed -%}
            {%- do needed.append(node) -%}
            {%- do readers.update({node: "conversion metric '" ~ leaf.metric.conversion_of ~ "' reads its conversion events there"}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for entity in semantic_model.entities if entity.type == 'foreign' -%}
        {%- for other in catalog.semantic_models.values() -%}
            {%- for candidate in other.entities if candidate.name == entity.name and candidate.type in ['primary', 'unique'] -%}
                {%- for node in other.depends_on.nodes if node not in needed -%}
                    {%- do needed.append(node) -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for node in needed if node not in model.depends_on.nodes -%}
        {{ exceptions.raise_compiler_error(model.original_file_path ~ ": add the line  -- depends_on: {{ ref('"
            ~ node.split('.')[-1] ~ "') }}  (" ~ readers.get(node, "semantic model '" ~ semantic_model.name ~ "' reads it") ~ ")") }}
    {%- endfor -%}
{%- endmacro %}
