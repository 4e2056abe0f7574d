"""Data-quality findings: the kinds, what each means for the load, and a sink that never fills memory.

Every finding names records: ``(resource, id, field, value, group, detail)``. Grouped findings
(duplicates, cycles, shared e-mails) give every member the same ``group`` so a reader sees them together.

:class:`FindingSink` keeps, per kind, the total count and the first ``keep`` references (for the JSON
specification and the HTML report) and streams **every** reference to ``findings.csv`` as it is found —
so a tenant with a million bad e-mails costs disk, not memory.

Severities::

    error    the record will be rejected or linked wrongly unless someone acts (fix, map or quarantine)
    warning  the record loads, but not as the tenant means it (truncation, case variants, lost bodies…)
    info     worth knowing when pre-building Salesforce (hierarchies, multi-site clients, offsets…)
"""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, NamedTuple

__all__ = ["Severity", "FindingKind", "KIND_INFO", "Reference", "FindingSink"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FindingKind(StrEnum):
    MISSING_REQUIRED = "missing_required"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_URL = "invalid_url"
    UNKNOWN_PICKLIST_VALUE = "unknown_picklist_value"
    OVERLONG_VALUE = "overlong_value"
    TOO_LONG_FOR_TARGET = "too_long_for_target"
    ORPHANED_REFERENCE = "orphaned_reference"
    DUPLICATE_RECORD = "duplicate_record"
    SHARED_EMAIL = "shared_email"
    CLIENT_HIERARCHY_CYCLE = "client_hierarchy_cycle"
    PROJECT_WORK_ORDER_CYCLE = "project_work_order_cycle"
    CLIENT_HIERARCHY = "client_hierarchy"
    MULTI_SITE_CLIENT = "multi_site_client"
    TECHNICIAN_WITHOUT_USER = "technician_without_user"
    HTML_IN_NOTES = "html_in_notes"
    NON_ASCII_TEXT = "non_ascii_text"
    MIXED_TIME_ZONES = "mixed_time_zones"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    FILE_MISSING = "file_missing"
    FILE_MISMATCH = "file_mismatch"
    CUSTOM_VALUE_MISMATCH = "custom_value_mismatch"
    PICKLIST_CASE_VARIANTS = "picklist_case_variants"
    UNSYNCED_MOBILE_DEVICE = "unsynced_mobile_device"


class KindInfo(NamedTuple):
    severity: Severity
    title: str
    action: str


KIND_INFO: dict[FindingKind, KindInfo] = {
    FindingKind.MISSING_REQUIRED: KindInfo(Severity.ERROR, "Required value missing",
        "Fill the value in ServiceTracker, give the map a default, or let the record be quarantined."),
    FindingKind.INVALID_EMAIL: KindInfo(Severity.ERROR, "Invalid e-mail address",
        "Salesforce rejects these (INVALID_EMAIL_ADDRESS): correct them, or map them to a text field."),
    FindingKind.INVALID_PHONE: KindInfo(Severity.WARNING, "Phone number that is not a phone number",
        "Phone fields accept any text, but these will not dial: correct them or accept them as notes."),
    FindingKind.INVALID_URL: KindInfo(Severity.WARNING, "Malformed URL", "Correct them or map to a text field."),
    FindingKind.UNKNOWN_PICKLIST_VALUE: KindInfo(Severity.ERROR, "Value outside the field's picklist",
        "Add the value to the Salesforce picklist, or map it to an existing value (value map)."),
    FindingKind.OVERLONG_VALUE: KindInfo(Severity.WARNING, "Longer than ServiceTracker's own limit",
        "Imported or legacy data: check the target field is long enough (see too_long_for_target)."),
    FindingKind.TOO_LONG_FOR_TARGET: KindInfo(Severity.ERROR, "Longer than the Salesforce target field",
        "Salesforce rejects these (STRING_TOO_LONG): lengthen a custom target, shorten the value, or truncate."),
    FindingKind.ORPHANED_REFERENCE: KindInfo(Severity.ERROR, "Reference to a record that does not exist",
        "The lookup cannot resolve: leave it empty, point it at a placeholder, or quarantine the record."),
    FindingKind.DUPLICATE_RECORD: KindInfo(Severity.WARNING, "Probable duplicate records",
        "Merge them in ServiceTracker before the migration, or load both knowingly."),
    FindingKind.SHARED_EMAIL: KindInfo(Severity.WARNING, "One e-mail address on several people",
        "Matching by e-mail (technician → user, duplicate rules) will be ambiguous: make them unique."),
    FindingKind.CLIENT_HIERARCHY_CYCLE: KindInfo(Severity.ERROR, "Client hierarchy loop",
        "Salesforce refuses an Account that is its own ancestor: break the loop in ServiceTracker."),
    FindingKind.PROJECT_WORK_ORDER_CYCLE: KindInfo(Severity.WARNING, "Project ↔ work order reference cycle",
        "Loaded in two passes: projects first without their lead work order, then updated (deferred lookup)."),
    FindingKind.CLIENT_HIERARCHY: KindInfo(Severity.INFO, "Client with a parent client",
        "Parents load before children (Account.ParentId); check the hierarchy is intended."),
    FindingKind.MULTI_SITE_CLIENT: KindInfo(Severity.INFO, "Client with several service locations",
        "One address fits on the Account; the others need the Site__c custom object."),
    FindingKind.TECHNICIAN_WITHOUT_USER: KindInfo(Severity.ERROR, "Technician without an active Salesforce user",
        "Create (or activate) the user, or assign the technician's records to the fallback owner."),
    FindingKind.HTML_IN_NOTES: KindInfo(Severity.WARNING, "HTML in a note",
        "Rich text needs a rich-text target; scripts are stripped; malformed HTML is shown as text."),
    FindingKind.NON_ASCII_TEXT: KindInfo(Severity.INFO, "Text beyond ASCII",
        "Loads fine as UTF-8; check any CSV tooling in between keeps UTF-8."),
    FindingKind.MIXED_TIME_ZONES: KindInfo(Severity.INFO, "Timestamps written in another time zone",
        "Instants are preserved exactly; only reports or formulas that read the local time are affected."),
    FindingKind.EMPTY_FILE: KindInfo(Severity.WARNING, "Empty attachment (0 bytes)",
        "Salesforce Files cannot hold an empty body: skip these or upload a placeholder."),
    FindingKind.FILE_TOO_LARGE: KindInfo(Severity.ERROR, "Attachment above 25 MB",
        "Above the default file limit of the migration plan: upload separately (multipart REST) or skip."),
    FindingKind.FILE_MISSING: KindInfo(Severity.ERROR, "Attachment body lost at the source",
        "ServiceTracker no longer has the file: recover it from a backup or migrate the record without it."),
    FindingKind.FILE_MISMATCH: KindInfo(Severity.WARNING, "Attachment body differs from its checksum",
        "The stored body is not the one the record describes: check it before it is uploaded."),
    FindingKind.CUSTOM_VALUE_MISMATCH: KindInfo(Severity.WARNING, "Custom-field value that does not fit its type",
        "Convert or clear these values, or choose a text target for the field."),
    FindingKind.PICKLIST_CASE_VARIANTS: KindInfo(Severity.WARNING, "Picklist values differing only in case",
        "Salesforce picklists are case-insensitive on load: map the variants to one value."),
    FindingKind.UNSYNCED_MOBILE_DEVICE: KindInfo(Severity.ERROR, "Mobile device with unsynced offline changes",
        "Have the technician sync the device before the final pass; its changes are invisible until then."),
}


class Reference(NamedTuple):
    resource: str
    id: str
    field: str | None = None
    value: Any = None
    group: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if v is not None}


