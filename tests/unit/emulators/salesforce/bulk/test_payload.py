"""Reading Bulk batch data (CSV, JSON, XML) into record bodies, and the ``CODE:message:fields --`` form."""

from __future__ import annotations

import pytest

from emulators.salesforce.bulk.dml import RowError, error_text
from emulators.salesforce.bulk.payload import BatchFailure, parse_csv, parse_json, parse_xml
from emulators.salesforce.catalog import standard_schemas
from emulators.salesforce.org.schemas import OrgSchemas

SCHEMAS = OrgSchemas(standard_schemas())
CONTACT = SCHEMAS.plan("Contact")


def test_csv_empty_values_are_left_out_and_na_sets_null():
    parsed = parse_csv(b'"LastName","Email","Phone"\n"Ng","","#N/A"\nLee,lee@example.com,5\n', CONTACT)
    assert parsed.records == [{"LastName": "Ng", "Phone": None}, {"LastName": "Lee", "Email": "lee@example.com", "Phone": "5"}]
    assert parsed.header == ("LastName", "Email", "Phone")


def test_csv_header_names_fields_case_insensitively_and_parents_by_relationship():
    parsed = parse_csv(b"lastname,Account.Name,Owner.Username\nNg,Acme,x@example.com\n", CONTACT)
    assert parsed.records == [{"LastName": "Ng", "Account": {"Name": "Acme"}, "Owner": {"Username": "x@example.com"}}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"LastName,Colour__c\nNg,red\n", "InvalidBatch : Field name not found : Colour__c"),
        (b"LastName,lastname\nNg,Ng\n", "InvalidBatch : Duplicate field name: lastname"),
        (b"LastName,Email\nNg\n", "InvalidBatch : Wrong number of fields on line 2: expected 2, found 1"),
        (b"", "ClientInputError : The batch has no header row"),
        (b"LastName\n" + b"x\n" * 10_001,
         "InvalidBatch : Exceeded number of records: 10002. Number of records should be less than or equal to 10001"),
    ],
)
def test_csv_problems_fail_the_batch(data, message):
    with pytest.raises(BatchFailure) as failure:
        parse_csv(data, CONTACT)
    assert failure.value.state_message == message


def test_json_and_xml_records():
    assert parse_json(b'[{"attributes": {"type": "Contact"}, "LastName": "Ng", "Account": {"Name": "Acme"}}]',
                      CONTACT).records == [{"LastName": "Ng", "Account": {"Name": "Acme"}}]
    xml = (b'<sObjects xmlns="http://www.force.com/2009/06/asyncapi/dataload" '
           b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sObject><type>Contact</type><LastName>Ng</LastName>'
           b'<Email xsi:nil="true"/><Account><Name>Acme</Name></Account></sObject></sObjects>')
    assert parse_xml(xml, CONTACT).records == [{"LastName": "Ng", "Email": None, "Account": {"Name": "Acme"}}]
    with pytest.raises(BatchFailure, match="Field name not found : Nope"):
        parse_json(b'[{"Nope": 1}]', CONTACT)


def test_error_text_is_code_message_fields():
    assert error_text(RowError("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ("LastName",))) == (
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --")
    assert error_text(RowError("X", "two", ("A", "B"))) == "X:two:A,B --"
    assert error_text(RowError("UNABLE_TO_LOCK_ROW", "busy")) == "UNABLE_TO_LOCK_ROW:busy:--"
