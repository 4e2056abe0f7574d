"""Salesforce's describe JSON for an :class:`ObjectSchema`: ``GET /sobjects/X/describe`` and ``GET /sobjects``.

Layering is the same as for fields (:mod:`describe_fields`): object-level defaults, then the schema's
``extra`` (verbatim attributes of a recorded describe, or what our data files set), then the modelled
attributes. ``urls`` are rebased onto the serving org (:mod:`urls`), ``recordTypeInfos`` come from the
caller (:mod:`record_types`), ``childRelationships`` from the schema's linked child relationships.

Speed: the org runtime describes objects constantly (CumulusCI describes every object it loads, composite
describes with ``If-Modified-Since``…). Rendering the fields and child relationships of a schema is done
once per schema object and memoised in :class:`_DescribeMemo`, keyed by object identity; the memo holds a
reference to the schema, so an identity cannot be reused while its entry lives. Schemas are immutable, so
the memo is a pure cache: it can be dropped at any time without changing any result. A call after the
first costs a dict copy plus the record-type and URL maps.

The dicts returned share their nested lists with the memo: callers serialise them, they must not mutate
them (copy first). :func:`describe_sobject_json` returns ready-serialised bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Iterable

import orjson

from emulators.salesforce.catalog.describe_convert import OBJECT_MODEL_KEYS
from emulators.salesforce.catalog.describe_fields import render_child_relationship, render_field
from emulators.salesforce.catalog.record_types import RecordTypeInfo, render_record_type_infos
from emulators.salesforce.catalog.urls import DEFAULT_URL_KINDS, global_urls, rebase_urls, url_templates
from emulators.salesforce.schema.model import ObjectSchema

__all__ = ["describe_sobject", "describe_sobject_json", "describe_global", "DEFAULT_API_VERSION", "DEFAULT_INSTANCE_URL"]

DEFAULT_API_VERSION = "62.0"
DEFAULT_INSTANCE_URL = "https://127.0.0.1"
GLOBAL_MAX_BATCH_SIZE = 200

_OBJECT_DEFAULTS: dict[str, Any] = {
    "actionOverrides": [],
    "activateable": False,
    "associateEntityType": None,
    "associateParentEntity": None,
    "compactLayoutable": False,
    "customSetting": False,
    "deepCloneable": False,
    "defaultImplementation": None,
    "deprecatedAndHidden": False,
    "extendedBy": None,
    "extendsInterfaces": None,
    "hasSubtypes": False,
    "implementedBy": None,
    "implementsInterfaces": None,
    "isInterface": False,
    "isSubtype": False,
    "layoutable": False,
    "listviewable": None,
    "lookupLayoutable": None,
    "mruEnabled": False,
    "namedLayoutInfos": [],
    "networkScopeFieldName": None,
    "replicateable": True,
    "searchLayoutable": False,
    "sobjectDescribeOption": "FULL",
    "supportedScopes": [],
}
_GLOBAL_KEYS = (
    "activateable", "associateEntityType", "associateParentEntity", "createable", "custom", "customSetting",
    "deepCloneable", "deletable", "deprecatedAndHidden", "feedEnabled", "hasSubtypes", "isInterface", "isSubtype",
    "keyPrefix", "label", "labelPlural", "layoutable", "mergeable", "mruEnabled", "name", "queryable",
    "replicateable", "retrieveable", "searchable", "triggerable", "undeletable", "updateable",
)


def _object_core(schema: ObjectSchema) -> dict[str, Any]:
    """Everything of the describe except ``urls`` and ``recordTypeInfos`` (which depend on the request)."""
    out = dict(_OBJECT_DEFAULTS)
    for key, value in schema.extra.items():
        if key not in OBJECT_MODEL_KEYS and key != "urls":
            out[key] = value
    out.update(
        {
            "name": schema.name,
            "label": schema.label,
            "labelPlural": schema.label_plural,
            "keyPrefix": schema.key_prefix,
            "custom": schema.custom,
            "createable": schema.createable,
            "updateable": schema.updateable,
            "deletable": schema.deletable,
            "queryable": schema.queryable,
            "searchable": schema.searchable,
            "retrieveable": schema.retrieveable,
            "undeletable": schema.undeletable,
            "mergeable": schema.mergeable,
            "triggerable": schema.triggerable,
            "feedEnabled": schema.feed_enabled,
            "fields": [render_field(f) for f in schema.fields],
            "childRelationships": [render_child_relationship(r) for r in schema.child_relationships],
        }
    )
    return out


def _url_source(schema: ObjectSchema) -> dict[str, str]:
    urls = schema.extra.get("urls")
    if isinstance(urls, dict) and urls:
        return dict(urls)
    return url_templates(schema.name, schema.key_prefix, DEFAULT_URL_KINDS)


class _DescribeMemo:
    """Bounded identity-keyed memo of rendered describes (see the module docstring)."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[tuple[Any, ...], tuple[ObjectSchema, Any]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get_or_build(self, schema: ObjectSchema, key: tuple[Any, ...], build: Any) -> Any:
        full_key = (id(schema),) + key
        with self._lock:
            hit = self._entries.get(full_key)
            if hit is not None and hit[0] is schema:
                self._entries.move_to_end(full_key)
                return hit[1]
        value = build()
        with self._lock:
            self._entries[full_key] = (schema, value)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value


