"""The proposer's vocabulary: abbreviations, synonym groups, compounds, stop words and object concepts.

Data only — :mod:`control.mapping.propose.lexicon` reads names with it. Written from the vocabulary of
field-service, CRM, helpdesk and ERP products (work orders, dispatch, assets, contracts, invoices) and
Salesforce's own field names. Entries are added when a *tuning* schema's column is misread; held-out schemas
are not used for it (docs/proposer.md §Evaluation).

    ABBREVIATIONS     one word → the word it stands for            ph → phone, cust → customer
    GROUPS            synonym groups, one concept each              zip = postal = postalcode
    COMPOUNDS         two words that are one concept together      postal code → zip
    STOP_WORDS        words that carry no meaning for matching      the, of, custom, cf
    EXTRA_VOCABULARY  more words glued names split into             numberofemployees
    OBJECT_CONCEPTS   concept → the Salesforce object it suggests   technician → Contact
"""

from __future__ import annotations

__all__ = ["ABBREVIATIONS", "GROUPS", "STOP_WORDS", "COMPOUNDS", "ADDRESS_QUALIFIERS", "PRIMARY_ADDRESS",
           "ADDRESS_PARTS", "EXTRA_VOCABULARY", "OBJECT_CONCEPTS"]

# abbreviation → the word it stands for (applied to single words, before concepts)
ABBREVIATIONS: dict[str, str] = {
    "no": "number", "nbr": "number", "num": "number", "nr": "number", "nmbr": "number", "#": "number",
    "ph": "phone", "tel": "phone", "telephone": "phone", "phn": "phone", "mob": "mobile", "cell": "mobile",
    "cellphone": "mobile", "addr": "address", "adr": "address", "st": "street", "str": "street",
    "amt": "amount", "qty": "quantity", "desc": "description", "descr": "description", "dt": "date",
    "dte": "date", "ts": "timestamp", "tm": "time", "cust": "customer", "cus": "customer", "acct": "account",
    "acc": "account", "accnt": "account", "co": "company", "cmpny": "company", "comp": "company",
    "org": "organization", "nm": "name", "fname": "first", "lname": "last", "first": "first", "last": "last",
    "mgr": "manager", "emp": "employee", "tech": "technician", "techn": "technician", "wo": "workorder",
    "svc": "service", "serv": "service", "srv": "service", "sched": "scheduled", "schd": "scheduled",
    "est": "estimated", "pri": "priority", "prio": "priority", "stat": "status", "sts": "status",
    "sn": "serial", "ser": "serial", "mfr": "manufacturer", "mfg": "manufacturer", "inst": "install",
    "instl": "install", "installed": "install", "installation": "install", "purch": "purchase",
    "purchased": "purchase", "exp": "expiration", "expiry": "expiration", "expires": "expiration",
    "eff": "effective", "beg": "start", "begin": "start", "begins": "start", "ends": "end", "cmt": "comment",
    "cmts": "comments", "ref": "reference", "ext": "external", "pct": "percent", "perc": "percent",
    "url": "website", "web": "website", "www": "website", "homepage": "website", "site": "site",
    "e": "e", "mail": "email", "emailaddress": "email", "eml": "email", "zipcode": "zip", "postcode": "zip",
    "prov": "region", "province": "region", "state": "state", "cntry": "country", "ctry": "country",
    "cty": "city", "town": "city", "municipality": "city", "ln": "line", "yr": "year", "yrs": "years",
    "hrs": "hours", "hr": "hours", "mins": "minutes", "min": "minutes", "dur": "duration", "ttl": "total",
    "bal": "balance", "inv": "invoice", "ctr": "contract", "cntr": "contract", "agmt": "agreement",
    "agr": "agreement", "prj": "project", "proj": "project", "loc": "location", "lat": "latitude",
    "lng": "longitude", "lon": "longitude", "long": "longitude", "pn": "part", "sku": "sku", "uom": "uom",
    "msrp": "price", "rev": "revenue", "empl": "employees", "emps": "employees", "cat": "category",
    "lbl": "label", "subj": "subject", "titl": "title", "resp": "response", "res": "resolution",
    "closed": "close", "closing": "close", "created": "create", "creation": "create", "updated": "update",
    "modified": "update", "modify": "update", "mod": "update", "changed": "update", "lastmodified": "update",
    "completed": "complete", "completion": "complete", "finished": "complete", "done": "complete",
    "due": "due", "pmt": "payment", "pay": "payment", "paid": "payment", "dept": "department",
    "div": "department", "fax": "fax", "birthday": "birth", "dob": "birth", "bday": "birth",
    "cd": "code", "flg": "flag", "mo": "months", "mos": "months", "eq": "equipment", "eqp": "equipment",
    "equip": "equipment", "dpt": "department", "yearly": "annual",
}

