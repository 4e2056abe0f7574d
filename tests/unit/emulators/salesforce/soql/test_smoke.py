"""The public API end to end on the sample org: plain lists, WHERE, ORDER BY, LIMIT, paging."""

from __future__ import annotations

from emulators.salesforce.soql import QueryEngine, SoqlError, compile_query, parse
from tests.unit.emulators.salesforce.soql.memory_org import MemoryRecords, sample_schemas


def test_plain_select_where_order_limit(org) -> None:  # type: ignore[no-untyped-def]
    page = org.engine().open("select id, name from account where industry = 'technology' order by name desc limit 5")
    assert page.total_size == 2 and page.done and page.next_locator is None
    assert [r["Name"] for r in page.records] == ["delta 100%", "Acme"]
    assert page.records[1] == {
        "attributes": {"type": "Account", "url": f"/services/data/v62.0/sobjects/Account/{org.ids['a1']}"},
        "Id": org.ids["a1"],
        "Name": "Acme",
    }


def test_paging_over_many_rows() -> None:
    schemas = sample_schemas()
    records = MemoryRecords(schemas)
    for n in range(450):
        records.add("Account", Name=f"A{n:04d}")
    engine = QueryEngine(schemas, records)
    first = engine.open("SELECT Name FROM Account", batch_size=200)
    assert (first.total_size, first.done, len(first.records)) == (450, False, 200)
    assert first.next_locator is not None and first.next_locator.startswith("01g")
    assert first.next_locator.endswith("-200")
    second = engine.next_page(first.next_locator)
    assert (second.total_size, second.done, len(second.records)) == (450, False, 200)
    third = engine.next_page(second.next_locator)  # type: ignore[arg-type]
    assert (third.done, third.next_locator, len(third.records)) == (True, None, 50)
    names = [r["Name"] for r in first.records + second.records + third.records]
    assert names == [f"A{n:04d}" for n in range(450)]


def test_api_surface(org) -> None:  # type: ignore[no-untyped-def]
    assert parse("SELECT Id FROM Account").sobject == "Account"
    assert compile_query("SELECT Id FROM account", org.schemas).sobject.name == "Account"
    try:
        compile_query("SELECT Id FROM Nope", org.schemas)
    except SoqlError as exc:
        assert exc.error_code == "INVALID_TYPE"
    else:
        raise AssertionError("no error")
