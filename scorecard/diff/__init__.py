"""`scorecard diff` (in progress): what a change to metric definitions, models or OKR specs means.

So far: a git revision of the project extracted and parsed by dbt, with clear errors for unknown refs,
shallow clones and projects that do not parse (revisions); model SQL compared as syntax trees
(sql_changes); metric and semantic-model YAML compared field by field (field_changes); the changed nodes and
everything downstream of them, KPI models included (impact). Key results bound to the affected
metrics, value impact, goalpost checks, the output formats and the command itself come next."""
