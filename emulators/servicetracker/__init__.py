"""The ServiceTracker sandbox: the source system's REST API (docs/servicetracker-api.md), served locally.

Modules, in the order a request meets them::

    cli ─► process ─► server ─► app ─► handlers ─► store ─► (tenant.db built by store from fixture)
     │                              └► ratelimit, cursor, api_errors
     └► generator/ (writes a fixture folder)      churn (writes to tenant.db)

See ``README.md`` beside this file. The sandbox never imports ``control``.
"""
