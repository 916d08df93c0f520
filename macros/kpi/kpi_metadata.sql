{# A metric's KPI metadata (config.meta.kpi), validated: unknown keys and bad
   values stop the build naming the file and the metric. None when the metric is no KPI. #}
{% macro kpi_metadata(metric) -%}
    {%- set meta = (metric.config.meta if metric.config else none) or {} -%}
    {#- dbt keeps a top-level meta only while config.meta is empty (and then drops it without a word):
        KPI metadata there would stop being a KPI the day someone adds config.meta -#}
    {%- if 'kpi' in (metric.meta or {}) and 'kpi' not in meta -%}
        {{ kpi_error(metric, "KPI metadata under meta.kpi: move it to config.meta.kpi (dbt drops a metric's top-level meta once config.meta is set)") }}
    {%- endif -%}
    {%- set kpi_spellings = ['kpi', 'kpis', 'kip', 'kpl', 'kp', 'kpi_', 'kpi:'] -%}
    {%- for key in meta.keys() if key != 'kpi' and key | lower in kpi_spellings -%}
        {{ kpi_error(metric, "config.meta has '" ~ key ~ "': did you mean 'kpi'?") }}
    {%- endfor -%}
    {#- KPI metadata under a misspelled meta (config.mta.kpi) would leave the metric no KPI without a word,
        and its stored values deleted on the next build -#}
    {%- for section, content in (metric.config or {}).items() if section != 'meta' and content is mapping -%}
        {%- for key in content.keys() if key | lower in kpi_spellings -%}
            {{ kpi_error(metric, "config." ~ section ~ "." ~ key ~ " looks like KPI metadata: did you mean config.meta.kpi?") }}
        {%- endfor -%}
    {%- endfor -%}
    {%- if 'kpi' not in meta -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kpi = meta['kpi'] -%}
    {%- if kpi is not mapping -%}
        {{ kpi_error(metric, "config.meta.kpi must be a mapping of owner, unit, direction, cadence, target, ...") }}
    {%- endif -%}
    {%- set allowed = ['owner', 'unit', 'direction', 'cadence', 'target', 'tolerance', 'warn_at', 'dimensions', 'maturity_days', 'range', 'display'] -%}
    {#- a KPI key indented one level short (config.meta.dimensions beside config.meta.kpi) would be ignored
        without a word: the KPI split by nothing, its target gone. `owner` is left alone: dbt projects
        commonly give any node a meta owner -#}
    {%- for key in meta.keys() if key != 'owner' and key in allowed -%}
        {{ kpi_error(metric, "config.meta." ~ key ~ " sits beside config.meta.kpi, where it is ignored: indent it under kpi") }}
    {%- endfor -%}
    {%- for key in kpi.keys() if key not in allowed -%}
        {%- set suggestions = [] -%}
        {%- for candidate in allowed if candidate[0] == key[0] and (candidate | length - key | length) | abs <= 2 -%}
            {%- do suggestions.append(candidate) -%}
        {%- endfor -%}
        {{ kpi_error(metric, "unknown key '" ~ key ~ "' in config.meta.kpi"
            ~ (" (did you mean '" ~ suggestions[0] ~ "'?)" if suggestions else "")
            ~ "; allowed: " ~ allowed | join(', ')) }}
    {%- endfor -%}
    {%- for key in ['owner', 'unit', 'direction', 'cadence'] if key not in kpi -%}
        {{ kpi_error(metric, "config.meta.kpi." ~ key ~ " is required") }}
    {%- endfor -%}
    {%- set choices = {
        'unit': ['count', 'ratio', 'currency', 'minutes', 'hours', 'days', 'ms', 'score'],
        'direction': ['higher_is_better', 'lower_is_better'],
        'cadence': kpi_grains(),
    } -%}
    {%- for key, values in choices.items() if kpi[key] not in values -%}
        {{ kpi_error(metric, "config.meta.kpi." ~ key ~ " is '" ~ kpi[key] ~ "', expected one of " ~ values | join(', ')) }}
    {%- endfor -%}
    {%- for key in ['target', 'tolerance', 'warn_at', 'maturity_days'] if key in kpi and kpi[key] is not none and kpi[key] is not number -%}
        {{ kpi_error(metric, "config.meta.kpi." ~ key ~ " must be a number, got '" ~ kpi[key] ~ "'") }}
    {%- endfor -%}
    {#- display: how a ratio reads in reports, a percentage (shares, rates) or a plain number (LTV to CAC) -#}
    {%- if 'display' in kpi and kpi.display not in ['percent', 'number'] -%}
        {{ kpi_error(metric, "config.meta.kpi.display is '" ~ kpi.display ~ "', expected one of percent, number") }}
    {%- endif -%}
    {%- if 'range' in kpi and (kpi.range is string or kpi.range is not iterable or kpi.range | length != 2) -%}
        {{ kpi_error(metric, "config.meta.kpi.range must be [lowest, highest] (null for open)") }}
    {%- endif -%}
    {%- if 'tolerance' in kpi and 'warn_at' in kpi -%}
        {{ kpi_error(metric, "config.meta.kpi takes a tolerance or a warn_at band, not both") }}
    {%- endif -%}
    {%- set bounds = kpi_check_numbers(metric, kpi) -%}
    {%- set dimensions = kpi.get('dimensions', []) or [] -%}
    {%- if dimensions is string or dimensions is not iterable -%}
        {{ kpi_error(metric, "config.meta.kpi.dimensions must be a list like [user__platform]") }}
    {%- endif -%}
    {%- set short_names = [] -%}
    {%- for dimension in dimensions -%}
        {%- if '__' not in dimension -%}
            {{ kpi_error(metric, "dimension '" ~ dimension ~ "' must be written <entity>__<dimension>, e.g. user__platform") }}
        {%- endif -%}
        {%- set short = dimension.split('__')[-1] -%}
        {%- if short in short_names or short == 'all' -%}
            {{ kpi_error(metric, "dimension '" ~ dimension ~ "' has the same short name as another dimension of the metric") }}
        {%- endif -%}
        {%- do short_names.append(short) -%}
    {%- endfor -%}
    {{ return({
        'owner': kpi.owner, 'unit': kpi.unit, 'direction': kpi.direction, 'cadence': kpi.cadence,
        'target': kpi.get('target'), 'tolerance': kpi.get('tolerance'), 'warn_at': kpi.get('warn_at'),
        'maturity_days': kpi.get('maturity_days', 0) or 0, 'dimensions': dimensions,
        'display': kpi.get('display') or ('percent' if kpi.unit == 'ratio' else 'number'),
        'range': bounds,
    }) }}
{%- endmacro %}

{# Numbers in KPI metadata that cannot mean what they say: a negative maturity (a partial period
   marked complete), a negative tolerance, a range upside down, a target the KPI cannot reach or a
   warn_at band on the wrong side of the target (the near-target band silently gone). Returns the
   range it checked: the declared one, else the unit's. #}
{% macro kpi_check_numbers(metric, kpi) -%}
    {%- set maturity = kpi.get('maturity_days') -%}
    {%- if maturity is not none and (maturity < 0 or maturity != maturity | int) -%}
        {{ kpi_error(metric, "config.meta.kpi.maturity_days is " ~ maturity ~ ", expected a whole number of days, 0 or more") }}
    {%- endif -%}
    {%- if kpi.get('tolerance') is not none and kpi.tolerance < 0 -%}
        {{ kpi_error(metric, "config.meta.kpi.tolerance is " ~ kpi.tolerance ~ ", expected 0 or more (0.05 is a band of 5% of the target)") }}
    {%- endif -%}
    {#- a share of the target: `tolerance: 5` meant as 5% puts every value of a higher-is-better KPI near its
        target (none could be off target), and six times the target near one that is lower-is-better -#}
    {%- if kpi.get('tolerance') is not none and kpi.tolerance >= 1 -%}
        {{ kpi_error(metric, "config.meta.kpi.tolerance is " ~ kpi.tolerance ~ ", expected below 1: a share of the target "
            ~ "(0.05 is a band of 5%); give a band as a value with warn_at") }}
    {%- endif -%}
    {%- set bounds = kpi.get('range') or kpi_default_range(kpi.unit) -%}
    {%- for bound in bounds if bound is not none and bound is not number -%}
        {{ kpi_error(metric, "config.meta.kpi.range must be [lowest, highest], numbers or null (open), got " ~ bounds | tojson) }}
    {%- endfor -%}
    {%- set low, high = bounds -%}
    {%- if low is not none and high is not none and low >= high -%}
        {{ kpi_error(metric, "config.meta.kpi.range is [" ~ low ~ ", " ~ high ~ "]: the lowest value must come first") }}
    {%- endif -%}
    {%- set target = kpi.get('target') -%}
    {%- if target is not none and ((low is not none and target < low) or (high is not none and target > high)) -%}
        {{ kpi_error(metric, "config.meta.kpi.target " ~ target ~ " is outside the values the KPI can take, ["
            ~ ('null' if low is none else low) ~ ", " ~ ('null' if high is none else high) ~ "]"
            ~ (" (a ratio is a share: write 45% as 0.45)" if kpi.unit == 'ratio' and not kpi.get('range') else "")) }}
    {%- endif -%}
    {%- set warn_at = kpi.get('warn_at') -%}
    {%- if warn_at is not none -%}
        {%- if target is none -%}
            {{ kpi_error(metric, "config.meta.kpi.warn_at needs a target to be near") }}
        {%- elif (kpi.direction == 'higher_is_better' and warn_at > target) or (kpi.direction == 'lower_is_better' and warn_at < target) -%}
            {{ kpi_error(metric, "config.meta.kpi.warn_at " ~ warn_at ~ " is on the wrong side of the target " ~ target
                ~ ": " ~ kpi.direction ~ " needs it " ~ ("below" if kpi.direction == 'higher_is_better' else "above") ~ " the target") }}
        {%- endif -%}
    {%- endif -%}
    {{ return([low, high]) }}
{%- endmacro %}

{# The values a KPI can take unless config.meta.kpi.range says otherwise: a share 0..1, a count,
   amount or duration not negative (scorecard/okrs/catalog.py DEFAULT_RANGES reads specs the same way). #}
{% macro kpi_default_range(unit) -%}
    {%- if unit == 'ratio' -%}
        {{ return([0, 1]) }}
    {%- elif unit in ['count', 'currency', 'minutes', 'hours', 'days', 'ms'] -%}
        {{ return([0, none]) }}
    {%- endif -%}
    {{ return([none, none]) }}
{%- endmacro %}
