"""`scorecard diff` (in progress): what a change to metric definitions, models or OKR specs means.

So far: a git revision of the project extracted and parsed by dbt, with clear errors for unknown refs,
shallow clones and projects that do not parse (revisions); model SQL compared as syntax trees
(sql_changes); metric and semantic-model YAML compared field by field (field_changes). Lineage
impact, value impact, goalpost checks and the command itself come next."""