_MEMO = _DescribeMemo()


def _core(schema: ObjectSchema) -> dict[str, Any]:
    return _MEMO.get_or_build(schema, ("core",), lambda: _object_core(schema))


def _full(
    schema: ObjectSchema, record_types: tuple[RecordTypeInfo, ...], api_version: str, prefix: str, instance_url: str
) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        out = dict(_core(schema))
        data_base = f"{prefix}/services/data/v{api_version}"
        out["urls"] = rebase_urls(
            _url_source(schema), api_version=api_version, instance_path_prefix=prefix, instance_url=instance_url
        )
        out["recordTypeInfos"] = render_record_type_infos(schema, record_types, data_base)
        return dict(sorted(out.items()))

    return _MEMO.get_or_build(schema, ("full", record_types, api_version, prefix, instance_url), build)


def describe_sobject(
    schema: ObjectSchema,
    *,
    record_types: Iterable[RecordTypeInfo] = (),
    api_version: str = DEFAULT_API_VERSION,
    instance_path_prefix: str = "",
    instance_url: str = DEFAULT_INSTANCE_URL,
) -> dict[str, Any]:
    """The full ``GET /services/data/vNN.N/sobjects/{name}/describe`` body for ``schema``.

    ``instance_path_prefix`` is the path the org is served under ("" for an org at the server root);
    ``instance_url`` is the origin (``https://127.0.0.1:PORT``) used in the UI templates.
    ``api_version`` is ``"62.0"`` (a leading ``v`` is accepted). The result's nested values are shared with
    a memo: serialise it, do not mutate it.
    """
    version = api_version.removeprefix("v")
    return dict(_full(schema, tuple(record_types), version, instance_path_prefix, instance_url))


def describe_sobject_json(
    schema: ObjectSchema,
    *,
    record_types: Iterable[RecordTypeInfo] = (),
    api_version: str = DEFAULT_API_VERSION,
    instance_path_prefix: str = "",
    instance_url: str = DEFAULT_INSTANCE_URL,
) -> bytes:
    """:func:`describe_sobject` serialised to JSON bytes (memoised too)."""
    rts, version = tuple(record_types), api_version.removeprefix("v")
    key = ("json", rts, version, instance_path_prefix, instance_url)
    return _MEMO.get_or_build(
        schema, key, lambda: orjson.dumps(_full(schema, rts, version, instance_path_prefix, instance_url))
    )


def _global_entry(schema: ObjectSchema, api_version: str, prefix: str, instance_url: str) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        core = _core(schema)
        entry = {key: core[key] for key in _GLOBAL_KEYS}
        urls = rebase_urls(
            _url_source(schema), api_version=api_version, instance_path_prefix=prefix, instance_url=instance_url
        )
        entry["urls"] = global_urls(urls)
        return dict(sorted(entry.items()))

    return _MEMO.get_or_build(schema, ("global", api_version, prefix, instance_url), build)


def describe_global(
    schemas: Iterable[ObjectSchema],
    *,
    api_version: str = DEFAULT_API_VERSION,
    instance_path_prefix: str = "",
    instance_url: str = DEFAULT_INSTANCE_URL,
) -> dict[str, Any]:
    """The ``GET /services/data/vNN.N/sobjects`` body: every object, sorted by name."""
    ordered = sorted(schemas, key=lambda s: s.name.lower())
    api_version = api_version.removeprefix("v")
    return {
        "encoding": "UTF-8",
        "maxBatchSize": GLOBAL_MAX_BATCH_SIZE,
        "sobjects": [_global_entry(s, api_version, instance_path_prefix, instance_url) for s in ordered],
    }
