"""The letters around the appeal end to end: an IP notice through intake and the interview to both letters, and the kinds' templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from appealagent.catalog.datafiles import load_yaml
from appealagent.cli import app
from appealagent.engines import framing

runner = CliRunner()
NOTICE = Path(__file__).parent / "data" / "notices" / "08_trademark_listings_us.txt"

# What a seller answers after intake has read the notice (`appealagent interview --list-questions trademark`).
ANSWERS = {
    "store_name": "Pinecrest Kitchen",
    "login_email": "support@pinecrest-kitchen.example",
    "contact_name": "Megan Doyle, Owner",
    "what_happened": "On 2 October 2026 we published two accessory listings whose titles named the Vortexa brand to describe which pans they fit.",
    "brand": "Vortexa",
    "retraction_contact": "Ms Albers",
    "causes": ["brand_in_listing", "no_register_check"],
    "causes.brand_in_listing.detail": "The titles of B0CJ8TRW3N and B0CJ8V4L2X used the word Vortexa to say which pans the splatter guard and the lid knobs fit",
    "causes.no_register_check.detail": "Nobody checked the brand names in the two titles against the USPTO register before the listings went live on 2 October 2026",
    "actions": ["removed_term", "audit_all"],
    "actions.removed_term.specifics": "removed Vortexa from the titles, bullet points and search terms of B0CJ8TRW3N and B0CJ8V4L2X",
    "actions.removed_term.done_on": "2026-10-10",
    "actions.removed_term.who": "listing_manager",
    "actions.audit_all.specifics": "checked all 86 active listings for third-party brand names and edited 3 further titles",
    "actions.audit_all.done_on": "2026-10-12",
    "actions.audit_all.who": "operations_manager",
    "measures": ["brand_screen", "second_review"],
    "measures.brand_screen.owner": "listing_manager",
    "measures.brand_screen.frequency": "every_listing",
    "measures.second_review.owner": "operations_manager",
    "measures.second_review.frequency": "every_listing",
    "evidence": ["invoice", "listing_screenshot"],
    "evidence.invoice.date": "2026-08-14",
    "evidence.invoice.issuer": "Lakeshore Housewares Supply Inc.",
    "evidence.invoice.reference": "LHS-44810",
    "evidence.listing_screenshot.date": "2026-10-10",
}


@pytest.fixture(scope="module")
def case_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ip")
    case = folder / "case.json"
    intake = runner.invoke(app, ["intake", str(NOTICE), "-o", str(case)])
    assert intake.exit_code == 0, intake.output
    answers = folder / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS, allow_unicode=True), encoding="utf-8")
    interview = runner.invoke(app, ["interview", "--resume", str(case), "--answers", str(answers)])
    assert interview.exit_code == 0, interview.output
    assert "--kind retraction_request" in interview.output  # the IP notice suggests the retraction request
    return case


def _draft(case: Path, *kind: str) -> dict:
    result = runner.invoke(app, ["draft", *kind, str(case), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_ip_case_drafts_the_appeal_and_the_retraction_request(case_path: Path) -> None:
    case = json.loads(case_path.read_text(encoding="utf-8"))
    assert case["violation_type"] == "trademark" and case["letter_kind"] == "listing_appeal"
    assert case["notification"]["complaint_ids"] == ["11427930518", "11427930519"]
    assert case["notification"]["rights_owner"]["name"] == "Vortexa Housewares Inc."

    appeal = _draft(case_path)
    retraction = _draft(case_path, "--kind", "retraction_request")
    for out in (appeal, retraction):
        assert out["ready"] is True, out
        assert "[TO COMPLETE" not in out["letter"]
        assert "B0CJ8TRW3N" in out["letter"] and "B0CJ8V4L2X" in out["letter"]
    assert appeal["letter"].startswith("Dear Seller Performance Team,")
    assert "Root cause" in appeal["letter"].splitlines()
    letter = retraction["letter"]
    assert letter.startswith("Dear Ms Albers,")
    assert "11427930518" in letter and "11427930519" in letter and "Vortexa Housewares Inc." in letter
    assert "What we have done" in letter.splitlines() and "retraction" in letter
    assert "Lakeshore Housewares Supply Inc." in letter  # the genuine source, from the interview's evidence
    assert "support@pinecrest-kitchen.example" not in letter  # Amazon's login is for Amazon's letters only
    # Drafting the other kind did not change the case: the appeal stays the case's letter.
    assert json.loads(case_path.read_text(encoding="utf-8"))["letter_kind"] == "listing_appeal"


# ---- the kinds' templates use only facts the framing vocabulary knows --------------------------


def _templates(node: object) -> list[str]:
    """Every template string in a kinds.yaml / buyer_messages.yaml entry (plain strings and {text, todo})."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _templates(item)]
    if isinstance(node, dict):
        return [t for key, value in node.items() if key not in ("todo", "label") for t in _templates(value)]
    return []


def _unknown_facts(entries: dict[str, dict]) -> list[str]:
    wanted = ("greeting", "greeting_fallback", "opening", "closing", "paragraphs")
    return [
        f"{name}.{key}: {{{fact}}}"
        for name, entry in entries.items()
        for key in wanted
        for template in _templates(entry.get(key, []))
        for fact in framing.fields(template)
        if fact not in framing.FACTS
    ]


def test_every_fact_in_the_kinds_templates_is_in_the_vocabulary() -> None:
    kinds_yaml = load_yaml("wording/kinds.yaml")
    buyer = load_yaml("wording/buyer_messages.yaml")
    assert _templates(kinds_yaml["retraction_request"]["opening"]), "the reader finds the templates"
    assert {"complaint_ids", "owner_contact"} <= {f for t in _templates(dict(kinds_yaml)) for f in framing.fields(t)}
    assert _unknown_facts(dict(kinds_yaml)) == []
    assert _unknown_facts(dict(buyer)) == []


def test_an_unknown_fact_in_a_template_is_caught() -> None:
    bad = {"retraction_request": {"opening": [["We wrote on {first_letter_date}.", {"text": "About {complaint_ids}.", "todo": "x"}]]}}
    assert _unknown_facts(bad) == ["retraction_request.opening: {first_letter_date}"]
