"""Activities: Task and Event share their custom fields through the ``Activity`` object.

Salesforce keeps the custom fields of tasks and events on one object, **Activity**, that is not an
sObject of its own (``/sobjects`` does not list it, SOQL cannot query it): the Metadata API defines
the fields as ``Activity.X__c`` (``objects/Activity/fields/X__c.field-meta.xml``) and every such field
then appears, identically, in the describe of both Task and Event; records of both carry it.
A custom field deployed straight onto Task or Event is refused — Salesforce has no such thing.

::

    Activity.X__c ──► Task.X__c   (describe, records, SOQL)
                 └──► Event.X__c

:func:`field_hosts` is the one place that says which sObjects a schema change named for an object
lands on.
"""

from __future__ import annotations

__all__ = ["ACTIVITY", "ACTIVITY_OBJECTS", "field_hosts", "is_activity", "is_activity_host"]

ACTIVITY = "Activity"
ACTIVITY_OBJECTS: tuple[str, ...] = ("Task", "Event")


def is_activity(sobject: str) -> bool:
    """True for the ``Activity`` pseudo-object (any case)."""
    return sobject.lower() == ACTIVITY.lower()


def is_activity_host(sobject: str) -> bool:
    """True for Task and Event, whose custom fields are defined on Activity."""
    return sobject.lower() in {name.lower() for name in ACTIVITY_OBJECTS}


def field_hosts(sobject: str) -> tuple[str, ...]:
    """The sObjects a custom field defined on ``sobject`` belongs to: Task and Event for Activity."""
    return ACTIVITY_OBJECTS if is_activity(sobject) else (sobject,)
