"""The LLM's second opinion on Amazon's reply: asked only when the reply rules are unsure, closed lists, quotes checked, shown as its suggestion.

Every model call goes through the real openai client over HTTP to tests/stub_server.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.history import history_path
from appealagent.intake.reply import read_reply
from appealagent.intake.reply_assist import ReplySuggestion, apply_suggestion, candidates, needs_reply_assist, parse_suggestion

from .conftest import ROOT
from .stub_server import StubServer, point_at, text_reply

runner = CliRunner()
REPLIES = ROOT / "tests" / "data" / "replies"
UNSURE = ROOT / "tests" / "data" / "replies_unsure"
TIE = UNSURE / "remain_deactivated_revised_plan.txt"  # more_information and denied score close
NO_PART = UNSURE / "more_info_no_part.txt"  # more information, in words the rules tie to no part
NO_PART_QUOTE = "We still do not understand how the late deliveries came about in your warehouse."
EXAMPLE = ROOT / "examples" / "cases" / "late_shipment_us.json"


def suggestion(outcome: str | None = "more_information", phrases: list[str] | None = None, asks: list[dict[str, str]] | None = None,
               confidence: float = 0.8) -> str:
    return json.dumps({
        "outcome": outcome,
        "confidence": confidence,
        "phrases": phrases if phrases is not None else ["it was not sufficient to reinstate your Amazon.com selling privileges"],
        "asks": asks if asks is not None else [{"part": "root_cause", "quote": NO_PART_QUOTE}],
    })


def test_only_unsure_readings_ask_and_the_whole_reply_set_is_sure() -> None:
    assert needs_reply_assist(read_reply(TIE.read_text(encoding="utf-8")))
    assert needs_reply_assist(read_reply(NO_PART.read_text(encoding="utf-8")))
    assert candidates(TIE.read_text(encoding="utf-8")) == ["more_information", "denied"]
    asked = [p.name for p in sorted(REPLIES.glob("*.txt")) if needs_reply_assist(read_reply(p.read_text(encoding="utf-8")))]
    assert asked == []  # the rules are sure of every reply of the test set: the model is never asked there


def test_intake_on_a_sure_reply_sends_nothing_even_with_an_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        res = runner.invoke(app, ["intake", str(REPLIES / "02_more_info_root_cause_only_us.txt"), "--json"])
        assert stub.requests == []
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["reply"]["llm_suggestion"] is None


def test_intake_asks_about_an_unsure_reply_and_shows_the_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(suggestion()))
        res = runner.invoke(app, ["intake", str(NO_PART), "--json"])
        stub.enqueue(text_reply(suggestion()))
        human = runner.invoke(app, ["intake", str(NO_PART)])
        sent = stub.requests[0].body
        assert len(stub.requests) == 2
    assert res.exit_code == 0, res.output
    reply = json.loads(res.stdout)["reply"]
    assert reply["outcome"] == "more_information" and reply["asks"] == ["root_cause"]
    s = reply["llm_suggestion"]
    assert s["source"] == "llm" and s["applied"] == ["asks"] and s["added_asks"] == ["root_cause"] and s["rules_outcome"] == "more_information"
    assert "LLM second opinion" in human.stdout and "its suggestion" in human.stdout and "added asks root_cause" in human.stdout
    # closed lists in the schema, and the reply went out redacted
    schema = sent["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["outcome"]["anyOf"][0]["enum"] == ["more_information", "denied", "reinstated"]
    text = json.dumps(sent["messages"])
    assert "<reply>" in text and "seller-performance@amazon.com" not in text and "Harbourlight Home" in text


def test_a_bad_quote_is_sent_back_once_then_the_corrected_reading_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(suggestion(phrases=["Amazon asks for your root cause analysis"], asks=[])),
                     text_reply(suggestion()))
        res = runner.invoke(app, ["intake", str(NO_PART), "--json"])
        assert len(stub.requests) == 2
        reask = json.dumps(stub.requests[1].body["messages"])
    assert "Amazon asks for your root cause analysis" in reask and "not in the reply word for word" in reask
    assert json.loads(res.stdout)["reply"]["asks"] == ["root_cause"]


def test_quotes_not_in_the_reply_twice_leave_the_rules_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = suggestion("denied", phrases=["your account is permanently closed"], asks=[])
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(bad), text_reply(bad))
        res = runner.invoke(app, ["intake", str(TIE), "--json"])
    reply = json.loads(res.stdout)["reply"]
    assert reply["outcome"] == "more_information" and reply["llm_suggestion"] is None
    assert '"your account is permanently closed" is not in the reply word for word' in res.stderr
    assert "rules' reading stands" in res.stderr


def test_an_outcome_outside_the_closed_list_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = suggestion("escalated")
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(bad), text_reply(bad))
        res = runner.invoke(app, ["intake", str(NO_PART), "--json"])
    assert json.loads(res.stdout)["reply"]["llm_suggestion"] is None
    assert "outcome" in res.stderr and "rules' reading stands" in res.stderr


def test_an_ask_whose_quote_is_invented_is_dropped() -> None:
    text = NO_PART.read_text(encoding="utf-8")
    raw = suggestion(asks=[{"part": "documents", "quote": "please send invoices"}, {"part": "root_cause", "quote": NO_PART_QUOTE}])
    parsed = parse_suggestion(raw, [text])
    assert [a.part for a in parsed.asks] == ["root_cause"] and parsed.dropped == ["please send invoices"]


def test_the_model_breaks_a_near_tie_but_cannot_pick_an_outcome_the_rules_ruled_out() -> None:
    text = TIE.read_text(encoding="utf-8")
    rules = read_reply(text)
    denied = ReplySuggestion(outcome="denied", confidence=0.7, phrases=["will remain deactivated at this time"])
    updated = apply_suggestion(text, rules, denied, "stub-model")
    assert updated.outcome == "denied" and updated.asks == [] and updated.unsure
    assert updated.llm_suggestion is not None and updated.llm_suggestion["applied"] == ["outcome"]
    reinstated = ReplySuggestion(outcome="reinstated", confidence=0.99, phrases=["We reviewed your appeal."])
    kept = apply_suggestion(text, rules, reinstated, "stub-model")
    assert kept.outcome == "more_information" and kept.asks == rules.asks
    assert kept.llm_suggestion is not None and kept.llm_suggestion["applied"] == []


def test_dry_run_prints_exactly_what_would_be_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        res = runner.invoke(app, ["intake", str(TIE), "--dry-run"])
        assert stub.requests == []
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["messages"][0]["role"] == "system"
    user = payload["messages"][-1]["content"]
    assert "<reply>" in user and "more_information 0.92, denied 0.85" in user
    assert "112-5550123-7781234" not in user  # redacted before it would be sent


def test_no_llm_and_an_unconfigured_llm_send_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        res = runner.invoke(app, ["intake", str(TIE), "--no-llm"])
        assert stub.requests == []
    assert "The rules are not sure of this reading" in res.stdout
    with StubServer() as stub:
        res = runner.invoke(app, ["intake", str(TIE), "--json"])
        assert stub.requests == []
    assert json.loads(res.stdout)["reply"]["unsure"] is True


# ---- revise -------------------------------------------------------------------------------------------


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "case.json")
    res = runner.invoke(app, ["draft", str(tmp_path / "case.json"), "--engine", "offline", "-o", str(tmp_path / "sent.txt")])
    assert (tmp_path / "sent.txt").exists(), res.output
    (tmp_path / "answers.yaml").write_text(
        'root_cause.rc1.detail: "Between 1 and 30 October 31 of our 39 late orders were placed from Friday 18:00 to Sunday night, '
        'because nobody in our warehouse worked on Saturdays or Sundays."\n'
        'root_cause.rc2.detail: "Our inventory clerk refilled the picking area only on Mondays, so on 24 February 8 orders waited two days for stock."\n',
        encoding="utf-8",
    )
    return tmp_path


def _revise(d: Path, reply: Path, *extra: str) -> Any:
    return runner.invoke(app, ["revise", str(d / "case.json"), "--reply", str(reply), "--last-letter", str(d / "sent.txt"), *extra])


def test_revise_asks_the_questions_the_second_opinion_found(case_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        stub.enqueue(text_reply(suggestion()))
        res = _revise(case_dir, NO_PART, "--answers", str(case_dir / "answers.yaml"), "--engine", "offline",
                      "-o", str(case_dir / "letter2.txt"), "--json")
        assert len(stub.requests) == 1  # the reply's second opinion only; the offline engine drafted
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["reply"]["asks"] == ["root_cause"] and data["reply"]["llm_suggestion"]["applied"] == ["asks"]
    parts = {p["part"]: p for p in data["changes"]["parts"]}
    assert parts["root_cause"]["asked"] and parts["root_cause"]["status"] == "changed"
    assert "LLM second opinion" in res.stderr and "The rules are not sure" in res.stderr
    assert "nobody in our warehouse worked on Saturdays or Sundays" in (case_dir / "letter2.txt").read_text(encoding="utf-8")


def test_revise_dry_run_sends_and_records_nothing(case_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        res = _revise(case_dir, TIE, "--dry-run")
        sure = _revise(case_dir, REPLIES / "02_more_info_root_cause_only_us.txt", "--dry-run")
        assert stub.requests == []
    assert res.exit_code == 0, res.output
    assert "<reply>" in json.loads(res.stdout)["messages"][-1]["content"]
    assert json.loads(sure.stdout)["messages"] == [] and "sure" in json.loads(sure.stdout)["reason"]
    assert not history_path(case_dir / "case.json").exists()


def test_revise_no_llm_keeps_the_rules_reading_and_drafts_offline(case_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer() as stub:
        point_at(monkeypatch, stub)
        res = _revise(case_dir, TIE, "--no-llm", "--answers", str(case_dir / "answers.yaml"), "-o", str(case_dir / "letter2.txt"), "--json")
        contradiction = _revise(case_dir, TIE, "--no-llm", "--engine", "llm")
        assert stub.requests == []
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["engine"] == "offline" and data["reply"]["llm_suggestion"] is None and data["reply"]["unsure"] is True
    assert "The rules are not sure" in res.stderr
    assert contradiction.exit_code == 2 and "contradict" in contradiction.output


# ---- the loop explained where the interview ends ------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [("en", "After you send the letter"), ("zh", "寄出申诉信之后")])
def test_the_interview_closes_with_the_revise_loop(tmp_path: Path, lang: str, words: str) -> None:
    from .test_interview import LSR, _answers_file

    out = tmp_path / "case.json"
    res = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, LSR)), "-o", str(out), "--lang", lang])
    assert res.exit_code == 0, res.output
    assert words in res.stdout and f"appealagent revise {out} --reply reply.txt" in res.stdout.replace("\n", "")
