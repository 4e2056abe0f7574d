"""The ``urls`` maps of describes, rebased onto the org that serves them.

A schema keeps its describe ``urls`` as Salesforce wrote them (a recorded describe's own map, kept in
``ObjectSchema.extra["urls"]``) or as built from :func:`url_templates` for objects we author. Rendering
rebases every entry onto the serving org: ``/services/data/v48.0/sobjects/Account`` becomes
``{instance_path_prefix}/services/data/v{api_version}/sobjects/Account`` and UI templates
(``https://host/{ID}``) get the org's own origin. Which kinds of URL an object has (``listviews``,
``caseArticleSuggestions`` …) is a per-object fact, so it is kept rather than derived.

The global describe lists the same map without the UI templates and ``defaultValues``.
"""

from __future__ import annotations

from typing import Iterable, Mapping

__all__ = ["url_templates", "rebase_urls", "global_urls", "DEFAULT_URL_KINDS", "UI_URL_KINDS"]

_DATA = "/services/data/vXX.X"
_UI = "https://instance"
_TEMPLATES = {
    "compactLayouts": "{data}/sobjects/{name}/describe/compactLayouts",
    "rowTemplate": "{data}/sobjects/{name}/{{ID}}",
    "approvalLayouts": "{data}/sobjects/{name}/describe/approvalLayouts",
    "uiDetailTemplate": "{ui}/{{ID}}",
    "uiEditTemplate": "{ui}/{{ID}}/e",
    "defaultValues": "{data}/sobjects/{name}/defaultValues?recordTypeId&fields",
    "listviews": "{data}/sobjects/{name}/listviews",
    "describe": "{data}/sobjects/{name}/describe",
    "uiNewRecord": "{ui}/{prefix}/e",
    "quickActions": "{data}/sobjects/{name}/quickActions",
    "layouts": "{data}/sobjects/{name}/describe/layouts",
    "sobject": "{data}/sobjects/{name}",
    "namedLayouts": "{data}/sobjects/{name}/describe/namedLayouts/{{LayoutName}}",
    "passwordUtilities": "{data}/sobjects/{name}/{{ID}}/password",
}
DEFAULT_URL_KINDS = ("rowTemplate", "describe", "sobject")
UI_URL_KINDS = frozenset({"uiDetailTemplate", "uiEditTemplate", "uiNewRecord", "defaultValues"})


def url_templates(name: str, key_prefix: str | None, kinds: Iterable[str]) -> dict[str, str]:
    """A ``urls`` map for an object we author, for the given kinds of URL (see ``_TEMPLATES``)."""
    out = {}
    for kind in kinds:
        try:
            template = _TEMPLATES[kind]
        except KeyError:
            raise KeyError(f"unknown describe url kind {kind!r}; known: {', '.join(_TEMPLATES)}") from None
        out[kind] = template.format(data=_DATA, ui=_UI, name=name, prefix=key_prefix or "")
    return out


def _rebase(url: str, data_base: str, ui_base: str) -> str:
    if url.startswith("/services/data/"):
        parts = url.split("/", 4)  # '', 'services', 'data', 'vNN.N', rest
        return f"{data_base}/{parts[4]}" if len(parts) > 4 else data_base
    if url.startswith(("https://", "http://")):
        slash = url.find("/", url.find("//") + 2)
        return ui_base + (url[slash:] if slash >= 0 else "")
    return url


def rebase_urls(urls: Mapping[str, str], *, api_version: str, instance_path_prefix: str, instance_url: str) -> dict[str, str]:
    data_base = f"{instance_path_prefix}/services/data/v{api_version}"
    ui_base = f"{instance_url}{instance_path_prefix}"
    return {kind: _rebase(url, data_base, ui_base) for kind, url in urls.items()}


def global_urls(urls: Mapping[str, str]) -> dict[str, str]:
    return {kind: url for kind, url in urls.items() if kind not in UI_URL_KINDS}
