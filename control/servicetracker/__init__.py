"""ServiceTracker → staging: the API client and the export-folder reader behind ``st2sf extract``.

Public API (import from the modules; this package file stays empty so the staging store can use
:mod:`control.servicetracker.instants` without importing the extractor)::

    from control.servicetracker.extract import extract
    result = extract(settings)                          # API: paced, checkpointed, resumable, incremental
    result = extract(settings, export_dir=Path("dump")) # a tenant's export folder (JSON Lines or CSV)
    result.feeds, result.files, result.digest           # ExtractResult (control.servicetracker.results)

Modules: ``client`` (httpx, pacing, retries, error mapping), ``pacing`` (token bucket), ``retry``,
``pagination`` (paginators that refuse to loop), ``feeds`` (one pass into staging), ``files`` (attachment
bodies), ``export`` / ``export_rows`` (export folders), ``contract`` / ``resources`` / ``instants`` (what the
contract defines), ``results`` (modes, pass plans, results), ``extract`` (the orchestration).
"""

__all__: list[str] = []
