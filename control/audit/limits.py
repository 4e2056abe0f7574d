"""Target field lengths the audit checks values against: ``resource.field`` → Salesforce field and max length.

The migration map decides the targets; until the audit is wired to it, :meth:`TargetLimits.default`
follows the brief's default object mapping with Salesforce's standard field lengths (as recorded in
real describes: Account.Name 255, Contact.LastName 80, Contact.FirstName 40, Contact.Email 80,
Opportunity.Name 120, CaseComment.CommentBody 4000, …). A custom object's Name field holds 80 characters.

Keys are ``resource.field``, or ``resource.field.sub`` for a key inside an address object
(``locations.address.city``). :meth:`TargetLimits.from_mapping` builds limits from any mapping, which is
how the map will hand them over.
"""

from __future__ import annotations

from typing import Iterator, Mapping, NamedTuple

__all__ = ["TargetField", "TargetLimits"]


class TargetField(NamedTuple):
    target: str       # "Account.Name"
    max_length: int


_DEFAULT: dict[str, TargetField] = {
    "clients.name": TargetField("Account.Name", 255),
    "clients.account_number": TargetField("Account.AccountNumber", 40),
    "clients.phone": TargetField("Account.Phone", 40),
    "clients.website": TargetField("Account.Website", 255),
    "clients.billing_address.line1": TargetField("Account.BillingStreet", 255),
    "clients.billing_address.city": TargetField("Account.BillingCity", 40),
    "clients.billing_address.region": TargetField("Account.BillingState", 80),
    "clients.billing_address.postal_code": TargetField("Account.BillingPostalCode", 20),
    "clients.billing_address.country": TargetField("Account.BillingCountry", 80),
    "client_contacts.first_name": TargetField("Contact.FirstName", 40),
    "client_contacts.last_name": TargetField("Contact.LastName", 80),
    "client_contacts.email": TargetField("Contact.Email", 80),
    "client_contacts.phone": TargetField("Contact.Phone", 40),
    "client_contacts.mobile": TargetField("Contact.MobilePhone", 40),
    "client_contacts.title": TargetField("Contact.Title", 128),
    "locations.name": TargetField("Site__c.Name", 80),
    "locations.address.line1": TargetField("Account.ShippingStreet", 255),
    "locations.address.city": TargetField("Account.ShippingCity", 40),
    "locations.address.region": TargetField("Account.ShippingState", 80),
    "locations.address.postal_code": TargetField("Account.ShippingPostalCode", 20),
    "locations.address.country": TargetField("Account.ShippingCountry", 80),
    "technicians.first_name": TargetField("User.FirstName", 40),
    "technicians.last_name": TargetField("User.LastName", 80),
    "technicians.email": TargetField("User.Email", 128),
    "technicians.phone": TargetField("User.Phone", 40),
    "parts.name": TargetField("Product2.Name", 255),
    "parts.part_number": TargetField("Product2.ProductCode", 255),
    "projects.name": TargetField("Opportunity.Name", 120),
    "contracts.name": TargetField("Contract.Name", 80),
    "assets.name": TargetField("Asset.Name", 255),
    "assets.serial_number": TargetField("Asset.SerialNumber", 80),
    "work_orders.summary": TargetField("Case.Subject", 255),
    "work_orders.description": TargetField("Case.Description", 32000),
    "work_order_tasks.subject": TargetField("Task.Subject", 255),
    "invoices.number": TargetField("Invoice__c.Name", 80),
    "notes.body": TargetField("CaseComment.CommentBody", 4000),
    "attachments.file_name": TargetField("ContentVersion.Title", 255),
    "attachments.description": TargetField("ContentVersion.Description", 1000),
    "activities.subject": TargetField("Task.Subject", 255),
    "activities.body": TargetField("Task.Description", 32000),
}


class TargetLimits:
    """``resource.field`` → :class:`TargetField`; the audit reports values longer than their target."""

    def __init__(self, limits: Mapping[str, TargetField]) -> None:
        self._limits = dict(limits)

    @classmethod
    def default(cls) -> "TargetLimits":
        return cls(_DEFAULT)

    @classmethod
    def from_mapping(cls, limits: Mapping[str, tuple[str, int] | int]) -> "TargetLimits":
        """From ``{"clients.name": ("Account.Name", 255)}`` or ``{"clients.name": 255}``."""
        out = {}
        for key, value in limits.items():
            out[key] = TargetField(*value) if isinstance(value, tuple) else TargetField(key, int(value))
        return cls(out)

    def get(self, key: str) -> TargetField | None:
        return self._limits.get(key)

    def for_resource(self, resource: str) -> dict[str, TargetField]:
        prefix = resource + "."
        return {k[len(prefix):]: v for k, v in self._limits.items() if k.startswith(prefix)}

    def __iter__(self) -> Iterator[tuple[str, TargetField]]:
        return iter(sorted(self._limits.items()))
