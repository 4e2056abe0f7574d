"""Custom tabs (``tabs/X.tab``): what a deploy checks and keeps, and the TabDefinition rows they make.

Salesforce's rules for a ``CustomTab``:

* exactly one of ``customObject`` (true), ``url``, ``page``, ``flexiPage``, ``lwcComponent``,
  ``auraComponent``, ``scontrol`` says what the tab shows;
* a **custom object tab** is named after its object (``tabs/Site__c.tab`` shows ``Site__c``): the name
  must be an existing custom object's API name (or one created by the same deploy);
* every tab needs a ``motif`` (its tab style, ``CustomNN: Name`` — ``Custom67: Gears``); a web (url)
  tab also needs a ``label``.

The emulator deploys custom object tabs and web tabs; tabs that show a Visualforce page, Lightning
page or component (which the emulator does not have) are refused with a problem that says so.

A deployed tab is kept for retrieve / listMetadata / readMetadata, and the org's ``TabDefinition``
gets a row (``Name``, ``Label``, ``IsCustom`` true, ``SobjectName`` for object tabs) — CumulusCI's data
load asks ``TabDefinition`` which custom objects have tabs before it marks records recently viewed.
Permission sets may name deployed tabs (and standard ones, ``standard-Account``) in ``tabSettings``.
"""

from __future__ import annotations

import re

from lxml import etree

from emulators.salesforce.metadata.context import DeployContext, DeployProblem
from emulators.salesforce.metadata.package import ComponentFile
from emulators.salesforce.metadata.processes import _find
from emulators.salesforce.metadata.xmlread import flag, text

__all__ = ["deploy_tab", "tab_exists", "TAB_TARGETS"]

# what a tab can show: exactly one of these is set
TAB_TARGETS = ("customObject", "url", "page", "flexiPage", "lwcComponent", "auraComponent", "scontrol")
_UNSUPPORTED = {"page": "a Visualforce page", "flexiPage": "a Lightning page", "lwcComponent": "a Lightning web component",
                "auraComponent": "an Aura component", "scontrol": "an s-control"}
_MOTIF = re.compile(r"^Custom([1-9][0-9]?|100): \S.*$")


def _target(root: etree._Element) -> str:
    present = [name for name in TAB_TARGETS
               if (flag(root, name) if name == "customObject" else bool(text(root, name)))]
    if len(present) != 1:
        listed = ", ".join(TAB_TARGETS)
        found = ", ".join(present) if present else "none"
        raise DeployProblem(f"A custom tab must set exactly one of {listed} (this one sets {found})", root.sourceline)
    return present[0]


def deploy_tab(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("CustomTab", file.full_name, file.path, root.sourceline) as record:
        target = _target(root)
        if target in _UNSUPPORTED:
            raise DeployProblem(f"The org emulator deploys custom object tabs and web (url) tabs; this tab shows "
                                f"{_UNSUPPORTED[target]}, which the emulator does not have", root.sourceline)
        motif = text(root, "motif")
        if not motif:
            raise DeployProblem("A custom tab needs a motif (its tab style, for example 'Custom67: Gears')",
                                root.sourceline)
        if not _MOTIF.match(motif):
            raise DeployProblem(f"Invalid motif '{motif}': a tab style is 'CustomNN: Name' with NN from 1 to 100 "
                                "(for example 'Custom67: Gears')", root.sourceline)
        if target == "customObject":
            plan = ctx.org.schemas.plan(file.full_name)
            if plan is None or not plan.schema.custom or not file.full_name.endswith("__c"):
                raise DeployProblem(
                    f"Cannot find the custom object {file.full_name} of this tab: a custom object tab is named after "
                    "its object's API name (tabs/Invoice__c.tab shows Invoice__c), and the object must exist or be "
                    "in the same deploy", root.sourceline)
            name, label, sobject = plan.name, plan.schema.label_plural, plan.name
        else:
            label = text(root, "label")
            if not label:
                raise DeployProblem("A web tab needs a label", root.sourceline)
            name, sobject = file.full_name, None
        _tab_definition(ctx, {
            "Name": name, "Label": label, "IsCustom": True, "SobjectName": sobject, "DurableId": name,
            "Url": text(root, "url"), "IsAvailableInAloha": True, "IsAvailableInLightning": True,
        })
        stored = ctx.store.get("CustomTab", file.full_name)
        record.created = stored is None
        record.changed = stored is None or stored.xml != file.data
        record.id = ctx.keep("CustomTab", name, file.path, file.data, "01r")


def _tab_definition(ctx: DeployContext, values: dict[str, object]) -> None:
    """Insert or replace the tab's TabDefinition row (read-only to the API, so written here directly)."""
    store = ctx.org.store
    found = _find(ctx, "TabDefinition", Name=str(values["Name"]))
    if found is None:
        rid = store.allocate_id("0KD")
        store.insert("TabDefinition", rid, {"Id": rid, **values})
    else:
        store.update("TabDefinition", found["Id"], {"Id": found["Id"], **values})


def tab_exists(ctx: DeployContext, name: str) -> bool:
    """A deployed custom tab, or a standard object's tab (``standard-Account``)."""
    if name.lower().startswith("standard-"):
        return ctx.org.schemas.plan(name[len("standard-"):]) is not None
    return ctx.store.get("CustomTab", name) is not None
