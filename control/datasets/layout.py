"""Where a dataset's files live (``datasets/<name>/``) and its manifest, ``dataset.json``.

::

    datasets/<name>/
      <name>.mapping.yml          CumulusCI mapping (upsert steps, load order, after: updates)
      <name>.insert.mapping.yml   the same with action insert and the audit fields (first load only)
      <name>.db                   the data: SQLite, CumulusCI's ``database_url`` (sqlite:///…/<name>.db)
      <name>.dataset.sql          the same data as a SQL script (CumulusCI's ``sql_path``), written when the
                                  dataset is small enough (≤ ``sql_limit`` rows); large ones use the .db
      dataset.json                this manifest: steps, order, per-object accounting, warnings
      quarantine.jsonl            one line per quarantined record or extra row (docs/data-path.md)
      files.jsonl                 one line per attachment to upload: body sha256 and size, parent rows
      owners.json                 the technician → user gap report
      plan.json                   written by `st2sf plan`

Every file is written beside its final name and renamed into place; the manifest is written last, so
a dataset folder whose manifest is present is complete. See docs/data-path.md for the formats.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from control.errors import InputFileError, NotFoundError

__all__ = ["DATASET_FORMAT", "DatasetPaths", "write_json", "read_manifest"]

DATASET_FORMAT = "st2sf.dataset/1"


class DatasetPaths(NamedTuple):
    folder: Path
    name: str

    @classmethod
    def of(cls, root: Path, name: str) -> "DatasetPaths":
        return cls(root / "datasets" / name, name)

    @property
    def mapping(self) -> Path:
        return self.folder / f"{self.name}.mapping.yml"

    @property
    def insert_mapping(self) -> Path:
        return self.folder / f"{self.name}.insert.mapping.yml"

    @property
    def database(self) -> Path:
        return self.folder / f"{self.name}.db"

    @property
    def sql(self) -> Path:
        return self.folder / f"{self.name}.dataset.sql"

    @property
    def manifest(self) -> Path:
        return self.folder / "dataset.json"

    @property
    def quarantine(self) -> Path:
        return self.folder / "quarantine.jsonl"

    @property
    def files(self) -> Path:
        return self.folder / "files.jsonl"

    @property
    def owners(self) -> Path:
        return self.folder / "owners.json"

    @property
    def plan(self) -> Path:
        return self.folder / "plan.json"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database.resolve()}"


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_manifest(paths: DatasetPaths) -> dict[str, Any]:
    if not paths.manifest.is_file():
        raise NotFoundError(f"Dataset '{paths.name}' has not been built ({paths.manifest} is missing).",
                            hint="Build it first: st2sf dataset build.")
    try:
        data = json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{paths.manifest} cannot be read: {exc}.", path=str(paths.manifest),
                             hint="Rebuild the dataset: st2sf dataset build.") from None
    if data.get("format") != DATASET_FORMAT:
        raise InputFileError(f"{paths.manifest} is not a {DATASET_FORMAT} manifest.", path=str(paths.manifest),
                             hint="Rebuild the dataset with this version of st2sf.")
    return data
