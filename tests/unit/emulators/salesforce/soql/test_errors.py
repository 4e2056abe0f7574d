"""Every refusal of the semantic check, with Salesforce's exact errorCode and message."""

from __future__ import annotations

import pytest

from emulators.salesforce.soql import SoqlError, compile_query

CUSTOM_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)
RELATIONSHIP_HINT = (
    "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom "
    "relationship name. Please reference your WSDL or the describe call for the appropriate names."
)


def refuse(org, text: str) -> SoqlError:  # type: ignore[no-untyped-def]
    with pytest.raises(SoqlError) as info:
        compile_query(text, org.schemas)
    return info.value


def test_unknown_object(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id FROM Nope")
    assert err.error_code == "INVALID_TYPE"
    assert err.message == (
        "\nSELECT Id FROM Nope\n               ^\nERROR at Row:1:Column:16\nsObject type 'Nope' is not supported. If "
        "you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please "
        "reference your WSDL or the describe call for the appropriate names."
    )
    assert err.as_rest_error() == [{"message": err.message, "errorCode": "INVALID_TYPE"}]


def test_object_that_is_not_queryable() -> None:
    from dataclasses import replace

    from tests.unit.emulators.salesforce.soql.memory_org import MemorySchemas, sample_schemas

    base = sample_schemas()
    schemas = MemorySchemas([replace(base.get("Account"), queryable=False)])  # type: ignore[type-var]
    with pytest.raises(SoqlError) as info:
        compile_query("SELECT Id FROM account", schemas)
    assert (info.value.error_code, info.value.message) == (
        "INVALID_TYPE_FOR_OPERATION",
        "entity type Account does not support query",
    )


def test_unknown_field(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Foo FROM Account")
    assert (err.error_code, err.message) == (
        "INVALID_FIELD",
        "\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'. "
        + CUSTOM_FIELD_HINT,
    )


def test_unknown_field_behind_a_relationship_names_the_parent_entity(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Account.Nope FROM Contact")
    assert (err.error_code, err.message) == (
        "INVALID_FIELD",
        "\nSELECT Account.Nope FROM Contact\n               ^\nERROR at Row:1:Column:16\nNo such column 'Nope' on "
        "entity 'Account'. " + CUSTOM_FIELD_HINT,
    )


def test_polymorphic_relationships_expose_only_the_name_entity(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT What.Industry FROM Task")
    assert err.error_code == "INVALID_FIELD"
    assert err.message.endswith("\nNo such column 'Industry' on entity 'Name'. " + CUSTOM_FIELD_HINT)


@pytest.mark.parametrize(
    ("text", "name", "column"),
    [
        ("SELECT Nope.Name FROM Contact", "Nope", 8),
        ("SELECT LastName.Foo FROM Contact", "LastName", 8),
        ("SELECT Id FROM Contact WHERE Account.Nope.Name = 'x'", "Nope", 38),
        ("SELECT What.Owner.Name FROM Task", "Owner", 13),
    ],
)
def test_unknown_or_non_reference_relationship(org, text: str, name: str, column: int) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, text)
    assert err.error_code == "INVALID_FIELD"
    assert err.message.endswith(
        f"\nERROR at Row:1:Column:{column}\nDidn't understand relationship '{name}' in field path. " + RELATIONSHIP_HINT
    )


def test_unknown_child_relationship(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id, (SELECT Id FROM Nopes) FROM Account")
    assert (err.error_code, err.message) == (
        "INVALID_TYPE",
        "\nSELECT Id, (SELECT Id FROM Nopes) FROM Account\n                           ^\nERROR at Row:1:Column:28\n"
        "Didn't understand relationship 'Nopes' in FROM part of query call. " + RELATIONSHIP_HINT,
    )


@pytest.mark.parametrize(
    ("condition", "field", "type_name", "quoted"),
    [
        ("NumberOfEmployees = 'ten'", "NumberOfEmployees", "integer", False),
        ("AnnualRevenue > 'x'", "AnnualRevenue", "double", False),
        ("Name = 5", "Name", "string", True),
        ("Industry IN ('Finance', 3)", "Industry", "string", True),
        ("Active__c = 'true'", "Active__c", "boolean", False),
        ("Founded__c = 2024-01-01T00:00:00Z", "Founded__c", "date", False),
        ("Founded__c = 2024-02-30", "Founded__c", "date", False),
        ("CreatedDate > 2024-01-01", "CreatedDate", "dateTime", False),
        ("OwnerId = 5", "OwnerId", "id", True),
        ("Name = TODAY", "Name", "string", True),
    ],
)
def test_value_of_the_wrong_type(org, condition: str, field: str, type_name: str, quoted: bool) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, f"SELECT Id FROM Account WHERE {condition}")
    quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    assert err.error_code == "INVALID_FIELD"
    assert err.message.endswith(f"\nvalue of filter criterion for field '{field}' must be of type {type_name} and {quotes}")


def test_wrong_type_points_at_the_value(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id FROM Account WHERE NumberOfEmployees = 'ten'")
    assert err.message.startswith(
        "\nWHERE NumberOfEmployees = 'ten'\n                          ^\nERROR at Row:1:Column:50\n"
    )


@pytest.mark.parametrize(
    ("condition", "type_name"),
    [
        ("NumberOfEmployees LIKE '5%'", "int"),
        ("Tags__c LIKE 'Gold%'", "multipicklist"),
        ("Id LIKE '001%'", "id"),
        ("OwnerId LIKE '005%'", "reference"),
        ("Founded__c LIKE '2024%'", "date"),
        ("Active__c > true", "boolean"),
    ],
)
def test_operator_on_the_wrong_type(org, condition: str, type_name: str) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, f"SELECT Id FROM Account WHERE {condition}")
    assert err.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert err.message.endswith(f"\ninvalid operator on {type_name} field")


def test_like_error_points_at_the_field(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Name FROM Account WHERE Tags__c LIKE 'Gold%'")
    assert err.message == (
        "\nSELECT Name FROM Account WHERE Tags__c LIKE 'Gold%'\n                               ^\nERROR at Row:1:Column:32\n"
        "invalid operator on multipicklist field"
    )


def test_includes_only_on_multipicklists(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id FROM Account WHERE Industry INCLUDES ('Finance')")
    assert err.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert err.message.endswith("\nincludes or excludes operator only valid on multipicklist field")


@pytest.mark.parametrize("value", ["abc", "001000000000001", "001000000000001XXX"])
def test_invalid_id_literal(org, value: str) -> None:  # type: ignore[no-untyped-def]
    if value == "001000000000001":  # a valid 15-character Id is accepted
        compile_query(f"SELECT Id FROM Account WHERE Id = '{value}'", org.schemas)
        return
    err = refuse(org, f"SELECT Id FROM Account WHERE Id = '{value}'")
    assert err.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert err.message.endswith(f"\ninvalid ID field: {value}")


@pytest.mark.parametrize(
    ("text", "verb", "field"),
    [
        ("SELECT Id FROM Account WHERE Description = 'x'", "filtered", "Description"),
        ("SELECT Id FROM Account ORDER BY Description", "sorted", "Description"),
        ("SELECT Description, COUNT(Id) FROM Account GROUP BY Description", "grouped", "Description"),
        ("SELECT COUNT(Id) FROM Account GROUP BY CreatedDate", "grouped", "CreatedDate"),
    ],
)
def test_field_capabilities(org, text: str, verb: str, field: str) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, text)
    assert err.error_code == "INVALID_FIELD"
    column = text.rindex(field) + 1
    assert err.message.endswith(f"\nERROR at Row:1:Column:{column}\nfield '{field}' can not be {verb} in a query call")


def test_field_neither_grouped_nor_aggregated(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Name, COUNT(Id) FROM Account")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "Field must be grouped or aggregated: Name")
    err = refuse(org, "SELECT Industry, Name FROM Account GROUP BY Industry")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "Field must be grouped or aggregated: Name")
    err = refuse(org, "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY Name")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "Ordered field must be grouped or aggregated: Name")


@pytest.mark.parametrize(
    ("expr", "field", "function"),
    [("SUM(Name)", "Name", "SUM"), ("AVG(Founded__c)", "Founded__c", "AVG"), ("MAX(Active__c)", "Active__c", "MAX"),
     ("COUNT(Description)", "Description", "COUNT"), ("MIN(Tags__c)", "Tags__c", "MIN")],
)
def test_aggregate_on_an_unsupported_field(org, expr: str, field: str, function: str) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, f"SELECT {expr} FROM Account")
    assert err.error_code == "MALFORMED_QUERY"
    assert err.message == (
        f"\nSELECT {expr} FROM Account\n{' ' * (len(function) + 8)}^\nERROR at Row:1:Column:{len(function) + 9}\n"
        f"field {field} does not support aggregate operator {function}"
    )


def test_count_star_stands_alone(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT COUNT(), Name FROM Account")
    assert (err.error_code, err.message) == (
        "MALFORMED_QUERY",
        "COUNT() and other fields or aggregate functions cannot be used together",
    )


def test_duplicates(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Name, name FROM Account")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "duplicate field selected: name")
    err = refuse(org, "SELECT Owner.Name, owner.NAME FROM Account")
    assert err.message == "duplicate field selected: owner.NAME"
    err = refuse(org, "SELECT COUNT(Id) n, MAX(Name) N FROM Account")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "duplicate alias: N")


def test_more_than_five_hops(org) -> None:  # type: ignore[no-untyped-def]
    compile_query("SELECT Account.Owner.Manager.Manager.Manager.Name FROM Contact", org.schemas)
    err = refuse(org, "SELECT Account.Owner.Manager.Manager.Manager.Manager.Name FROM Contact")
    assert (err.error_code, err.message) == (
        "MALFORMED_QUERY",
        "SOQL statements cannot query relationships that are more than 5 levels away from the root entity object.",
    )


def test_offset_over_2000(org) -> None:  # type: ignore[no-untyped-def]
    compile_query("SELECT Id FROM Account OFFSET 2000", org.schemas)
    err = refuse(org, "SELECT Id FROM Account OFFSET 2001")
    assert (err.error_code, err.message) == (
        "NUMBER_OUTSIDE_VALID_RANGE",
        "Maximum SOQL offset allowed for apiName Account is 2000",
    )


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("Name IN (SELECT LastName FROM Contact)", "The left operand of a semi join must be an id or a reference field"),
        ("Id IN (SELECT LastName FROM Contact)", "The selected field in a semi join subquery must be an id or a reference field"),
        ("Id IN (SELECT AccountId, Id FROM Contact)", "The selected field in a semi join subquery must be an id or a reference field"),
        ("ParentId IN (SELECT Id FROM Account)", "The inner and outer selects should not be on the same object type"),
    ],
)
def test_semi_join_shape(org, condition: str, message: str) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, f"SELECT Id FROM Account WHERE {condition}")
    assert err.error_code == "MALFORMED_QUERY"
    assert err.message.endswith(message)