_CSV_FIELDS = ("kind", "severity", "resource", "id", "field", "value", "group", "detail")


def _short(value: Any, limit: int = 200) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"… ({len(value)} characters)"
    return value


class FindingSink:
    """Collects findings: counts and a bounded sample in memory, every reference in a CSV file."""

    def __init__(self, csv_path: Path | None, *, keep: int = 1000) -> None:
        self.keep = keep
        self.counts: dict[FindingKind, int] = {}
        self.samples: dict[FindingKind, list[Reference]] = {}
        self._fh: IO[str] | None = None
        self._writer: Any = None
        if csv_path is not None:
            csv_path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = csv_path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(_CSV_FIELDS)

    def add(self, kind: FindingKind, ref: Reference) -> None:
        ref = ref._replace(value=_short(ref.value))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        sample = self.samples.setdefault(kind, [])
        if len(sample) < self.keep:
            sample.append(ref)
        if self._writer is not None:
            value = ref.value if isinstance(ref.value, str) or ref.value is None else repr(ref.value)
            self._writer.writerow((str(kind), str(KIND_INFO[kind].severity), ref.resource, ref.id, ref.field or "",
                                   value if value is not None else "", ref.group or "", ref.detail or ""))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def summary(self) -> list[dict[str, Any]]:
        """Findings for the specification: kinds by severity then count, each with its first references."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        kinds = sorted(self.counts, key=lambda k: (order[KIND_INFO[k].severity], -self.counts[k], str(k)))
        out = []
        for kind in kinds:
            info = KIND_INFO[kind]
            resources: dict[str, int] = {}
            for ref in self.samples[kind]:
                resources[ref.resource] = resources.get(ref.resource, 0) + 1
            out.append({"kind": str(kind), "severity": str(info.severity), "title": info.title, "action": info.action,
                        "count": self.counts[kind], "shown": len(self.samples[kind]),
                        "records": [r.as_dict() for r in self.samples[kind]]})
        return out
