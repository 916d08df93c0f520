{# Days after its date a row of the semantic model may still arrive or change, from its
   config.meta.kpi.lookback_days (default 3): an incremental run recomputes at least that
   far back. A source that restates older rows (orders cancelled days later undo a second
   purchase) declares it; a wrong declaration is one line naming the file. #}
{% macro kpi_lookback_days(semantic_model) -%}
    {%- set meta = (semantic_model.config.meta if semantic_model.config and semantic_model.config.meta else semantic_model.meta) or {} -%}
    {%- set kpi = meta.get('kpi') or {} -%}
    {%- set where = "semantic model '" ~ semantic_model.name ~ "' (" ~ semantic_model.original_file_path ~ ")" -%}
    {%- if kpi is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ ": config.meta.kpi must be a mapping; the only key is lookback_days") }}
    {%- endif -%}
    {%- for key in kpi.keys() if key != 'lookback_days' -%}
        {{ exceptions.raise_compiler_error(where ~ ": unknown key '" ~ key ~ "' in config.meta.kpi; the only key is lookback_days") }}
    {%- endfor -%}
    {%- set days = kpi.get('lookback_days', 3) -%}
    {%- if days is not number or days is not integer or days < 0 -%}
        {{ exceptions.raise_compiler_error(where ~ ": config.meta.kpi.lookback_days must be a whole number of days, 0 or more; got '" ~ days ~ "'") }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}
