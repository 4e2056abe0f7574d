"""The defects real tenants have, planted at configurable rates and recorded in ``defects.json``.

Each :class:`DefectKind` has a default rate: the probability that an *eligible* record carries it
(eligibility is per kind — e.g. ``invalid_email`` applies to records with an e-mail field). A kind
with a rate above zero is planted at least once when any eligible record exists, so a small test
tenant still exercises every defect. Rate 0 disables a kind.

Manifest entries are streamed to one temporary JSON Lines file per kind while records are written,
then assembled into ``defects.json``::

    {"format": 1, "generator": {...seed, records, rates...},
     "counts": {kind: n},
     "defects": {kind: [{"resource": …, "id": …, "field"?: …, …}, …]},
     "custom_fields": {resource: {key: kind}},
     "structures": {...}}

so memory stays flat however many records carry defects.
"""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Mapping

import orjson

__all__ = ["DefectKind", "DEFAULT_RATES", "DefectLog", "parse_rates"]


class DefectKind(StrEnum):
    DUPLICATE_CLIENT = "duplicate_client"
    CLIENT_HIERARCHY = "client_hierarchy"
    CLIENT_HIERARCHY_CYCLE = "client_hierarchy_cycle"
    MULTI_SITE_CLIENT = "multi_site_client"
    INVALID_EMAIL = "invalid_email"
    SHARED_EMAIL = "shared_email"
    TECHNICIAN_WITHOUT_USER = "technician_without_user"
    MISSING_REQUIRED = "missing_required"
    OVERLONG_STRING = "overlong_string"
    UNKNOWN_PICKLIST_VALUE = "unknown_picklist_value"
    ORPHANED_REFERENCE = "orphaned_reference"
    PROJECT_WORK_ORDER_CYCLE = "project_work_order_cycle"
    NON_ASCII_TEXT = "non_ascii_text"
    HTML_IN_NOTES = "html_in_notes"
    MIXED_TIME_ZONES = "mixed_time_zones"
    ZERO_BYTE_ATTACHMENT = "zero_byte_attachment"
    OVERSIZE_ATTACHMENT = "oversize_attachment"
    ATTACHMENT_BODY_MISSING = "attachment_body_missing"
    UNSYNCED_MOBILE_DEVICE = "unsynced_mobile_device"


DEFAULT_RATES: dict[DefectKind, float] = {
    DefectKind.DUPLICATE_CLIENT: 0.02,
    DefectKind.CLIENT_HIERARCHY: 0.06,
    DefectKind.CLIENT_HIERARCHY_CYCLE: 0.002,
    DefectKind.MULTI_SITE_CLIENT: 0.3,
    DefectKind.INVALID_EMAIL: 0.01,
    DefectKind.SHARED_EMAIL: 0.01,
    DefectKind.TECHNICIAN_WITHOUT_USER: 0.15,
    DefectKind.MISSING_REQUIRED: 0.01,
    DefectKind.OVERLONG_STRING: 0.005,
    DefectKind.UNKNOWN_PICKLIST_VALUE: 0.01,
    DefectKind.ORPHANED_REFERENCE: 0.005,
    DefectKind.PROJECT_WORK_ORDER_CYCLE: 0.6,
    DefectKind.NON_ASCII_TEXT: 0.03,
    DefectKind.HTML_IN_NOTES: 0.25,
    DefectKind.MIXED_TIME_ZONES: 0.05,
    DefectKind.ZERO_BYTE_ATTACHMENT: 0.005,
    DefectKind.OVERSIZE_ATTACHMENT: 0.0,  # counted, not a rate: --large-attachments N (default 1)
    DefectKind.ATTACHMENT_BODY_MISSING: 0.002,
    DefectKind.UNSYNCED_MOBILE_DEVICE: 0.15,
}


def parse_rates(pairs: list[str], *, none: bool = False) -> dict[DefectKind, float]:
    """Rates from ``KIND=RATE`` pairs over the defaults (or over all-zero with ``none``); ValueError if bad."""
    rates = {kind: 0.0 for kind in DefectKind} if none else dict(DEFAULT_RATES)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            kind = DefectKind(name.strip())
        except ValueError:
            raise ValueError(f"unknown defect {name!r}; known: {', '.join(DefectKind)}") from None
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not sep or not 0.0 <= rate <= 1.0:
            raise ValueError(f"--defect-rate {pair!r}: write KIND=RATE with RATE from 0 to 1")
        rates[kind] = rate
    return rates


class DefectLog:
    """Streams manifest entries to per-kind temporary files; :meth:`finish` writes ``defects.json``."""

    def __init__(self, work_dir: Path, rates: Mapping[DefectKind, float]) -> None:
        self.rates = dict(rates)
        self._dir = work_dir
        self._dir.mkdir(parents=True, exist_ok=True)
        self._files: dict[DefectKind, IO[bytes]] = {}
        self.counts: dict[DefectKind, int] = {kind: 0 for kind in DefectKind}
        self._seen: dict[DefectKind, int] = {kind: 0 for kind in DefectKind}

    def hit(self, kind: DefectKind, draw: float) -> bool:
        """Should this eligible record carry ``kind``? ``draw`` is the caller's uniform [0, 1) number."""
        rate = self.rates.get(kind, 0.0)
        self._seen[kind] += 1
        if rate <= 0.0:
            return False
        return draw < rate or self.counts[kind] == 0

    def add(self, kind: DefectKind, entry: dict[str, Any]) -> None:
        handle = self._files.get(kind)
        if handle is None:
            handle = self._files[kind] = (self._dir / f"{kind}.jsonl").open("wb")
        handle.write(orjson.dumps(entry) + b"\n")
        self.counts[kind] += 1

    def finish(self, path: Path, header: dict[str, Any], custom_fields: dict[str, dict[str, str]],
               structures: dict[str, Any]) -> None:
        for handle in self._files.values():
            handle.close()
        with path.open("wb") as out:
            out.write(b'{"format":1,"generator":' + orjson.dumps(header))
            out.write(b',"counts":' + orjson.dumps({str(k): v for k, v in self.counts.items()}))
            out.write(b',"defects":{')
            for index, kind in enumerate(DefectKind):
                out.write((b"," if index else b"") + orjson.dumps(str(kind)) + b":[")
                part = self._dir / f"{kind}.jsonl"
                if part.is_file():
                    with part.open("rb") as fh:
                        first = True
                        for line in fh:
                            out.write((b"" if first else b",") + line.rstrip(b"\n"))
                            first = False
                out.write(b"]")
            out.write(b'},"custom_fields":' + orjson.dumps(custom_fields, option=orjson.OPT_SORT_KEYS))
            out.write(b',"structures":' + orjson.dumps(structures) + b"}\n")
        shutil.rmtree(self._dir, ignore_errors=True)
