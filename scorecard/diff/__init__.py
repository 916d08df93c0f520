"""`scorecard diff` (in progress): what a change to metric definitions, models or OKR specs means.

So far: a git revision of the project extracted and parsed by dbt, with clear errors for unknown refs,
shallow clones and projects that do not parse (revisions); model SQL compared as syntax trees
(sql_changes); metric and semantic-model YAML compared field by field (field_changes); the changed nodes and
everything downstream of them, KPI models included (impact); goalpost checks on running key results
(goalposts). Value impact (scratch builds with state selection and --defer, KR scores under both
revisions), the output formats, the command and its GitHub workflow come next."""
