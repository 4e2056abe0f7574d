"""The state of one deploy while it runs: options, the org, and the messages it collects.

Every component is applied inside :meth:`DeployContext.component` — its own savepoint — so a
component that fails leaves nothing behind even when the deploy as a whole goes on (partial
deploys); the outcome becomes a ``DeployMessage`` (componentSuccesses / componentFailures) with
Salesforce's fields::

    changed, columnNumber, componentType, created, createdDate, deleted, fileName, fullName, id,
    lineNumber, problem, problemType, success

Exceptions a component may raise (all become a failure of that component)::

    DeployProblem        a rule of the Metadata API (the message is the problem text)
    CatalogError         the catalog refused a custom object / field spec
    UnsupportedField     a field the emulator cannot model (formulas, global value sets, …)
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from emulators.salesforce.catalog import CatalogError
from emulators.salesforce.metadata.fields import UnsupportedField
from emulators.salesforce.metadata.store import MetadataStore
from emulators.salesforce.metadata.xsd import MetadataSchema
from emulators.salesforce.org.runtime import Org

__all__ = ["DeployProblem", "DeployOptions", "DeployContext", "ComponentRecord"]


class DeployProblem(Exception):
    """A component breaks a Metadata API rule; ``line``/``column`` point into its file when known."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.column = column


@dataclass(frozen=True)
class DeployOptions:
    check_only: bool = False
    rollback_on_error: bool = True
    single_package: bool = False
    ignore_warnings: bool = False
    allow_missing_files: bool = False
    test_level: str | None = None
    purge_on_delete: bool = False

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> "DeployOptions":
        def flag(name: str, default: bool) -> bool:
            value = data.get(name, default)
            if isinstance(value, str):
                return value.strip().lower() == "true"
            return bool(value) if value is not None else default

        return cls(
            check_only=flag("checkOnly", False),
            rollback_on_error=flag("rollbackOnError", True),
            single_package=flag("singlePackage", False),
            ignore_warnings=flag("ignoreWarnings", False),
            allow_missing_files=flag("allowMissingFiles", False),
            test_level=str(data["testLevel"]) if data.get("testLevel") else None,
            purge_on_delete=flag("purgeOnDelete", False),
        )


@dataclass
class ComponentRecord:
    """Filled in by the component while it is applied."""

    created: bool = False
    changed: bool = True
    id: str | None = None


@dataclass
class DeployContext:
    org: Org
    store: MetadataStore
    schema: MetadataSchema
    user_id: str
    now: str
    options: DeployOptions
    successes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def _message(self, kind: str, full_name: str, file_name: str, **extra: Any) -> dict[str, Any]:
        return {
            "changed": False,
            "columnNumber": None,
            "componentType": kind,
            "created": False,
            "createdDate": self.now,
            "deleted": False,
            "fileName": file_name,
            "fullName": full_name,
            "id": None,
            "lineNumber": None,
            "problem": None,
            "problemType": None,
            **extra,
        }

    def succeed(self, kind: str, full_name: str, file_name: str, record: ComponentRecord) -> None:
        self.successes.append(
            self._message(kind, full_name, file_name, changed=record.changed, created=record.created,
                          id=record.id, success=True)
        )

    def fail(self, kind: str, full_name: str, file_name: str, problem: str, line: int | None = None,
             column: int | None = None) -> None:
        self.failures.append(
            self._message(kind, full_name, file_name, problem=problem, problemType="Error", lineNumber=line,
                          columnNumber=column, success=False)
        )

    @contextmanager
    def component(self, kind: str, full_name: str, file_name: str, line: int | None = None) -> Iterator[ComponentRecord]:
        """Apply one component in its own savepoint; record its success or failure."""
        db = self.org.db
        db.savepoint("md_component")
        version = self.org.schemas.version
        record = ComponentRecord()
        try:
            yield record
        except DeployProblem as exc:
            self._undo(version)
            self.fail(kind, full_name, file_name, exc.problem, exc.line or line, exc.column or (1 if line else None))
            return
        except (CatalogError, UnsupportedField) as exc:
            self._undo(version)
            self.fail(kind, full_name, file_name, str(exc), line, 1 if line else None)
            return
        db.release("md_component")
        self.succeed(kind, full_name, file_name, record)

    def _undo(self, schema_version: int) -> None:
        """Roll the component back; a schema it changed before failing is rebuilt from the database."""
        self.org.db.rollback_to("md_component")
        if self.org.schemas.version != schema_version:
            self.org.reload_schemas()

    def new_id(self, prefix: str) -> str:
        return self.org.store.allocate_id(prefix)

    def keep(self, kind: str, full_name: str, file_name: str, xml: bytes, id_prefix: str) -> str:
        """Store a deployed component's XML (keeping its Id when it exists); return its Id."""
        stored = self.store.get(kind, full_name)
        new_id = stored.id if stored else self.new_id(id_prefix)
        return self.store.put(kind, full_name, file_name, xml, new_id=new_id, user_id=self.user_id, now=self.now).id
