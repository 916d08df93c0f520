"""`scorecard diff`: what a change to metric definitions, models or OKR specs means, before it merges.

revisions (git refs and checkouts), sides (each revision parsed and built by dbt into its own scratch
database), impact (lineage), sql_changes and field_changes (definitions compared in meaning), values
(kpi_values compared), scores (key results scored under a revision), goalposts (running key results),
compare (the whole diff), model and markdown (its JSON and its pull-request comment)."""
