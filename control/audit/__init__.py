"""The audit: staging → the migration specification an admin uses to pre-build Salesforce.

Public API::

    result = audit(settings, limits=TargetLimits.default(), users=UserDirectory.from_file(path))
    result.spec_path, result.report_path, result.findings_path, result.grade, result.cutover_blocked

See :mod:`control.audit.run` for the flow and docs/extract-and-audit.md for how to read the result.
"""

from control.audit.findings import FindingKind, Severity
from control.audit.infer import Kind
from control.audit.limits import TargetField, TargetLimits
from control.audit.people import UserDirectory
from control.audit.run import AuditResult, audit

__all__ = ["AuditResult", "FindingKind", "Kind", "Severity", "TargetField", "TargetLimits", "UserDirectory", "audit"]
