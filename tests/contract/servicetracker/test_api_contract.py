"""The sandbox answers exactly as docs/servicetracker-api.md and its JSON Schemas say, for every resource."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from emulators.servicetracker.model import RESOURCES
from tests.contract.servicetracker.sandbox import Sandbox
from tests.contract.servicetracker.schemas import DOC_PATH, record_def, schema_doc, sparse_validator, validator

LIST_RESOURCES = [*RESOURCES, "custom_tables/inspection_forms/rows", "custom_tables/signature_records/rows",
                  "custom_tables/equipment_logs/rows"]


def _errors(definition: str, instance: object) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator(definition).iter_errors(instance)]


def test_schema_file_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema_doc())


@pytest.mark.parametrize("resource", LIST_RESOURCES)
def test_every_resource_list_and_single_match_the_schemas(sandbox: Sandbox, resource: str) -> None:
    with sandbox.client() as client:
        response = client.get(f"/{resource}", params={"limit": 40})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        page = response.json()
        assert _errors("list_envelope", page) == []
        assert page["data"], f"the generated tenant has {resource}"
        for record in page["data"]:
            assert _errors(record_def(resource), record) == [], record["id"]
        first = page["data"][0]
        single = client.get(f"/{resource}/{first['id']}")
        assert single.status_code == 200
        assert _errors("single_envelope", single.json()) == []
        assert single.json()["data"] == first


def test_deleted_records_schema_and_tenant_schema(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        page = client.get("/deleted_records", params={"limit": 1000}).json()
        assert _errors("list_envelope", page) == []
        assert page["data"]
        for tomb in page["data"]:
            assert _errors("tombstone", tomb) == []
        tenant = client.get("/tenant").json()
        assert _errors("single_envelope", tenant) == []
        assert _errors("tenant", tenant["data"]) == []


def test_sparse_fields_match_the_reduced_schema(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        page = client.get("/work_orders", params={"fields": "status,type,updated_at", "limit": 25}).json()
    assert page["data"]
    for record in page["data"]:
        assert set(record) == {"id", "status", "type", "updated_at"}
        assert list(sparse_validator("work_orders").iter_errors(record)) == []


def test_schema_endpoint_agrees_with_the_json_schema_file(sandbox: Sandbox) -> None:
    defs = schema_doc()["$defs"]
    with sandbox.client() as client:
        body = client.get("/schema").json()
    entries = {entry["resource"]: entry for entry in body["data"]}
    assert set(entries) == {*RESOURCES, "custom_table_rows"}
    for resource, entry in entries.items():
        assert _errors("schema_resource", entry) == []
        definition = defs["custom_table_row" if resource == "custom_table_rows" else resource]
        properties = definition["properties"]
        assert [f["name"] for f in entry["fields"]] == list(properties), resource
        assert definition["required"] == list(properties)
        for field in entry["fields"]:
            prop = properties[field["name"]]
            where = f"{resource}.{field['name']}"
            assert prop["x-st-type"] == field["type"], where
            assert prop["x-st-required"] == field["required"], where
            assert prop.get("x-st-max-length") == field["max_length"], where
            assert prop.get("x-st-enum") == field["enum"], where
            assert prop.get("x-st-reference") == field["reference"], where


def test_the_document_lists_every_core_field_of_every_resource() -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    defs = schema_doc()["$defs"]
    common = {"id", "created_at", "updated_at", "custom_fields"}
    for resource in [*RESOURCES, "custom_table_rows"]:
        match = re.search(rf"^### `{resource}` — .*?(?=^### |^## )", text, re.S | re.M)
        assert match, f"section for {resource}"
        documented = re.findall(r"^\| `([a-z_0-9]+)` \|", match.group(0), re.M)
        definition = defs["custom_table_row" if resource == "custom_table_rows" else resource]
        assert documented == [name for name in definition["properties"] if name not in common], resource


@pytest.mark.parametrize("path, params, status, code", [
    ("/clients", {"limit": "0"}, 422, "invalid_parameter"),
    ("/clients", {"limit": "1001"}, 422, "invalid_parameter"),
    ("/clients", {"limit": "ten"}, 422, "invalid_parameter"),
    ("/clients", {"updated_since": "2024-01-01T00:00:00"}, 422, "invalid_parameter"),
    ("/clients", {"updated_since": "yesterday"}, 422, "invalid_parameter"),
    ("/clients", {"page": "2"}, 422, "invalid_parameter"),
    ("/clients", {"fields": "name,nickname"}, 422, "invalid_parameter"),
    ("/clients", {"cursor": "not-a-cursor"}, 422, "invalid_cursor"),
    ("/invoices/in_9999999", {}, 404, "not_found"),
    ("/widgets", {}, 404, "not_found"),
    ("/custom_tables/no_such_table/rows", {}, 404, "not_found"),
    ("/clients/cl_0000001/extra/path", {}, 404, "not_found"),
    ("/schema/widgets", {}, 404, "not_found"),
])
def test_errors_have_the_documented_status_code_and_body(sandbox: Sandbox, path: str, params: dict, status: int,
                                                         code: str) -> None:
    with sandbox.client() as client:
        response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert _errors("error", body) == []
    assert body["error"]["code"] == code
    assert response.headers["x-request-id"]


def test_invalid_parameter_details_name_the_parameter_and_allowed_fields(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        body = client.get("/clients", params={"fields": "name,nickname"}).json()
    assert body["error"]["details"]["parameter"] == "fields"
    assert "name" in body["error"]["details"]["allowed"] and "nickname" not in body["error"]["details"]["allowed"]


def test_writes_are_refused_with_405(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        response = client.post("/clients", json={"name": "x"})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
