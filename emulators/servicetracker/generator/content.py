"""Notes (plain and HTML), attachments with their bodies, activities, and custom tables with their rows.

Attachment bodies are few and shared: a pool of small deterministic files stored once under
``files/<sha256>`` (the same PDF manual is attached to many work orders in real tenants), plus
planted edge cases — empty files, files whose body is lost, and over-25 MB files written as
*sparse* files (``truncate``: they occupy almost no disk) under ``files/<attachment id>``.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from emulators.servicetracker.generator import vocab
from emulators.servicetracker.generator.context import Context, record_id
from emulators.servicetracker.generator.customfields import TABLE_COLUMNS, TABLES, custom_values
from emulators.servicetracker.generator.defects import DefectKind
from emulators.servicetracker.generator.plant import Orphans

__all__ = ["notes", "attachments", "activities", "custom_tables", "OVERSIZE_BYTES"]

OVERSIZE_BYTES = 26 * 1024 * 1024 + 4096  # just over Salesforce's 25 MB per-file limit
_BODY_POOL = 64


def _text_note(rng: random.Random) -> str:
    component = rng.choice(vocab.COMPONENTS)
    finding = rng.choice(vocab.NOTE_FINDINGS).format(component=component, n=rng.randint(20, 480))
    action = rng.choice(vocab.NOTE_ACTIONS).format(component=component)
    return f"Arrived on site; {finding}. {action}"


def _html_note(rng: random.Random) -> tuple[str, str, str]:
    """(variant, body_format, body)."""
    component = rng.choice(vocab.COMPONENTS)
    variant = rng.choice(("html", "html", "malformed_html", "script", "html_in_text_note"))
    if variant == "html":
        body = (f"<p>Checked the <b>{component}</b>.</p><ul><li>Readings within spec</li>"
                f"<li>Customer signed off &amp; paid on site</li></ul>")
        return variant, "html", body
    if variant == "malformed_html":
        return variant, "html", f"<p>Customer approved <b>quote #{rng.randint(1000, 9999)}</p><p>Replace {component}"
    if variant == "script":
        return variant, "html", f"<p>See photos.</p><script>alert('{component}')</script><p style=\"color:red\">Urgent</p>"
    body = (f"<div style=\"font-family:Calibri\">From: dispatch@example.com<br>Subject: RE: {component}<br><br>"
            f"Please schedule ASAP.&nbsp;Thanks</div>")
    return variant, "text", body


def notes(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("notes")
    log = ctx.log
    n_wo = ctx.counts["work_orders"]
    wo_tech, wo_created = ctx.columns["wo_tech"], ctx.columns["wo_created"]
    others = (("clients", "cl"), ("assets", "as"), ("contracts", "co"), ("projects", "pr"))
    out = ctx.writer("notes")
    for n in range(1, count + 1):
        rid = record_id("no", n)
        if rng.random() < 0.8:
            w = rng.randrange(n_wo)
            parent_resource, parent_id, author, lo = "work_orders", record_id("wo", w + 1), wo_tech[w], wo_created[w]
        else:
            parent_resource, pfx = rng.choice(others)
            parent_id = record_id(pfx, rng.randint(1, ctx.counts[parent_resource]))
            author, lo = -1, None
        created, created_at, updated_at = ctx.timestamps(rng, "notes", rid, lo, None if lo is None else lo + 20 * 86_400)
        body_format, body = "text", _text_note(rng)
        if log.hit(DefectKind.HTML_IN_NOTES, rng.random()):
            variant, body_format, body = _html_note(rng)
            log.add(DefectKind.HTML_IN_NOTES, {"resource": "notes", "id": rid, "variant": variant})
        if log.hit(DefectKind.NON_ASCII_TEXT, rng.random()):
            body += rng.choice(vocab.EMOJI_SNIPPETS)
            log.add(DefectKind.NON_ASCII_TEXT, {"resource": "notes", "id": rid, "field": "body"})
        if author <= 0:
            active = ctx.columns["active_techs"]
            author = active[rng.randrange(len(active))] + 1
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
            "parent_resource": parent_resource, "parent_id": parent_id, "author_technician_id": record_id("te", author),
            "body": body, "body_format": body_format, "visibility": rng.choice(("internal", "internal", "client_visible")),
        }
        prefix = {"work_orders": "wo", "clients": "cl", "assets": "as", "contracts": "co", "projects": "pr"}[parent_resource]
        orphans.maybe(rng, "notes", record, "parent_id", parent_resource, prefix)
        out.write(record)
    out.close()
    ctx.counts["notes"] = count


def _body_pool(ctx: Context, files: Path) -> list[tuple[str, int, str]]:
    """Small deterministic bodies written once each: (extension, size, sha256)."""
    rng = ctx.rng("attachment-bodies")
    pool = []
    for i in range(_BODY_POOL):
        ext = vocab.FILE_KINDS[i % len(vocab.FILE_KINDS)][0]
        size = rng.randint(200, 48_000)
        header = {"jpg": b"\xff\xd8\xff\xe0", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-1.7\n"}.get(ext, b"")
        data = header + rng.randbytes(size - len(header))
        digest = hashlib.sha256(data).hexdigest()
        (files / digest).write_bytes(data)
        pool.append((ext, size, digest))
    return pool


def _zeros_sha256(size: int) -> str:
    digest = hashlib.sha256()
    chunk = bytes(1 << 20)
    remaining = size
    while remaining:
        step = min(remaining, len(chunk))
        digest.update(chunk[:step])
        remaining -= step
    return digest.hexdigest()


def attachments(ctx: Context, count: int, large: int) -> None:
    rng = ctx.rng("attachments")
    log = ctx.log
    files = ctx.out / "files"
    files.mkdir(parents=True, exist_ok=True)
    pool = _body_pool(ctx, files)
    empty = hashlib.sha256(b"").hexdigest()
    (files / empty).write_bytes(b"")
    n_wo = ctx.counts["work_orders"]
    wo_tech, wo_created = ctx.columns["wo_tech"], ctx.columns["wo_created"]
    large_at = set(rng.sample(range(1, count + 1), min(large, count)))
    out = ctx.writer("attachments")
    for n in range(1, count + 1):
        rid = record_id("at", n)
        if rng.random() < 0.8:
            w = rng.randrange(n_wo)
            parent_resource, parent_id, uploader, lo = "work_orders", record_id("wo", w + 1), wo_tech[w], wo_created[w]
        else:
            parent_resource, pfx = rng.choice((("contracts", "co"), ("assets", "as"), ("clients", "cl")))
            parent_id = record_id(pfx, rng.randint(1, ctx.counts[parent_resource]))
            uploader, lo = -1, None
        created, created_at, updated_at = ctx.timestamps(rng, "attachments", rid, lo, None if lo is None else lo + 10 * 86_400)
        ext, size, digest = pool[rng.randrange(len(pool))]
        kinds = [k for k in vocab.FILE_KINDS if k[0] == ext]
        _, content_type, pattern = rng.choice(kinds)
        file_name = pattern.format(n=rng.randint(1000, 9999))
        if n in large_at:
            size, content_type, file_name = OVERSIZE_BYTES, "video/mp4", f"site-walkthrough-{n}.mp4"
            with (files / rid).open("wb") as fh:
                fh.truncate(size)  # sparse: no blocks on disk for the zeros
            digest = _zeros_sha256(size)
            log.add(DefectKind.OVERSIZE_ATTACHMENT, {"resource": "attachments", "id": rid, "size_bytes": size})
        elif log.hit(DefectKind.ZERO_BYTE_ATTACHMENT, rng.random()):
            size, digest = 0, empty
            log.add(DefectKind.ZERO_BYTE_ATTACHMENT, {"resource": "attachments", "id": rid})
        elif log.hit(DefectKind.ATTACHMENT_BODY_MISSING, rng.random()):
            digest = hashlib.sha256(f"lost:{ctx.seed}:{rid}".encode()).hexdigest()
            log.add(DefectKind.ATTACHMENT_BODY_MISSING, {"resource": "attachments", "id": rid, "sha256": digest})
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
            "parent_resource": parent_resource, "parent_id": parent_id, "file_name": file_name,
            "content_type": content_type, "size_bytes": size, "sha256": digest,
            "description": rng.choice((None, "Before photo", "After photo", "Signed work order", "Nameplate")),
            "uploaded_by_technician_id": record_id("te", uploader) if uploader > 0 else None,
        }
        out.write(record)
    out.close()
    ctx.counts["attachments"] = count


def activities(ctx: Context, count: int) -> None:
    rng = ctx.rng("activities")
    n_clients = ctx.counts["clients"]
    ct_start = ctx.columns["ct_start"]
    n_wo = ctx.counts["work_orders"]
    out = ctx.writer("activities")
    for n in range(1, count + 1):
        rid = record_id("ac", n)
        created, created_at, updated_at = ctx.timestamps(rng, "activities", rid)
        c = rng.randrange(n_clients)
        lo, hi = ct_start[c], ct_start[c + 1]
        contact = record_id("cc", rng.randint(lo + 1, hi)) if hi > lo else None
        kind = rng.choice(("call", "call", "email", "email", "meeting"))
        topic = rng.choice(vocab.ACTIVITY_TOPICS)
        first, last = ctx.person(rng)
        active = ctx.columns["active_techs"]
        owner = active[rng.randrange(len(active))] + 1
        subject = {"call": f"Call re: {topic}", "email": f"RE: {topic.capitalize()}",
                   "meeting": f"Site meeting: {topic}"}[kind]
        participants = [{"name": f"{first} {last}", "email": None, "kind": "contact" if contact else "external"},
                        {"name": None, "email": None, "kind": "technician"}]
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
            "type": kind, "subject": subject,
            "direction": {"meeting": "internal"}.get(kind, rng.choice(("inbound", "outbound"))),
            "started_at": ctx.stamp(created - rng.randint(0, 3600)),
            "duration_minutes": {"call": rng.randint(1, 45), "email": None, "meeting": rng.choice((30, 60, 90))}[kind],
            "client_id": record_id("cl", c + 1), "contact_id": contact,
            "work_order_id": record_id("wo", rng.randint(1, n_wo)) if rng.random() < 0.3 else None,
            "owner_technician_id": record_id("te", owner), "participants": participants,
            "body": f"Discussed {topic}." if rng.random() < 0.6 else None,
            "outcome": rng.choice(("completed", "completed", "no_answer", "left_voicemail", "scheduled", "cancelled")),
        }
        out.write(record)
    out.close()
    ctx.counts["activities"] = count


def custom_tables(ctx: Context, row_counts: dict[str, int]) -> None:
    rng = ctx.rng("custom_tables")
    out = ctx.writer("custom_tables")
    for key, name, description, parent in TABLES:
        created, created_at, updated_at = ctx.timestamps(rng, "custom_tables", key)
        out.write({"id": key, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
                   "key": key, "name": name, "description": description, "parent_resource": parent, "active": True})
    out.close()
    ctx.counts["custom_tables"] = len(TABLES)
    prefixes = {"inspection_forms": "if", "signature_records": "sr", "equipment_logs": "el"}
    for key, _, _, parent in TABLES:
        resource = f"custom_tables/{key}/rows"
        rows_rng = ctx.rng(resource)
        writer = ctx.writer(f"custom_tables/{key}")
        parent_prefix, parent_count = ("wo", ctx.counts["work_orders"]) if parent == "work_orders" else ("as", ctx.counts["assets"])
        for n in range(1, row_counts[resource] + 1):
            rid = record_id(prefixes[key], n)
            created, created_at, updated_at = ctx.timestamps(rows_rng, resource, rid)
            writer.write({"id": rid, "created_at": created_at, "updated_at": updated_at,
                          "custom_fields": custom_values(TABLE_COLUMNS[key], rows_rng, ctx, created),
                          "table_key": key, "parent_resource": parent,
                          "parent_id": record_id(parent_prefix, rows_rng.randint(1, parent_count))})
        writer.close()
        ctx.counts[resource] = row_counts[resource]
