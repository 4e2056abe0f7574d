"""Assembling everything one org serves into one ASGI application.

::

    FaultMiddleware                       latency / 500-503 / dropped responses (faults/)
      └─ Starlette app (http/app.py)
           ├─ /_emulator/…                admin endpoint: limits, faults, clock, export (admin/)
           ├─ /                           read-only page: objects, counts, records (admin/)
           ├─ /services/async/…           Bulk API v1 (bulk/)
           ├─ /services/data/vX/jobs/…    Bulk API 2.0 (bulk2/)
           ├─ /services/Soap/m/…          Metadata API, SOAP (metadata/)
           ├─ /services/data/vX/metadata/deployRequest…   Metadata REST deploy (metadata/)
           └─ /services/…                 OAuth, REST, composite, query (http/)

The pieces share the org (its database, schemas, store, limits), the query engine, and one
:class:`~emulators.salesforce.faults.injector.FaultInjector`.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.admin.page import page_routes
from emulators.salesforce.admin.routes import admin_routes
from emulators.salesforce.bulk.routes import bulk_v1_routes
from emulators.salesforce.bulk.service import BulkV1
from emulators.salesforce.bulk.store import BulkStore
from emulators.salesforce.bulk2.routes import bulk2_routes
from emulators.salesforce.bulk2.service import Bulk2
from emulators.salesforce.faults.injector import FaultInjector
from emulators.salesforce.faults.middleware import FaultMiddleware
from emulators.salesforce.http.app import build_app
from emulators.salesforce.http.router import OrgService
from emulators.salesforce.metadata.routes import metadata_routes
from emulators.salesforce.metadata.service import MetadataService
from emulators.salesforce.org.clock import OrgClock

__all__ = ["build_org_app"]


def build_org_app(service: OrgService, *, instance_url: str, clock: OrgClock, admin_token: str) -> Any:
    """The ASGI application of ``service``'s org (see the module docstring)."""
    org = service.org
    faults = FaultInjector(org.db, org.limits)
    store = BulkStore(org.db, org.store, org.paths.folder / "bulk")
    routes = [
        *admin_routes(org, clock, faults, admin_token),
        *page_routes(org),
        *bulk_v1_routes(BulkV1(org, service.engine, faults, store)),
        *bulk2_routes(Bulk2(org, service.engine, faults, store)),
        *metadata_routes(MetadataService(org), instance_url=instance_url),
    ]
    app = build_app(service, instance_url=instance_url, extra_routes=routes)
    return FaultMiddleware(app, faults)
