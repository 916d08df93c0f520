"""The reports: reports/<as-of>/scorecard.{html,md,json} from the warehouse tables (see docs/outputs.md)."""

from scorecard.report.write import Written, reports_dir, write_reports

__all__ = ["Written", "reports_dir", "write_reports"]
