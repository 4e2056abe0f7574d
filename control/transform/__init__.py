"""The transform: staged ServiceTracker records + the approved map → a CumulusCI dataset (docs/data-path.md).

Public API::

    result = build_dataset(settings, name="migration", org="uat")   # DatasetResult: paths, counts, warnings

Modules, in the order a build uses them: ``inputs`` (approval, map, org, owners) → ``compile`` (the map
against the org's describe) → ``order``/``dependencies`` (which resource first) → ``run`` (batches of
records through ``records``: ``routing``, ``steps``, ``lookups``, ``coerce``; ``problems`` for
quarantine) → ``deferred`` (lookups checked after the build) → ``owners`` (the gap report) → ``build``.
"""

from control.transform.build import DatasetResult, build_dataset

__all__ = ["DatasetResult", "build_dataset"]