# concept groups: every word in a group is the same concept (the group's first word names it)
GROUPS: tuple[tuple[str, ...], ...] = (
    ("account", "client", "customer", "company", "organization", "business", "firm", "accounts", "clients",
     "customers", "companies"),
    ("contact", "person", "people", "contacts"),
    ("name", "title_name", "fullname"),
    ("first", "given", "forename", "firstname"),
    ("last", "surname", "lastname"),
    ("phone", "telephone", "landline"),
    ("mobile", "cellular", "smartphone"),
    ("email", "e-mail", "mailbox"),
    ("website", "webpage", "web_site", "domain"),
    ("street", "line1", "line2", "line", "address1", "address2", "road"),
    ("city", "locality", "suburb"),
    ("state", "region", "county", "territory"),
    ("zip", "postal", "postalcode", "zip_code"),
    ("country", "nation"),
    ("billing", "bill", "invoicing", "billto"),
    ("shipping", "ship", "delivery", "shipto", "service_address"),
    ("mailing", "postal_address"),
    ("description", "details", "detail", "notes", "note", "remarks", "comments", "comment", "body",
     "narrative", "memo", "text", "problem", "content"),
    ("subject", "summary", "title", "headline", "topic", "short"),
    ("status", "stage", "phase", "condition", "lifecycle"),
    ("priority", "urgency", "severity", "importance"),
    ("type", "kind", "category", "classification", "class", "family", "product_line"),
    ("number", "code", "identifier", "ref_number"),
    ("serial", "serialnumber"),
    ("amount", "total", "value", "sum", "budget", "price", "cost", "revenue", "worth"),
    ("quantity", "count", "units", "qty_used"),
    ("start", "commence", "from", "opening", "kickoff", "effective"),
    ("end", "finish", "to", "expiration", "termination", "until", "thru", "through"),
    ("close", "closure", "projected", "expected", "target", "forecast"),
    ("date", "day", "on", "time", "timestamp", "datetime", "at", "when"),
    ("create", "opened", "entered", "added", "logged", "registered", "submitted", "reported", "received"),
    ("update", "edited", "revised"),
    ("install", "commissioned", "deployed", "setup"),
    ("purchase", "bought", "acquired", "acquisition", "sale"),
    ("asset", "equipment", "machine", "device", "appliance", "installed_product"),
    ("product", "part", "item", "catalog", "sku", "material", "component", "article"),
    ("technician", "engineer", "employee", "staff", "worker", "fieldworker", "crew", "agent",
     "assignee", "assigned", "owner", "rep", "dispatched_to"),
    ("industry", "sector", "vertical", "segment", "market"),
    ("source", "origin", "channel", "via", "intake"),
    ("reason", "cause"),
    ("parent", "parent_id", "master", "head", "hq", "headquarters"),
    ("contract", "agreement", "warranty", "plan", "subscription"),
    ("term", "duration", "length", "months"),
    ("activity", "event", "task", "action", "visit", "appointment", "meeting"),
    ("fax", "facsimile"),
    ("department", "division", "team", "unit_name"),
    ("job", "position", "designation"),
    ("employees", "headcount", "staffsize"),
    ("rating", "score", "grade", "tier"),
    ("birth", "birthdate"),
    ("site", "location", "premises", "property", "facility", "branch", "store"),
    ("probability", "likelihood", "chance", "confidence"),
    ("stage_name",),
    ("active", "enabled", "inactive"),
    ("group", "line_of_business"),
    ("ownership", "owned", "structure"),
    ("latitude",), ("longitude",),
    ("year", "founded", "established", "since"),
    ("lead", "prospect", "inquiry", "enquiry"),
    ("opportunity", "deal", "pipeline"),
    ("case", "ticket", "issue", "incident", "request", "complaint"),
    ("workorder", "work_order", "job_ticket", "service_order"),
    ("invoice", "bill_doc", "statement"),
    ("project",),
    ("special", "custom_terms", "conditions"),
    ("signed", "signature", "signatory", "executed"),
    ("assistant", "secretary"),
    ("disposition", "outcome", "result"),
    ("supplied", "caller", "requester", "requestor", "reporter", "submitter", "callback", "callbk"),
    ("salutation", "honorific", "prefix"),
    ("manufacturer", "make", "brand", "vendor", "oem"),
    ("model",),
    ("competitor", "rival"),
    ("duration_minutes",),
    ("all", "whole"),
    ("private", "confidential", "hidden"),
    ("escalated", "escalation"),
    ("external", "legacy", "old", "original", "source_id"),
    ("unit_price", "rate"),
    ("sic",), ("naics",), ("duns",), ("ticker", "stock", "symbol"),
    ("next", "follow", "followup"),
    ("balance", "outstanding", "owing", "remaining"),
    ("home", "residence", "personal"),
    ("other", "alternate", "alt", "secondary", "additional"),
    ("usage",),
    ("rev_share",),
    ("lead_source", "referral", "referred", "campaign"),
)

