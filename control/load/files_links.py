"""ContentDocumentLinks: each uploaded file linked to the records it was attached to in ServiceTracker.

For a batch of files whose ContentDocument is known, :func:`create_links`

1. resolves each link's ``ContentDocumentId`` (the local id of its file's row → that file's document)
   and ``LinkedEntityId`` (a loaded row's local id → its Salesforce Id, through ``resolve``); a link whose
   parent was not loaded is reported (``parent_not_loaded``) and not sent;
2. asks the org which of those documents are already linked to those records (``ContentDocumentLink``
   queried by ``ContentDocumentId IN (…)``, the filter Salesforce requires) and leaves them alone;
3. creates the rest in sObject Collections of 200 (``allOrNone`` false); a ``DUPLICATE_VALUE`` answer
   for a link that was not there when asked means a retried call whose first reply was lost stored it:
   its Id is looked up and it counts as created by this run (so the ledger has it).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from control.load.files_http import FilesApi

__all__ = ["LinkTask", "LinkResults", "create_links", "COLLECTION_SIZE"]

COLLECTION_SIZE = 200
_SF_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


class LinkTask(NamedTuple):
    entry: Mapping[str, Any]  # the file's files.jsonl entry
    link: Mapping[str, Any]  # one of its links: {table, local_id, values}


class LinkResults(NamedTuple):
    created: list[tuple[LinkTask, str]]  # (task, new ContentDocumentLink Id)
    existing: list[LinkTask]
    failed: list[tuple[LinkTask, str, str, tuple[str, ...]]]  # (task, code, message, fields)


def _key(document_id: str, entity_id: str) -> tuple[str, str]:
    return document_id[:15], entity_id[:15]


def create_links(api: FilesApi, tasks: Sequence[LinkTask], documents: Mapping[str, str],
                 resolve: Callable[[Sequence[str]], Mapping[str, str]]) -> LinkResults:
    """Link ``tasks``; ``documents`` maps a file row's local id to its ContentDocumentId."""
    results = LinkResults([], [], [])
    if not tasks:
        return results
    parents = [str(t.link["values"].get("LinkedEntityId") or "") for t in tasks]
    resolved = dict(resolve([p for p in dict.fromkeys(parents) if p and not _SF_ID.match(p)]))
    ready: list[tuple[LinkTask, dict[str, Any]]] = []
    for task, parent in zip(tasks, parents):
        values = task.link["values"]
        document = documents.get(str(values.get("ContentDocumentId") or ""))
        entity = resolved.get(parent) or (parent if _SF_ID.match(parent) else None)
        if document is None:
            results.failed.append((task, "file_not_uploaded", "the file this link names is not in the org",
                                   ("ContentDocumentId",)))
            continue
        if entity is None:
            results.failed.append((task, "parent_not_loaded",
                                   f"the record {parent!r} the file was attached to was not loaded", ("LinkedEntityId",)))
            continue
        record = {k: v for k, v in values.items() if v is not None}
        record.update(ContentDocumentId=document, LinkedEntityId=entity)
        ready.append((task, record))
    present = {
        _key(str(r["ContentDocumentId"]), str(r["LinkedEntityId"]))
        for r in api.query_in("ContentDocumentId, LinkedEntityId", "ContentDocumentLink", "ContentDocumentId",
                              [rec["ContentDocumentId"] for _, rec in ready])
    }
    fresh: list[tuple[LinkTask, dict[str, Any]]] = []
    for task, record in ready:
        key = _key(record["ContentDocumentId"], record["LinkedEntityId"])
        if key in present:
            results.existing.append(task)
        else:
            present.add(key)  # the same pair twice in the data is one link
            fresh.append((task, record))
    lost: list[tuple[LinkTask, dict[str, Any]]] = []
    record_of = {id(task): record for task, record in fresh}
    for start in range(0, len(fresh), COLLECTION_SIZE):
        chunk = fresh[start:start + COLLECTION_SIZE]
        payload = {"allOrNone": False,
                   "records": [{"attributes": {"type": "ContentDocumentLink"}, **rec} for _, rec in chunk]}
        answers = api.json("POST", "composite/sobjects", payload)
        for (task, _), answer in zip(chunk, answers):
            if answer.get("success"):
                results.created.append((task, str(answer["id"])))
                continue
            error = (answer.get("errors") or [{}])[0]
            code = str(error.get("statusCode") or "UNKNOWN")
            if code == "DUPLICATE_VALUE":
                lost.append((task, record_of[id(task)]))
            else:
                results.failed.append((task, code, str(error.get("message") or ""), tuple(error.get("fields") or ())))
    if lost:
        # not there when asked above, there now: made by a try whose reply was lost — ours, so record it
        made = {
            _key(str(r["ContentDocumentId"]), str(r["LinkedEntityId"])): str(r["Id"])
            for r in api.query_in("Id, ContentDocumentId, LinkedEntityId", "ContentDocumentLink", "ContentDocumentId",
                                  [rec["ContentDocumentId"] for _, rec in lost])
        }
        for task, record in lost:
            link_id = made.get(_key(record["ContentDocumentId"], record["LinkedEntityId"]))
            if link_id:
                results.created.append((task, link_id))
            else:
                results.existing.append(task)
    return results
