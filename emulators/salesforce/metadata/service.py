"""The Metadata API of one org: deploy, status, retrieve, list, describe, read — independent of transport.

SOAP (:mod:`.routes`) and the REST ``metadata/deployRequest`` resource both call this. Deploys and
retrieves run inside the request that starts them; their results are kept (``metadata_requests``)
and answered by ``checkDeployStatus`` / ``checkRetrieveStatus`` / ``GET deployRequest/{id}``.
Ids: ``0Af`` deploys, ``09S`` retrieves.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from emulators.salesforce.metadata.context import DeployOptions
from emulators.salesforce.metadata.deploy import deploy_result, run_deploy
from emulators.salesforce.metadata.reading import DESCRIBE_TYPES, MetadataReader, encode_zip
from emulators.salesforce.metadata.soap import SoapFault
from emulators.salesforce.metadata.store import MetadataStore
from emulators.salesforce.metadata.xsd import MetadataSchema
from emulators.salesforce.org.runtime import Org

__all__ = ["MetadataService"]


class MetadataService:
    """See the module docstring."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.store = MetadataStore(org.db)
        self._schema: MetadataSchema | None = None

    @property
    def schema(self) -> MetadataSchema:
        if self._schema is None:  # compiled on first use (≈ 0.3 s)
            self._schema = MetadataSchema()
        return self._schema

    @property
    def reader(self) -> MetadataReader:
        return MetadataReader(self.org, self.store, self.schema)

    def _user_name(self, user_id: str) -> str:
        row = self.org.store.get(user_id)
        return str(row.data.get("Name") or "") if row else ""

    # ── deploy ─────────────────────────────────────────────────────────────────────
    def deploy(self, user_id: str, zip_bytes: bytes, options: DeployOptions) -> str:
        deploy_id = self.org.store.allocate_id("0Af")
        started = self.org.now_wire()
        ctx = run_deploy(self.org, self.store, self.schema, user_id=user_id, zip_bytes=zip_bytes, options=options)
        result = deploy_result(ctx, deploy_id, user_name=self._user_name(user_id), started=started)
        self.store.save_request(deploy_id, "deploy", started, {"result": result, "options": _options_json(options)})
        return deploy_id

    def deploy_zip_base64(self, user_id: str, text: str, options: DeployOptions) -> str:
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise SoapFault("INVALID_ZIP", "ZipFile is not valid base64") from None
        return self.deploy(user_id, data, options)

    def deploy_status(self, deploy_id: str, *, include_details: bool) -> dict[str, Any]:
        found = self.store.request(deploy_id)
        if found is None or found[0] != "deploy":
            raise SoapFault("INVALID_ID_FIELD", f"Invalid deploy id: {deploy_id}")
        result = dict(found[1]["result"])
        if not include_details:
            result["details"] = {}
        return result

    def deploy_options(self, deploy_id: str) -> dict[str, Any]:
        found = self.store.request(deploy_id)
        return dict(found[1].get("options", {})) if found else {}

    # ── retrieve ───────────────────────────────────────────────────────────────────
    def retrieve(self, members: dict[str, list[str]], *, single_package: bool, api_version: str) -> str:
        retrieve_id = self.org.store.allocate_id("09S")
        output = self.reader.retrieve(members, single_package=single_package, api_version=api_version)
        result = {
            "done": True,
            "fileProperties": output.file_properties,
            "id": retrieve_id,
            "messages": output.messages,
            "status": "Succeeded",
            "success": True,
            "zipFile": encode_zip(output.zip_bytes),
        }
        self.store.save_request(retrieve_id, "retrieve", self.org.now_wire(), {"result": result})
        return retrieve_id

    def retrieve_status(self, retrieve_id: str, *, include_zip: bool) -> dict[str, Any]:
        found = self.store.request(retrieve_id)
        if found is None or found[0] != "retrieve":
            raise SoapFault("INVALID_ID_FIELD", f"Invalid retrieve id: {retrieve_id}")
        result = dict(found[1]["result"])
        if not include_zip:
            result.pop("zipFile", None)
        return result

    def status(self, ids: list[str]) -> list[dict[str, Any]]:
        out = []
        for async_id in ids:
            found = self.store.request(async_id)
            if found is None:
                raise SoapFault("INVALID_ID_FIELD", f"Invalid async process id: {async_id}")
            out.append({"done": True, "id": async_id, "state": "Completed"})
        return out

    # ── reading ────────────────────────────────────────────────────────────────────
    def list_metadata(self, kinds: list[str]) -> list[dict[str, Any]]:
        known = {t["xmlName"] for t in DESCRIBE_TYPES} | {"CustomField", "RecordType", "BusinessProcess", "FlowDefinition"}
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise SoapFault("INVALID_TYPE", f"Unknown type name '{unknown[0]}' specified in the call")
        return self.reader.list_metadata(kinds)

    def describe_metadata(self) -> dict[str, Any]:
        return {
            "metadataObjects": [dict(t) for t in DESCRIBE_TYPES],
            "organizationNamespace": "",
            "partialSaveAllowed": bool(self.org.identity.sandbox or self.org.identity.edition == "Developer"),
            "testRequired": not self.org.identity.sandbox,
        }

    def read_metadata(self, kind: str, names: list[str]) -> list[Any]:
        if len(names) > 10:
            raise SoapFault("INVALID_ARGUMENT", "readMetadata takes at most 10 full names per call")
        return self.reader.read_metadata(kind, names)


def _options_json(options: DeployOptions) -> dict[str, Any]:
    return {
        "allowMissingFiles": options.allow_missing_files,
        "autoUpdatePackage": False,
        "checkOnly": options.check_only,
        "ignoreWarnings": options.ignore_warnings,
        "performRetrieve": False,
        "purgeOnDelete": options.purge_on_delete,
        "rollbackOnError": options.rollback_on_error,
        "runTests": [],
        "singlePackage": options.single_package,
        "testLevel": options.test_level,
    }
