"""Author style: reference letters reach the prompt with their specifics masked, and a copied placeholder is sent back."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.corpus.store import load_corpus
from appealagent.engines.author.mask import mask_letter, placeholder_re
from appealagent.engines.author.request import build_request
from appealagent.engines.examples import ExampleLetter, retrieve_letters
from appealagent.engines.offline import draft_offline
from appealagent.facts.scan import scan
from appealagent.model.case import Case
from appealagent.redact import Redactor
from appealagent.settings import load_settings

from .conftest import ROOT
from .stub_server import StubServer, draft_reply, point_at, user_text

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"
LETTER = """Dear Seller Performance Team,

On 9 January 2026 our store Maple Lane Goods received notice that our late shipment rate was 7.4% for the 30 days
ending 6 January 2026. During that period 96 of our 1,297 orders (for example 114-2233445-6677889) shipped late,
mainly ASIN B0DJ5R8NQ3. Our warehouse in Leicester was closed, and our operations manager, Priya Natarajan,
brought in packers from Swiftstaff Ltd. Write to ops@maplelane.example with questions.

Store name: Maple Lane Goods
"""


def case() -> Case:
    return Case.model_validate_json(CASE.read_text(encoding="utf-8"))


def test_every_specific_becomes_a_typed_placeholder():
    masked = mask_letter(LETTER)
    for value in ("9 January 2026", "7.4%", "1,297", "114-2233445-6677889", "B0DJ5R8NQ3", "Leicester", "Priya Natarajan",
                  "Swiftstaff", "ops@maplelane.example", "Maple Lane Goods"):
        assert value not in masked, value
    for placeholder in ("[DATE]", "[PERCENT]", "[NUMBER]", "[ORDER_ID]", "[ASIN]", "[PLACE]", "[NAME]", "[COMPANY]", "[EMAIL]", "[STORE]"):
        assert placeholder in masked, (placeholder, masked)
    # The shape and the letter's own vocabulary stay.
    assert masked.startswith("Dear Seller Performance Team,") and "late shipment rate" in masked and "Store name: [STORE]" in masked


def test_no_fact_the_scanner_finds_survives_in_any_corpus_letter():
    for letter in load_corpus():
        found, _ = scan(mask_letter(letter.english))
        assert not found, (letter.id, [f.text for f in found][:5])


def test_the_author_prompt_shows_masked_letters_only():
    c = case()
    settings = load_settings(base_url="http://127.0.0.1:9/v1", examples=3, style="author")
    letters, _ = retrieve_letters(c, 3)
    assert letters
    body = build_request(c, settings, Redactor.for_case(c), letters).body
    user = body["messages"][1]["content"]
    block = user.split("<reference_letters>", 1)[1].split("</reference_letters>", 1)[0]
    assert placeholder_re().search(block)
    for letter in letters:
        for fact in scan(letter["text"])[0]:
            if fact.kind in ("asin", "order_id", "email", "date"):
                assert fact.text not in block, (letter["id"], fact.text)


def test_masking_costs_few_characters_and_they_are_measured(capsys):
    """The token cost of masking: placeholders replace specifics about one for one (a measured figure, printed)."""
    letters = [ExampleLetter(id=str(x.id), violation_type=x.violation_type.value, text=x.english) for x in load_corpus()[:30]]
    before = sum(len(x["text"]) for x in letters)
    after = sum(len(mask_letter(x["text"])) for x in letters)
    # Whitespace-separated words stand in for tokens here; `make live-local` measures real tokens.
    words_before = sum(len(x["text"].split()) for x in letters)
    words_after = sum(len(mask_letter(x["text"]).split()) for x in letters)
    print(f"masking: {before} → {after} characters ({after / before - 1:+.1%}), {words_before} → {words_after} words")
    assert 0.9 <= after / before <= 1.15
    assert words_after <= words_before * 1.05


@pytest.fixture
def stub(monkeypatch):
    with StubServer() as server:
        point_at(monkeypatch, server, APPEALAGENT_STYLE="author")
        yield server


def test_a_draft_that_copies_a_placeholder_is_sent_back(stub):
    good = draft_offline(case()).draft.model_dump()
    copied = dict(good, opening=good["opening"] + " Our warehouse in [PLACE] handled [NUMBER] orders.")
    stub.enqueue(draft_reply(copied), draft_reply(good))
    result = runner.invoke(app, ["draft", str(CASE), "--engine", "llm", "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    reask = stub.chat_requests[1].body["messages"][-1]["content"]
    assert "'[PLACE]' is a placeholder from a reference letter" in reask and "'[NUMBER]'" in reask
    assert json.loads(result.stdout)["meta"]["style"] == "author"
    assert "<reference_letters>" in user_text(stub.chat_requests[0])
