"""The LLM's second opinion on an unclear notice: asked only when the rules are unsure, checked, marked."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.intake.assemble import needs_llm_assist, parse_notice

from .stub_server import StubServer, point_at, text_reply

runner = CliRunner()

UNCLEAR = """From: Amazon Seller Performance <seller-performance@amazon.com>
Subject: Your Amazon.com selling privileges have been deactivated

Hello Aurora Goods,

We have deactivated your Amazon.com selling privileges and placed a hold on the funds in your account.
We received a report about the product you sell under ASIN B0C4R7TQ2M. Our review found that the
item you sent to the customer on order 112-5550123-7781234 is not the one shown on the detail page.

How do I reactivate my account?
Send us a plan of action within 17 days. Contact the buyer at jane.buyer@example.com if needed.
"""


def _suggestion(vt: str = "used_sold_as_new", phrases: list[str] | None = None) -> str:
    return json.dumps(
        {
            "violation_type": vt,
            "confidence": 0.8,
            "phrases": phrases if phrases is not None else ["is not the one shown on the detail page"],
            "account_level": True,
        }
    )


def test_the_unclear_notice_needs_assist():
    result = parse_notice(UNCLEAR)
    assert needs_llm_assist(result)


def test_without_an_llm_the_rules_reading_stands_and_nothing_is_sent():
    with StubServer() as stub:
        result = runner.invoke(app, ["intake", "-", "--json"], input=UNCLEAR)
        assert stub.requests == []
    data = json.loads(result.stdout)
    assert data["llm_assisted"] is False


def test_configured_llm_suggests_a_type_marked_as_its_own(monkeypatch, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(UNCLEAR)
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(_suggestion()))
        result = runner.invoke(app, ["intake", str(notice), "--json"])
        stub.enqueue(text_reply(_suggestion()))
        human = runner.invoke(app, ["intake", str(notice)])
        sent = stub.requests[0].body
    data = json.loads(result.stdout)
    assert data["llm_assisted"] is True
    assert data["case"]["violation_type"] == "used_sold_as_new"
    assert data["found"]["llm_suggestion"]["source"] == "llm"
    assert "suggested by the LLM" in human.stdout
    # The notice went out redacted: no order ID or e-mail of the seller's buyer.
    text = json.dumps(sent["messages"])
    assert "112-5550123-7781234" not in text and "jane.buyer@example.com" not in text
    assert sent["response_format"]["type"] == "json_schema"


def test_a_suggestion_quoting_nothing_from_the_notice_is_discarded(monkeypatch):
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(_suggestion("trademark", ["infringes the BRAND trademark"])))
        result = runner.invoke(app, ["intake", "-", "--json"], input=UNCLEAR)
    data = json.loads(result.stdout)
    assert data["llm_assisted"] is False
    assert data["case"].get("violation_type") != "trademark"
    assert "quoted nothing from the notice" in result.stderr


def test_a_type_outside_the_closed_list_is_refused(monkeypatch):
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(_suggestion("being_mean_to_buyers")))
        result = runner.invoke(app, ["intake", "-", "--json"], input=UNCLEAR)
    assert json.loads(result.stdout)["llm_assisted"] is False
    assert "invalid" in result.stderr


def test_no_llm_flag_and_a_clear_notice_send_nothing(monkeypatch):
    clear = (
        "From: seller-performance@amazon.com\nSubject: Your Amazon.com selling privileges have been deactivated\n\n"
        "Your Order Defect Rate is 3.2%, above our target of under 1%. Your selling privileges have been deactivated.\n"
    )
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        runner.invoke(app, ["intake", "-", "--no-llm"], input=UNCLEAR)
        runner.invoke(app, ["intake", "-"], input=clear)
        assert stub.requests == []


def test_dry_run_prints_the_messages_and_sends_nothing(monkeypatch):
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        result = runner.invoke(app, ["intake", "-", "--dry-run"], input=UNCLEAR)
        assert stub.requests == []
    payload = json.loads(result.stdout)
    assert payload["messages"][0]["role"] == "system"
    assert "<notice>" in payload["messages"][-1]["content"]


@pytest.mark.parametrize("raw", ["not json", '{"violation_type": "trademark"}', ""])
def test_parse_suggestion_rejects_bad_replies(raw):
    from appealagent.errors import EngineError
    from appealagent.intake.assist import parse_suggestion

    with pytest.raises(EngineError):
        parse_suggestion(raw, UNCLEAR)
