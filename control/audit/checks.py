"""Checks on one record at a time: core-field rules, target lengths, text, time zones, files, devices.

:class:`RecordChecks` is built once per resource (its core rules, the target lengths that apply, the
tenant's time zone) and called for every staged record; it reports through the
:class:`~control.audit.findings.FindingSink`. Rules come from the contract (§3.3: the UI's rules, which
stored data may break):

* required core fields that are null or blank → ``missing_required``
* ``email`` / ``phone`` / ``url`` fields that are not → ``invalid_email`` / ``invalid_phone`` / ``invalid_url``
* enum values outside the list → ``unknown_picklist_value``
* text longer than ServiceTracker's maximum → ``overlong_value``; longer than the Salesforce target
  (:class:`~control.audit.limits.TargetLimits`, address keys included) → ``too_long_for_target``
* text beyond ASCII → ``non_ascii_text``; HTML in notes → ``html_in_notes`` (detail: html, script,
  malformed, html_in_text_note)
* ``created_at``/``updated_at`` written with an offset other than the tenant zone's at that instant →
  ``mixed_time_zones``
* attachments of 0 bytes / above 25 MB → ``empty_file`` / ``file_too_large``
* mobile devices with pending or conflicting offline changes → ``unsynced_mobile_device``
"""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from control.audit.findings import FindingKind, FindingSink, Reference
from control.audit.infer import is_email, is_phone, is_url
from control.audit.limits import TargetField
from control.servicetracker.contract import ResourceRules

__all__ = ["RecordChecks", "FILE_LIMIT_BYTES", "html_problem"]

FILE_LIMIT_BYTES = 25 * 1024 * 1024
_TAG = re.compile(r"</?(p|br|div|span|b|i|u|em|strong|ul|ol|li|a|table|tr|td|th|tbody|thead|font|img|script|"
                  r"style|h[1-6]|blockquote|pre|code|hr|html|body|head)\b[^<>]*>", re.IGNORECASE)
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_VALIDATORS = {"email": (is_email, FindingKind.INVALID_EMAIL), "phone": (is_phone, FindingKind.INVALID_PHONE),
               "url": (is_url, FindingKind.INVALID_URL)}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.broken = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.broken = True
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def html_problem(body: str, body_format: Any) -> str | None:
    """What kind of HTML a note holds (``None``: plain text)."""
    if body_format == "html" or _TAG.search(body):
        if re.search(r"<\s*script\b", body, re.IGNORECASE):
            return "script"
        parser = _Balance()
        try:
            parser.feed(body)
            parser.close()
        except Exception:  # noqa: BLE001 — html.parser is lenient; anything it chokes on is malformed
            return "malformed"
        if parser.broken or parser.stack:
            return "malformed"
        return "html" if body_format == "html" else "html_in_text_note"
    return None


class RecordChecks:
    def __init__(self, resource: str, rules: ResourceRules | None, targets: dict[str, TargetField],
                 time_zone: ZoneInfo | None, sink: FindingSink) -> None:
        self.resource = resource
        self.fields = [f for f in rules.fields if f.name not in ("id", "created_at", "updated_at", "custom_fields")] \
            if rules is not None else []
        self.targets = targets
        self.tz = time_zone
        self.sink = sink

    def _add(self, kind: FindingKind, rid: str, field: str | None = None, value: Any = None,
             detail: str | None = None) -> None:
        self.sink.add(kind, Reference(self.resource, rid, field, value, None, detail))

    def check(self, record: dict[str, Any]) -> None:
        rid = record["id"]
        for rule in self.fields:
            value = record.get(rule.name)
            if rule.required and (value is None or (isinstance(value, str) and not value.strip())):
                self._add(FindingKind.MISSING_REQUIRED, rid, rule.name, value)
            if isinstance(value, str) and value:
                self._text(rid, rule.name, rule.type, rule.max_length, rule.enum, value)
            elif isinstance(value, dict) and rule.type == "address":
                for key, sub in value.items():
                    if isinstance(sub, str):
                        self._target(rid, f"{rule.name}.{key}", sub)
        self._offsets(rid, record)
        if self.resource == "notes":
            body = record.get("body")
            if isinstance(body, str):
                problem = html_problem(body, record.get("body_format"))
                if problem:
                    self._add(FindingKind.HTML_IN_NOTES, rid, "body", None, problem)
        elif self.resource == "attachments":
            size = record.get("size_bytes")
            if size == 0:
                self._add(FindingKind.EMPTY_FILE, rid, "size_bytes", 0)
            elif isinstance(size, int) and size > FILE_LIMIT_BYTES:
                self._add(FindingKind.FILE_TOO_LARGE, rid, "size_bytes", size, f"{size / 1048576:.1f} MB")
        elif self.resource == "mobile_devices":
            status = record.get("sync_status")
            pending = record.get("pending_change_count") or 0
            if status in ("pending", "conflict") or pending > 0:
                self._add(FindingKind.UNSYNCED_MOBILE_DEVICE, rid, "sync_status", status,
                          f"{pending} change(s) not synced; technician {record.get('technician_id')}")

    def _text(self, rid: str, name: str, type_: str, max_length: int | None, enum: tuple[str, ...] | None,
              value: str) -> None:
        if type_ in _VALIDATORS and value.strip():
            valid, kind = _VALIDATORS[type_]
            if not valid(value.strip()):
                self._add(kind, rid, name, value)
        if type_ == "enum" and enum is not None and value not in enum:
            self._add(FindingKind.UNKNOWN_PICKLIST_VALUE, rid, name, value, "allowed: " + ", ".join(enum))
        if max_length is not None and len(value) > max_length:
            self._add(FindingKind.OVERLONG_VALUE, rid, name, len(value), f"{len(value)} > {max_length} characters")
        self._target(rid, name, value)
        if type_ in ("string", "text") and not value.isascii():
            self._add(FindingKind.NON_ASCII_TEXT, rid, name)

    def _target(self, rid: str, name: str, value: str) -> None:
        target = self.targets.get(name)
        if target is not None and len(value) > target.max_length:
            self._add(FindingKind.TOO_LONG_FOR_TARGET, rid, name, len(value),
                      f"{len(value)} > {target.max_length} characters of {target.target}")

    def _offsets(self, rid: str, record: dict[str, Any]) -> None:
        if self.tz is None:
            return
        for key in ("created_at", "updated_at"):
            text = record.get(key)
            try:
                instant = datetime.fromisoformat(text)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            expected = instant.astimezone(self.tz).utcoffset()
            if instant.utcoffset() != expected:
                self._add(FindingKind.MIXED_TIME_ZONES, rid, key, text,
                          f"offset {instant.strftime('%z')} where {self.tz.key} had {instant.astimezone(self.tz).strftime('%z')}")
                return
