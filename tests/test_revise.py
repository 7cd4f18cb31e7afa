"""`appealagent revise`: the reply recorded, only its questions asked, the next letter on both engines, the change report, the refusals, denial and reinstatement, the case history."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.history import load_history
from appealagent.interview.askers import ScriptedAsker
from appealagent.interview.progress import new_progress
from appealagent.model.case import Case
from appealagent.revise.changes import compare, same_as_sent
from appealagent.revise.interview import ReviseInterview
from appealagent.revise.questions import validate_revise

from .conftest import ROOT
from .stub_server import StubServer, offline_responder, point_at

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "cases" / "late_shipment_us.json"
REPLIES = ROOT / "tests" / "data" / "replies"
ROOT_CAUSE_ANSWERS = (
    'root_cause.rc1.detail: "Between 1 and 30 October 31 of our 39 late orders were placed from Friday 18:00 to Sunday night, '
    'because nobody in our warehouse worked on Saturdays or Sundays."\n'
    'root_cause.rc2.detail: "Our inventory clerk refilled the picking area only on Mondays, so on 24 February 8 orders waited two days for stock."\n'
)


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "case.json")
    res = runner.invoke(app, ["draft", str(tmp_path / "case.json"), "--engine", "offline", "-o", str(tmp_path / "sent.txt")])
    assert (tmp_path / "sent.txt").exists(), res.output
    (tmp_path / "answers.yaml").write_text(ROOT_CAUSE_ANSWERS, encoding="utf-8")
    return tmp_path


def revise(d: Path, reply: str, *extra: str) -> object:
    return runner.invoke(app, ["revise", str(d / "case.json"), "--reply", str(REPLIES / reply), *extra])


def test_revise_questions_file_is_valid() -> None:
    assert validate_revise() == []


@pytest.mark.parametrize("engine", ["offline", "llm"])
def test_more_information_end_to_end_on_both_engines(case_dir: Path, engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with StubServer(default=offline_responder) as server:
        if engine == "llm":
            point_at(monkeypatch, server)
        res = revise(case_dir, "02_more_info_root_cause_only_us.txt", "--last-letter", str(case_dir / "sent.txt"),
                     "--answers", str(case_dir / "answers.yaml"), "--engine", engine, "-o", str(case_dir / "letter2.txt"), "--json")
        if engine == "llm":
            assert server.chat_requests, "the LLM engine drafted through the stub"
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["outcome"] == "more_information" and data["written"] is True and data["engine"] == engine
    parts = {p["part"]: p for p in data["changes"]["parts"]}
    assert parts["root_cause"]["asked"] and parts["root_cause"]["status"] == "changed"
    assert any("31 of our 39 late orders" in s for s in parts["root_cause"]["added"])
    assert parts["corrective_actions"]["status"] == "unchanged" and not parts["corrective_actions"]["asked"]
    letter = (case_dir / "letter2.txt").read_text(encoding="utf-8")
    assert "nobody in our warehouse worked on Saturdays or Sundays" in letter
    revised = Case.model_validate_json((case_dir / "case.rev2.json").read_text(encoding="utf-8"))
    assert "31 of our 39" in (revised.root_causes[0].detail or "")
    assert revised.root_causes[0].detail.startswith("Our warehouse had no staff")  # added to, never replaced
    history = load_history(case_dir / "case.json")
    assert [e.type for e in history.entries] == ["letter", "reply", "letter"]
    assert history.entries[2].engine == engine and history.entries[2].case_sha256 and history.entries[2].text == letter.rstrip("\n") + "\n"
    mode = stat.S_IMODE((case_dir / "case.history.json").stat().st_mode)
    assert mode == 0o600


def test_unchanged_letter_is_refused_and_nothing_written(case_dir: Path) -> None:
    (case_dir / "answers.yaml").write_text("{}", encoding="utf-8")  # the root-cause questions are required: no skipping them
    res = revise(case_dir, "02_more_info_root_cause_only_us.txt", "--last-letter", str(case_dir / "sent.txt"),
                 "--answers", str(case_dir / "answers.yaml"), "--engine", "offline")
    assert res.exit_code == 2 and "root_cause.rc1.detail" in res.output
    # A reply asking for documents the seller does not have: nothing new to say, so no letter.
    (case_dir / "answers.yaml").write_text("documents.doc1.have: no\ndocuments.doc2.have: no\n", encoding="utf-8")
    res = revise(case_dir, "03_more_info_invoices_address_us.txt", "--answers", str(case_dir / "answers.yaml"), "--engine", "offline",
                 "-o", str(case_dir / "letter2.txt"), "--json")
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    assert data["written"] is False and data["letter"] is None
    assert any("documents" in r for r in data["refusals"])
    assert any("same text" in r for r in data["refusals"])
    assert not (case_dir / "letter2.txt").exists() and not (case_dir / "case.rev2.json").exists()
    assert "Not written" in res.stderr


def test_same_letter_twice_is_caught_even_with_a_few_words_changed() -> None:
    text = next(iter(sorted((ROOT / "tests" / "data" / "good_letters").glob("*.txt")))).read_text(encoding="utf-8")
    assert "same text" in (same_as_sent(text, [("on 2026-11-01", text)]) or "")
    edited = text.replace(" we ", " we now ", 2).replace("The ", "Our ", 1)
    assert edited != text and same_as_sent(edited, [("on 2026-11-01", text)]) is not None
    assert compare(text, text, ["root_cause"]).refusals
    assert same_as_sent(text + "\nA new paragraph. " * 30, [("on 2026-11-01", text)]) is None


def test_denied_says_so_with_only_what_the_reply_states(case_dir: Path) -> None:
    res = revise(case_dir, "08_denied_funds_window_de.txt")
    assert res.exit_code == 0, res.output
    assert "Amazon denied the appeal" in res.stdout and "No new letter" in res.stdout
    assert "“Funds in your account will be held for up to 90 days.”" in res.stdout
    res = revise(case_dir, "08_denied_funds_window_de.txt", "--json")
    data = json.loads(res.stdout)
    assert data["letter"] is None and data["windows"] == ["within 90 days", "for up to 90 days"]
    history = load_history(case_dir / "case.json")
    # the letter comes from the draft's run log of this exact case; the same reply twice is recorded once
    assert [e.type for e in history.entries] == ["letter", "reply", "outcome"]
    assert history.entries[0].source.startswith("run:")
    assert history.outcome() == "denied"
    res = revise(case_dir, "12_forwarded_denied_us.txt", "--lang", "zh")
    assert "亚马逊驳回了申诉" in res.stdout


def test_reinstated_records_and_adds_the_letter_to_the_corpus(case_dir: Path) -> None:
    res = revise(case_dir, "09_reinstated_account_us.txt", "--last-letter", str(case_dir / "sent.txt"))
    assert res.exit_code == 0, res.output
    assert "reinstated" in res.stdout and "continue to monitor your Account Health" in res.stdout and "--add-to-corpus" in res.stdout
    res = revise(case_dir, "09_reinstated_account_us.txt", "--add-to-corpus", "--json")
    assert res.exit_code == 0, res.output
    added = json.loads(res.stdout)["corpus_letter"]
    listed = runner.invoke(app, ["corpus", "list", "--json"])
    assert added in listed.stdout
    assert load_history(case_dir / "case.json").outcome() == "reinstated"


def test_history_case_timeline_text_and_json(case_dir: Path) -> None:
    revise(case_dir, "02_more_info_root_cause_only_us.txt", "--last-letter", str(case_dir / "sent.txt"),
           "--answers", str(case_dir / "answers.yaml"), "--engine", "offline", "-o", str(case_dir / "letter2.txt"))
    res = runner.invoke(app, ["history", "case", str(case_dir / "case.json")])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert "letter sent" in lines[0] and "reply" in lines[1] and "asks: root_cause" in lines[1] and "engine offline" in lines[2]
    assert lines[-1] == "now: waiting for Amazon"
    data = json.loads(runner.invoke(app, ["history", "case", str(case_dir / "case.json"), "--json"]).stdout)
    assert [r["type"] for r in data["timeline"]] == ["letter", "reply", "letter"]
    assert data["entries"][1]["reply"]["outcome"] == "more_information"
    assert runner.invoke(app, ["history", "--json"]).exit_code == 0  # the run listing still works


def test_bad_inputs_are_one_line_errors(case_dir: Path) -> None:
    res = runner.invoke(app, ["revise", str(case_dir / "case.json"), "--reply", str(REPLIES / "21_neg_new_notice_us.txt")])
    assert res.exit_code == 2 and "not Amazon's reply to an appeal" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = runner.invoke(app, ["revise", str(case_dir / "case.json"), "--reply", str(REPLIES / "22_neg_acknowledgement_us.txt")])
    assert res.exit_code == 2 and "acknowledgement" in res.stderr
    data = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    data["case_id"] = "edited-after-the-draft"  # no run log of this case, no history: the letter is unknown
    (case_dir / "case.json").write_text(json.dumps(data), encoding="utf-8")
    (case_dir / "case.history.json").unlink(missing_ok=True)
    res = revise(case_dir, "02_more_info_root_cause_only_us.txt", "--answers", str(case_dir / "answers.yaml"))
    assert res.exit_code == 2 and "--last-letter" in res.stderr
    (case_dir / "case.history.json").write_text("{not json", encoding="utf-8")
    res = revise(case_dir, "07_denied_final_us.txt")
    assert res.exit_code == 2 and "case.history.json: malformed JSON" in res.stderr


def _interview(case: Case, reply: str, answers: dict[str, str | list[str]], lang: str = "en") -> tuple[ReviseInterview, ScriptedAsker]:
    from appealagent.intake.reply import read_reply

    asker = ScriptedAsker(answers)
    iv = ReviseInterview(asker, new_progress(lang, case), read_reply((REPLIES / reply).read_text(encoding="utf-8")).to_json())
    iv.run()
    return iv, asker


def test_only_what_the_reply_asks_is_asked_and_vague_answers_are_pushed_once() -> None:
    case = Case.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    iv, asker = _interview(case, "05_more_info_preventive_uk.txt", {
        "preventive_measures.pm1.specifics": ["We are more careful now", "We are more careful now"],
        "preventive_measures.pm2.specifics": "The pickup is booked in the carrier portal every day at 16:30",
        "preventive_measures.pm3.specifics": "The review uses the Seller Central order report",
        "preventive_measures.pm4.specifics": "Bins under 80 units are listed in the 17:00 stock report",
    })
    keys = asker.keys()
    assert all(k.startswith("preventive_measures.") for k in keys)
    assert keys.count("preventive_measures.pm1.specifics") == 2  # pushed once, kept when typed again
    assert any("Amazon asked for more detail here" in s for s in asker.said)
    measures = iv.case().preventive_measures
    assert measures[1].text.endswith("The pickup is booked in the carrier portal every day at 16:30")


def test_documents_and_things_to_consider_become_evidence_and_actions_in_chinese() -> None:
    case = Case.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    iv, asker = _interview(case, "03_more_info_invoices_address_us.txt", {
        "documents.doc1.have": "是",
        "documents.doc1.date": "2026-10-02",
        "documents.doc1.issuer": "Ningbo Homeware Trading Co., Ltd.",
        "documents.doc2.have": "否",
        "consider.c1.done": "我们在2026年11月3日核对了全部12家供应商的营业执照",
        "consider.c1.done.en": "On 3 November 2026 we checked the business licences of all 12 of our suppliers",
    }, lang="zh")
    assert any("亚马逊要求提供" in p.text for p in asker.prompts)
    built = iv.case()
    invoice = built.evidence[-1]
    assert invoice.kind.value == "invoice" and invoice.issuer == "Ningbo Homeware Trading Co., Ltd." and str(invoice.date) == "2026-10-02"
    assert built.corrective_actions[-1].text_en == "On 3 November 2026 we checked the business licences of all 12 of our suppliers"
    assert len(built.evidence) == len(case.evidence) + 1
