"""The reports: reports/<as-of>/scorecard.{html,md,json} from the warehouse tables (see docs/outputs.md)."""

from scorecard.report.write import Written, write_reports

__all__ = ["Written", "write_reports"]
