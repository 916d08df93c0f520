"""Scorecard: KPIs and OKRs as code, computed in the warehouse by dbt."""

__version__ = "0.1.0"
