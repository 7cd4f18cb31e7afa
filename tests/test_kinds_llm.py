"""Every drafted letter kind on the LLM engine (issue 17): the editor style edits the offline letter of any kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.engines.registry import get_engine
from appealagent.model.case import Case
from appealagent.model.kinds import drafted_kinds, is_appeal

from .conftest import ROOT
from .stub_server import StubServer, draft_reply, offline_responder, point_at, user_text

runner = CliRunner()
EXAMPLES = sorted((ROOT / "examples" / "cases").glob("*.json"))
NON_APPEALS = [p for p in EXAMPLES if not is_appeal(Case.model_validate_json(p.read_text(encoding="utf-8")).letter_kind)]


@pytest.fixture
def stub(monkeypatch):
    with StubServer() as server:
        point_at(monkeypatch, server)
        yield server


def test_the_llm_engine_drafts_every_drafted_kind():
    engine = get_engine("llm")
    assert all(engine.supports(k) for k in drafted_kinds())


def test_the_examples_cover_every_non_appeal_kind_drafted():
    kinds = {Case.model_validate_json(p.read_text(encoding="utf-8")).letter_kind for p in NON_APPEALS}
    assert {k for k in drafted_kinds() if not is_appeal(k)} - kinds <= {k for k in drafted_kinds() if k.value == "retraction_request"}


@pytest.mark.parametrize("path", NON_APPEALS, ids=lambda p: p.stem)
def test_each_non_appeal_example_drafts_on_the_editor_style_and_is_ready(stub, path: Path):
    stub.default = offline_responder  # a model that hands the letter back as it is
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["engine"] == "llm" and data["meta"]["style"] == "editor"
    assert data["meta"]["kept_offline"] == []
    assert "ready to submit: yes" in result.stderr
    assert len(stub.chat_requests) == 1 and "<letter>" in user_text(stub.chat_requests[0])


def test_the_retraction_request_of_an_ip_case_drafts_on_the_editor_style(stub):
    stub.default = offline_responder
    case = ROOT / "examples" / "cases" / "trademark_complaint_de.json"
    result = runner.invoke(app, ["draft", str(case), "--engine", "llm", "--kind", "retraction_request", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["letter_kind"] == "retraction_request" and data["meta"]["kept_offline"] == []


def test_the_author_style_leaves_a_non_appeal_to_the_editor_and_says_so(stub):
    stub.default = offline_responder
    path = next(p for p in NON_APPEALS if "buyer_message" in p.stem)
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm", "--style", "author", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["style"] == "editor"
    assert "the author style writes appeals only" in result.stderr


def test_a_review_request_added_to_a_buyer_message_is_sent_back_and_never_reaches_the_letter(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_REASKS", "1")
    path = next(p for p in NON_APPEALS if "buyer_message" in p.stem)
    good = draft_offline(Case.model_validate_json(path.read_text(encoding="utf-8"))).draft.model_dump()
    bad = dict(good, closing="Please leave us a 5-star review if you are happy with our service.\n\n" + good["closing"])
    stub.enqueue(draft_reply(bad), draft_reply(json.dumps({"text": bad["closing"]})))
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm", "--format", "json"])
    data = json.loads(result.stdout)
    assert len(stub.chat_requests) == 2 and "Section: closing" in user_text(stub.chat_requests[1])
    assert "5-star review" not in data["letter"]
    assert data["meta"]["kept_offline"] == ["closing"]
