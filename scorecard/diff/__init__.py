"""`scorecard diff` (in progress): what a change to metric definitions, models or OKR specs means.

So far: model SQL compared as syntax trees (sql_changes) and metric / semantic-model YAML compared
field by field (field_changes). Reading two revisions' manifests, lineage, value impact and the
command itself come next."""
