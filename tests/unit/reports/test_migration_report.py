"""The migration run report, rendered from real-shaped run and dataset files (tests/fixtures/migration_report):
exact counts, groups and examples read back from the HTML with lxml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pytest

from control.reports.migration import render_migration_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "migration_report"


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    run = tmp_path / "runs" / "20261127T231500Z-migrate-4f2a"
    shutil.copytree(FIXTURES / "run", run)
    dataset = tmp_path / "datasets" / "demo"
    shutil.copytree(FIXTURES / "dataset", dataset)
    return run, dataset


def _render(run: Path, dataset: Path) -> tuple[Path, lxml.html.HtmlElement]:
    path = render_migration_report(run, dataset)
    return path, lxml.html.fromstring(path.read_text(encoding="utf-8"))


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _cells(row: lxml.html.HtmlElement) -> list[str]:
    return [_text(c) for c in row.xpath("./td|./th")]


def test_headline_names_the_run_and_says_it_balances(folders) -> None:
    run, dataset = folders
    path, doc = _render(run, dataset)
    assert path == run / "report.html"
    assert not (run / "report.html.tmp").exists()
    assert _text(doc.xpath("//h1")[0]) == "Migration run 20261127T231500Z-migrate-4f2a"
    assert doc.xpath("//title")[0].text == "Migration run 20261127T231500Z-migrate-4f2a — ok"
    assert _text(doc.get_element_by_id("status")) == "OK"
    assert "good" in doc.get_element_by_id("headline").classes
    assert _text(doc.get_element_by_id("totals")) == (
        "635 source records: 607 loaded, 18 quarantined, 3 skipped, 7 failed.")
    assert _text(doc.get_element_by_id("balance")).startswith("Every object's accounting balances")
    identity = _text(doc.get_element_by_id("identity"))
    assert "dataset demo → org demo" in identity and "41.2 s" in identity and "map approved by demo" in identity


def test_accounting_table_has_every_object_and_the_total(folders) -> None:
    _, doc = _render(*folders)
    rows = doc.get_element_by_id("accounting").xpath(".//tr[@data-resource]")
    assert [_cells(r) for r in rows] == [
        ["clients", "69", "66", "3", "0", "0", "yes"],
        ["client_contacts", "140", "129", "6", "0", "5", "yes"],
        ["technicians", "6", "3", "0", "3", "0", "yes"],
        ["work_orders", "420", "409", "9", "0", "2", "yes"],
        ["total", "635", "607", "18", "3", "7", "yes"],
    ]


def test_an_object_that_does_not_add_up_is_named_even_when_its_flag_says_balanced(folders) -> None:
    run, dataset = folders
    accounting = json.loads((run / "accounting.json").read_text())
    accounting["objects"]["work_orders"]["loaded"] = 400      # 400 + 9 + 0 + 2 != 420; flag still true
    (run / "accounting.json").write_text(json.dumps(accounting))
    _, doc = _render(run, dataset)
    assert _text(doc.get_element_by_id("balance")) == "Accounting does not balance for: work_orders."
    assert "bad" in doc.get_element_by_id("headline").classes
    row = doc.get_element_by_id("accounting").xpath(".//tr[@data-resource='work_orders']")[0]
    assert row.get("class") == "unbalanced" and _cells(row)[-1] == "NO"


def test_steps_with_timings(folders) -> None:
    _, doc = _render(*folders)
    table = doc.get_element_by_id("steps")
    rows = table.xpath(".//tr[@data-step]")
    assert [r.get("data-step") for r in rows] == ["client_account", "contact", "work_order_case",
                                                  "update client_account after client_account", "files"]
    assert _cells(rows[2]) == ["work_order_case", "Case", "load", "upsert", "rest", "411", "409", "0", "0", "2", "7",
                               "3.1"]
    assert _text(doc.get_element_by_id("step-seconds")) == "8.0"


def test_errors_grouped_by_step_and_code_with_the_first_examples(folders) -> None:
    _, doc = _render(*folders)
    # 8 complete lines; the torn last line (a killed writer) is not counted
    assert _text(doc.get_element_by_id("error-total")).startswith("8 row(s) failed to load")
    rows = doc.get_element_by_id("errors").xpath(".//tr[@data-code]")
    assert [(r.get("data-step"), r.get("data-code"), _cells(r)[3]) for r in rows] == [
        ("contact", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "4"),
        ("work_order_case", "UNABLE_TO_LOCK_ROW", "2"),
        ("contact", "DUPLICATE_VALUE", "1"),
        ("files", "STORAGE_LIMIT_EXCEEDED", "1"),
    ]
    examples = [_text(li) for li in rows[0].xpath(".//li")]
    assert examples == ["cc_0000011 Phone must have 10 digits (Phone)", "cc_0000017 Phone must have 10 digits (Phone)",
                        "cc_0000031 Phone must have 10 digits (Phone)"]


def test_no_secret_reaches_the_report(folders) -> None:
    path, doc = _render(*folders)
    html = path.read_text(encoding="utf-8")
    assert "FakeTokenValue" not in html and "00D000000000001!" not in html
    lock = doc.get_element_by_id("errors").xpath(".//tr[@data-code='UNABLE_TO_LOCK_ROW']//li")[0]
    assert _text(lock) == "wo_0000101 unable to obtain exclusive access to this record Authorization: Bearer ***"


def test_quarantine_grouped_by_resource_and_rule_with_hints(folders) -> None:
    _, doc = _render(*folders)
    assert _text(doc.get_element_by_id("quarantine-total")).startswith(
        "10 entries in the dataset's quarantine.jsonl: 9 record(s) held back, 1 extra row(s) not built")
    rows = doc.get_element_by_id("quarantine").xpath(".//tr[@data-rule]")
    assert [(r.get("data-resource"), r.get("data-rule"), _cells(r)[2], _cells(r)[3]) for r in rows] == [
        ("client_contacts", "bad_email", "4", "0"),
        ("client_contacts", "missing_parent", "1", "0"),
        ("client_contacts", "too_long", "1", "0"),
        ("clients", "required", "2", "0"),
        ("clients", "duplicate_key", "1", "0"),
        ("work_orders", "required", "0", "1"),
    ]
    bad_email = rows[0]
    assert _cells(bad_email)[4] == "Contact.Email"
    assert _cells(bad_email)[5] == "Correct the address in ServiceTracker."
    assert len(bad_email.xpath(".//li")) == 3        # the first three of four
    required = rows[3]
    assert [_text(li) for li in required.xpath(".//li")] == [
        "cl_0000004 Name = ∅: Account.Name is required and the record has no name",
        "cl_0000033 Name = ∅: Account.Name is required and the record has no name (+1 more problem)"]


def test_tenant_markup_is_text_not_html(folders) -> None:
    path, doc = _render(*folders)
    html = path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not doc.xpath("//script") and not doc.xpath("//b")
    assert "<b>not markup</b> & kept as text" in [_text(li) for li in doc.get_element_by_id("warnings")]


def test_self_contained(folders) -> None:
    _, doc = _render(*folders)
    assert not doc.xpath("//link|//script|//img|//iframe|//*[@src]")
    assert not [a for a in doc.xpath("//a/@href") if not a.startswith("#")]


def test_owner_gap_report(folders) -> None:
    _, doc = _render(*folders)
    assert _text(doc.get_element_by_id("fallback")) == (
        "Records of technicians without an active user go to the fallback owner admin@demo.example.com.demo.")
    summary = _text(doc.xpath("//p[@data-owners='technicians']")[0])
    assert summary == ("6 technicians: 3 matched to an active user, 3 gap(s) (ambiguous 1, inactive 1, matched 3, "
                       "no_match 1); 1 inactive, 1 ambiguous · 212 record(s) sent to the fallback owner, 40 of them "
                       "with no technician at all.")
    rows = doc.xpath("//table[@data-resource='technicians']//tr[@data-technician]")
    assert [_cells(r) for r in rows] == [
        ["te_0000002", "Marilyn Buchanan", "marilyn.buchanan@fieldco.example.com", "no_match",
         "no active user has 'marilyn.buchanan@fieldco.example.com'", "", "57", "technician_contact"],
        ["te_0000004", "Omar Haddad", "omar@fieldco.example.com", "inactive", "only an inactive user has it",
         "omar@demo.example.com.demo (inactive)", "70", "technician_contact"],
        ["te_0000005", "Kim & Lee", "kim@fieldco.example.com", "ambiguous", "2 active users have it",
         "twin.one@demo.example.com.demo, twin.two@demo.example.com.demo", "45", "technician_contact"],
    ]


def test_files_outcome(folders) -> None:
    _, doc = _render(*folders)
    row = doc.get_element_by_id("files").xpath(".//tr")[1]
    assert _cells(row) == ["63", "61", "0", "1", "1", "61", "123,456", "56", "55", "0"]
    assert _text(doc.get_element_by_id("files-skipped")) == "Skipped: file_too_large 1."


def test_a_run_that_failed_before_writing_accounting_still_gets_a_report(tmp_path, folders) -> None:
    _, dataset = folders
    run = tmp_path / "runs" / "20261127T235900Z-migrate-dead"
    run.mkdir(parents=True)
    (run / "errors.jsonl").write_text(json.dumps({"step": "client_account", "sobject": "Account", "code":
                                                  "INVALID_SESSION_ID", "message": "Session expired or invalid",
                                                  "source_id": "cl_0000001", "fields": []}) + "\n")
    path, doc = _render(run, dataset)
    assert path.is_file()
    assert _text(doc.get_element_by_id("status")) == "FAILED"
    assert _text(doc.get_element_by_id("balance")).startswith("The run wrote no accounting")
    assert "20261127T235900Z-migrate-dead" in _text(doc.xpath("//h1")[0])
    assert [r.get("data-code") for r in doc.get_element_by_id("errors").xpath(".//tr[@data-code]")] == [
        "INVALID_SESSION_ID"]
    # the dataset's quarantine and owners are still shown
    assert len(doc.get_element_by_id("quarantine").xpath(".//tr[@data-rule]")) == 6


def test_a_failed_run_with_accounting_says_failed(folders) -> None:
    run, dataset = folders
    accounting = json.loads((run / "accounting.json").read_text())
    accounting["ok"] = False
    (run / "accounting.json").write_text(json.dumps(accounting))
    _, doc = _render(run, dataset)
    assert _text(doc.get_element_by_id("status")) == "FAILED"
    assert "bad" in doc.get_element_by_id("headline").classes
    assert doc.xpath("//title")[0].text.endswith("— failed")


def test_a_dataset_without_quarantine_or_owners(folders) -> None:
    run, dataset = folders
    (dataset / "quarantine.jsonl").unlink()
    (dataset / "owners.json").unlink()
    _, doc = _render(run, dataset)
    assert _text(doc.get_element_by_id("quarantine-total")) == "Nothing was quarantined."
    assert _text(doc.get_element_by_id("fallback")) == "The dataset has no owners report."
