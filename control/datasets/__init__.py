"""CumulusCI datasets: the folder layout, the SQLite database, load steps and the mapping files.

Public API::

    paths = DatasetPaths.of(settings.root, "migration")
    manifest = read_manifest(paths)              # dataset.json (steps, order, accounting, warnings)
    specs = [StepSpec.from_json(s) for s in manifest["steps"]]

See docs/data-path.md for every file's format.
"""

from control.datasets.layout import DATASET_FORMAT, DatasetPaths, read_manifest
from control.datasets.steps import LookupSpec, StepKind, StepSpec
from control.datasets.store import DatasetStore

__all__ = ["DATASET_FORMAT", "DatasetPaths", "DatasetStore", "LookupSpec", "StepKind", "StepSpec", "read_manifest"]