# words that carry no meaning for matching (articles, container words, the custom-field marker)
STOP_WORDS = frozenset({"the", "of", "a", "an", "and", "or", "for", "in", "is", "custom", "fields", "field",
                        "cf", "c", "x", "fld", "col", "column", "info", "data", "sf", "flag", "e",
                        "has", "yes", "y", "n", "s", "udf", "usr", "user_defined", "only"})

# two words that are one concept together (checked after abbreviations): ``postal code`` is ``zip``
COMPOUNDS: dict[tuple[str, str], str] = {
    ("postal", "code"): "zip", ("zip", "code"): "zip", ("post", "code"): "zip", ("e", "mail"): "email",
    ("serial", "number"): "serial", ("work", "order"): "workorder", ("short", "description"): "summary",
    ("web", "site"): "website", ("web", "address"): "website", ("email", "address"): "email",
    ("phone", "number"): "phone", ("mobile", "phone"): "mobile", ("mobile", "number"): "mobile",
    ("cell", "phone"): "mobile", ("job", "title"): "job", ("line", "one"): "line1", ("line", "two"): "line2",
    ("address", "line"): "street", ("street", "address"): "street", ("fax", "number"): "fax",
    ("due", "date"): "close", ("go", "live"): "start", ("first", "name"): "first", ("last", "name"): "last",
    ("given", "name"): "first", ("family", "name"): "last", ("e", "email"): "email",
    ("unit", "measure"): "uom", ("display", "name"): "name", ("office", "phone"): "phone", ("work", "phone"): "phone", ("business", "phone"): "phone",
    ("main", "phone"): "phone", ("direct", "phone"): "phone", ("primary", "phone"): "phone",
    ("primary", "email"): "email", ("work", "email"): "email",
    ("employee", "count"): "employees", ("staff", "count"): "employees", ("number", "employees"): "employees",
    ("how", "received"): "origin", ("received", "via"): "origin", ("product", "family"): "type",
    ("per", "year"): "annual", ("work", "notes"): "internal", ("staff", "notes"): "internal",
}

# address qualifiers: a column without one means the object's primary address (Billing, Mailing)
ADDRESS_QUALIFIERS = frozenset({"billing", "shipping", "mailing", "other", "home"})
PRIMARY_ADDRESS = frozenset({"billing", "mailing"})
ADDRESS_PARTS = frozenset({"street", "city", "state", "zip", "country", "latitude", "longitude"})

# extra words that glued names are split into (``numberofemployees`` → number of employees)
EXTRA_VOCABULARY = frozenset({
    "annual", "associated", "of", "modified", "created", "date", "name", "number", "company", "deal", "job", "title",
    "stage", "owner", "lead", "status", "id", "year", "amount", "close", "open", "last", "first", "mobile", "phone",
    "home", "work", "office", "main", "primary", "email", "mail", "street", "city", "state", "zip", "country",
    "postal", "code", "type", "source", "next", "step", "probability", "description", "subject", "priority",
    "time", "stamp", "start", "end", "due", "birth", "day", "employees", "revenue", "industry", "website", "fax",
    "site", "account", "contact", "case", "task", "event", "opportunity", "asset", "contract", "product", "serial",
    "install", "purchase", "price", "quantity", "usage", "owner", "assistant", "department", "salutation",
    "reports", "to", "lifecycle", "pipeline", "category", "ticket", "content", "body", "notes", "count", "size",
    "call", "calls", "internal", "tag", "tags", "visit", "log",
})

# resource words → the Salesforce object they suggest (first = preferred), with the concept that names it
OBJECT_CONCEPTS: dict[str, tuple[str, ...]] = {
    "account": ("Account",),
    "contact": ("Contact",),
    "lead": ("Lead",),
    "opportunity": ("Opportunity",),
    "case": ("Case",),
    "asset": ("Asset",),
    "contract": ("Contract",),
    "product": ("Product2",),
    "activity": ("Task", "Event"),
    "technician": ("Contact",),
}