def test_semi_join_on_unknown_object(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Nope)")
    assert err.error_code == "INVALID_TYPE"
    assert err.message.endswith("sObject type 'Nope' is not supported. If you are attempting to use a custom object, "
                                "be sure to append the '__c' after the entity name. Please reference your WSDL or "
                                "the describe call for the appropriate names.")


def test_typeof_errors(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT TYPEOF What WHEN Contact THEN Name END FROM Task")
    assert err.error_code == "INVALID_TYPE"
    assert err.message.startswith("\nSELECT TYPEOF What WHEN Contact THEN Name END FROM Task\n"
                                  "                        ^\nERROR at Row:1:Column:25\nsObject type 'Contact'")
    err = refuse(org, "SELECT TYPEOF What WHEN Account THEN Nope END FROM Task")
    assert err.error_code == "INVALID_FIELD"
    assert err.message.endswith("No such column 'Nope' on entity 'Account'. " + CUSTOM_FIELD_HINT)
    err = refuse(org, "SELECT TYPEOF What WHEN Account THEN Name ELSE Industry END FROM Task")
    assert err.message.endswith("No such column 'Industry' on entity 'Name'. " + CUSTOM_FIELD_HINT)
    err = refuse(org, "SELECT What.Name, TYPEOF What WHEN Account THEN Name END FROM Task")
    assert (err.error_code, err.message) == ("MALFORMED_QUERY", "duplicate field selected: What")


def test_nested_child_subquery_is_refused(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) FROM Contacts) FROM Account")
    assert err.error_code == "MALFORMED_QUERY"
    assert err.message.endswith("unexpected token: '('")


def test_non_field_items_in_aggregate_queries(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT COUNT(Id), (SELECT Id FROM Contacts) FROM Account")
    assert (err.error_code, err.message.splitlines()[-1]) == ("MALFORMED_QUERY", "unexpected token: '(SELECT'")
    err = refuse(org, "SELECT COUNT(Id), FIELDS(ALL) FROM Account LIMIT 1")
    assert err.message.splitlines()[-1] == "unexpected token: 'FIELDS(ALL)'"


def test_aggregates_in_child_subqueries_are_refused(org) -> None:  # type: ignore[no-untyped-def]
    err = refuse(org, "SELECT Id, (SELECT COUNT(Id) FROM Contacts) FROM Account")
    assert (err.error_code, err.message.splitlines()[-1]) == ("MALFORMED_QUERY", "unexpected token: 'COUNT'")
