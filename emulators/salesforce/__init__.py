"""The local Salesforce org emulator (see README.md beside this file).

Layout, outside in::

    cli.py / __main__.py      start, stop, status, reset, serve, export (one org per server process)
    server.py                 uvicorn over HTTPS for one org; server_info.py reads server.json
    surfaces.py               assembles one org's ASGI app from the pieces below
    faults/                   seeded fault injection (ASGI middleware, Bulk row locks)
    admin/                    loopback admin endpoint, deterministic export, the org page
    bulk/, bulk2/             Bulk API v1 (/services/async) and Bulk API 2.0 (/jobs)
    metadata/                 Metadata API: SOAP and REST deploy, retrieve, list, describe, read
    limits/                   allocations, rolling 24-hour usage, storage accounting
    http/                     the ASGI app: OAuth, discovery, describe, sObject REST, composite,
                              collections, query, limits — handlers return Reply values
    dml/                      the write rules: coercion, lookups, required/unique, deletes
    org/                      one org: identity, seed, creation, sessions, JWT, schema registry
    state/                    SQLite: records, keys, lookups, Id counters (records stay on disk)
    catalog/, soql/, schema/  standard schemas and describe JSON, the SOQL engine, the shared model
    ids.py, certs.py          Salesforce Ids; the TLS certificate and CA bundle

The emulator never imports ``control``.
"""
