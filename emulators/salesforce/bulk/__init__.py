"""Bulk API (v1) — ``/services/async/{version}/job…`` — and the parts Bulk API 2.0 shares with it.

Modules: :mod:`.model` (vocabulary, errors), :mod:`.store` (tables and files), :mod:`.payload`
(CSV / JSON / XML batch data), :mod:`.dml` (rows through the write rules), :mod:`.query` (SOQL into
result files), :mod:`.wire` (jobInfo / batchInfo / results documents), :mod:`.service` (behaviour),
:mod:`.routes` (HTTP).
"""
