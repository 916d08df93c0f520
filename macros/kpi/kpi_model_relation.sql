{# The table a semantic model reads, through ref() rather than the graph's
   node_relation: ref() honours `dbt run --defer` (scorecard diff builds only the
   changed models and reads the others from the warehouse), node_relation always
   names the current target. #}
{% macro kpi_model_relation(semantic_model) -%}
    {%- set models = [] -%}
    {%- for node in semantic_model.depends_on.nodes if node.startswith('model.') -%}
        {%- do models.append(node) -%}
    {%- endfor -%}
    {%- if models | length != 1 -%}
        {{ exceptions.raise_compiler_error("semantic model '" ~ semantic_model.name ~ "' (" ~ semantic_model.original_file_path ~ "): expected one model in model: ref(...), found " ~ (models | length)) }}
    {%- endif -%}
    {%- set parts = models[0].split('.') -%}
    {{ return(ref(parts[1], parts[2])) }}
{%- endmacro %}
