"""Loading a dataset into an org: ``st2sf migrate`` (the only package that imports cumulusci).

Public API::

    result = migrate(settings, dataset="migration", org="uat", error_budget=0.0)   # MigrationResult

Modules: ``preconditions`` (checks before anything moves), ``steps`` (one plan step: what the org holds,
what to write), ``writer`` (a write through CumulusCI with lock retries and ledger Ids), ``cci_runner``
(LoadData in-process), ``workdb`` (the run's id table and staged rows), ``values`` (comparing values),
``retries``, ``accounting``, ``orgquery``, ``run`` (the whole run). See docs/load.md.
"""

from control.load.run import MigrationResult, migrate

__all__ = ["MigrationResult", "migrate"]
