"""Human-readable reports (HTML via jinja2, autoescaped: tenant data may hold markup and scripts)."""

from control.reports.audit import render_audit_report
from control.reports.migration import render_migration_report

__all__ = ["render_audit_report", "render_migration_report"]
