"""A thin Bulk API (v1) client over ``requests`` for tests that check documents byte for byte.

It speaks the wire protocol directly (XML jobInfo, CSV/JSON/XML batches), the way salesforce-bulk
and CumulusCI do, so tests can assert on exact result CSVs, stateMessages and error documents.
"""

from __future__ import annotations

from typing import Any

import requests
from lxml import etree

from tests.support.salesforce_org import EmulatedOrg

__all__ = ["BulkV1Client", "ASYNC_NS"]

ASYNC_NS = "http://www.force.com/2009/06/asyncapi/dataload"


def _job_xml(**fields: str) -> bytes:
    root = etree.Element(f"{{{ASYNC_NS}}}jobInfo", nsmap={None: ASYNC_NS})
    for key, value in fields.items():
        etree.SubElement(root, f"{{{ASYNC_NS}}}{key}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class BulkV1Client:
    def __init__(self, org: EmulatedOrg, version: str = "59.0", token: str | None = None) -> None:
        self.base = f"{org.instance_url}/services/async/{version}"
        self.session = requests.Session()
        self.verify = org.ca_bundle  # passed per request: REQUESTS_CA_BUNDLE would override a session's verify
        self.session.headers["X-SFDC-Session"] = token or org.access_token

    def post(self, path: str, body: bytes, content_type: str) -> requests.Response:
        return self.session.post(self.base + path, data=body, headers={"Content-Type": content_type}, timeout=120,
                                 verify=self.verify)

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, timeout=120, verify=self.verify)

    @staticmethod
    def fields(response: requests.Response) -> dict[str, str]:
        root = etree.fromstring(response.content)
        return {etree.QName(el).localname: el.text or "" for el in root}

    def create_job(self, operation: str, sobject: str, content_type: str = "CSV", **extra: str) -> str:
        response = self.post("/job", _job_xml(operation=operation, object=sobject, contentType=content_type, **extra),
                             "application/xml; charset=UTF-8")
        assert response.status_code == 201, response.text
        return self.fields(response)["id"]

    def close_job(self, job_id: str) -> dict[str, str]:
        return self.fields(self.post(f"/job/{job_id}", _job_xml(state="Closed"), "application/xml; charset=UTF-8"))

    def add_batch(self, job_id: str, body: bytes, content_type: str = "text/csv; charset=UTF-8") -> requests.Response:
        return self.post(f"/job/{job_id}/batch", body, content_type)

    def batch(self, job_id: str, batch_id: str) -> dict[str, str]:
        return self.fields(self.get(f"/job/{job_id}/batch/{batch_id}"))

    def result(self, job_id: str, batch_id: str) -> requests.Response:
        return self.get(f"/job/{job_id}/batch/{batch_id}/result")

    def run(self, operation: str, sobject: str, body: bytes, *, content_type: str = "CSV", **extra: str) -> tuple[str, str, Any]:
        """Create a job, add one batch, close the job; ``(job id, batch id, batchInfo fields)``."""
        job_id = self.create_job(operation, sobject, content_type, **extra)
        media = {"CSV": "text/csv; charset=UTF-8", "JSON": "application/json", "XML": "application/xml"}[content_type]
        added = self.add_batch(job_id, body, media)
        assert added.status_code == 201, added.text
        batch_id = self.fields(added)["id"] if content_type != "JSON" else added.json()["id"]
        self.close_job(job_id)
        return job_id, batch_id, self.batch(job_id, batch_id) if content_type != "JSON" else None
