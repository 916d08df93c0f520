"""Data-quality checks: source freshness, dbt tests, Great Expectations suites and KPI anomalies,
gathered into one result per check and mapped through dbt lineage to the KPIs and key results
they vouch for."""
