"""Redaction formats per marketplace: phone numbers (libphonenumber), postcodes with cities, names after titles."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.model.case import Case
from appealagent.redact import Redactor

from .conftest import ROOT

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"


def case_for(marketplace: str, text: str) -> Case:
    data = json.loads(CASE.read_text())
    data["marketplace"] = marketplace
    data["notification"]["text"] = text
    return Case.model_validate(data)


PHONES = [
    ("US", "4155550199"), ("US", "(415) 555-0199"), ("US", "415.555.0199"), ("US", "+1 415 555 0199"), ("US", "1-415-555-0199"),
    ("UK", "020 7946 0958"), ("UK", "+44 20 7946 0958"), ("UK", "07911 123456"), ("UK", "07911123456"),
    ("DE", "+49 30 1234567"), ("DE", "030 1234567"), ("DE", "0171 2345678"), ("DE", "+4930123456789"),
    ("FR", "01 23 45 67 89"), ("FR", "+33 1 23 45 67 89"), ("FR", "06 12 34 56 78"),
    ("IT", "+39 06 1234 5678"), ("ES", "912 345 678"), ("ES", "+34 612 345 678"),
    ("JP", "03-1234-5678"), ("JP", "090-1234-5678"), ("CA", "604-555-0123"), ("AU", "(02) 9876 5432"), ("AU", "0412 345 678"),
    ("IN", "+91 98765 43210"), ("MX", "55 1234 5678"), ("NL", "020 123 4567"), ("PL", "+48 512 345 678"), ("SE", "08-123 456 78"),
]


@pytest.mark.parametrize("marketplace,phone", PHONES)
def test_phone_numbers_in_the_marketplace_format(marketplace, phone):
    case = case_for(marketplace, f"The buyer called us on {phone} twice.")
    r = Redactor.for_case(case)
    out = r.redact_text(case.notification.text)
    assert phone not in out and "<PHONE_1>" in out, out
    assert r.restore_text(out) == case.notification.text


POSTCODES = [
    ("US", "Seattle, WA 98109"), ("US", "New York, NY 10001-2345"), ("UK", "London SW1A 1AA"), ("UK", "Manchester M1 1AE"),
    ("DE", "10115 Berlin"), ("DE", "60311 Frankfurt am Main"), ("FR", "75001 Paris"), ("IT", "00184 Roma"), ("ES", "28013 Madrid"),
    ("CA", "K1A 0B6"), ("NL", "1012 AB Amsterdam"), ("PL", "00-950 Warszawa"), ("SE", "111 22 Stockholm"), ("JP", "〒100-0001"),
    ("AU", "Sydney NSW 2000"),
]


@pytest.mark.parametrize("marketplace,place", POSTCODES)
def test_postcodes_with_their_city(marketplace, place):
    case = case_for(marketplace, f"The parcel went to {place} and came back.")
    out = Redactor.for_case(case).redact_text(case.notification.text)
    assert place not in out and "<ADDRESS_1>" in out, out


NAMES = ["Mrs. O'Brien", "Ms Anna Müller", "Mr. Jean-Luc Picard", "Herr Schmidt", "Dr. Ngozi Okafor", "Frau Özdemir"]


@pytest.mark.parametrize("titled", NAMES)
def test_names_after_titles_and_everywhere_the_case_holds_them(titled):
    surname = titled.split()[-1]
    case = case_for("US", f"{titled} wrote that the parcel was late. We refunded {surname} the same day.")
    r = Redactor.for_case(case)
    out = r.redact_obj(case.model_dump(mode="json"))
    text = json.dumps(out, ensure_ascii=False)
    assert surname not in text, text
    assert "<BUYER_" in text
    assert r.restore_obj(out)["notification"]["text"] == case.notification.text


def test_a_name_learnt_from_one_field_is_redacted_in_another():
    data = json.loads(CASE.read_text())
    data["notification"]["text"] = "Customer Anna Kowalski complained about order delays."
    data["orders"][0]["issue"] = "Kowalski received the parcel 6 days late; Anna Kowalski asked for a refund."
    case = Case.model_validate(data)
    text = json.dumps(Redactor.for_case(case).redact_obj(case.model_dump(mode="json")))
    assert "Kowalski" not in text and "Anna" not in text.replace("Anna Kowalski", "")


def test_things_that_are_not_private_stay():
    case = case_for("US", "On 2024-05-01 we shipped 12345 units of ASIN B07XYZ1234; Customer Service Performance was 98.5%. Mr. Amazon.")
    out = Redactor.for_case(case).redact_text(case.notification.text)
    for kept in ("2024-05-01", "12345 units", "B07XYZ1234", "Customer Service Performance", "98.5%"):
        assert kept in out, out


def test_dry_run_shows_the_redacted_request(tmp_path):
    data = json.loads(CASE.read_text())
    data["notification"]["text"] = "Mrs. O'Brien (4155550199, Seattle, WA 98109) complained."
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    # The author style sends the case with its notice: every private value becomes a placeholder.
    result = runner.invoke(app, ["draft", str(path), "--dry-run", "--style", "author"])
    assert result.exit_code == 0, result.stderr
    for private in ("O'Brien", "4155550199", "WA 98109"):
        assert private not in result.stdout
    assert "<PHONE_" in result.stdout and "<BUYER_" in result.stdout and "<ADDRESS_" in result.stdout
    # The editor style (the default) sends the offline letter, which holds none of them at all.
    result = runner.invoke(app, ["draft", str(path), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    for private in ("O'Brien", "4155550199", "WA 98109"):
        assert private not in result.stdout


def test_phonenumbers_is_imported_lazily_and_is_cheap():
    import subprocess
    import sys

    code = "import sys, appealagent.redact; print('phonenumbers' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    case = case_for("DE", "Rückruf unter 030 1234567 erbeten.")
    started = time.perf_counter()
    Redactor.for_case(case).redact_text(case.notification.text)
    assert time.perf_counter() - started < 2.0
