"""The LLM engine's eval against hand-written recorded replies, over real HTTP to a local stub server.

The recordings (evals/recordings/<case id>.json, origin "hand-written") are what a
model should reply to each case's redacted prompt. Replaying them tests the
pipeline — prompt building, redaction, the client, parsing, placeholder
restoration, grounding, rendering — and says nothing about a model's quality.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.author.engine import AuthorEngine
from appealagent.engines.registry import get_engine
from appealagent.evals import baseline as bl
from appealagent.evals.dataset import load_dataset
from appealagent.evals.replay import load_recording, load_recordings, recordings_dir_for, reply_body
from appealagent.evals.runner import llm_solver, run_eval
from appealagent.paths import evals_dir
from appealagent.settings import load_settings

from .stub_server import StubResponse, StubServer

runner = CliRunner()
SAMPLES = load_dataset()
RECORDINGS = recordings_dir_for(evals_dir() / "cases")
# The replay covers exactly the kinds the LLM engine drafts (`supports()`, kinds.yaml `llm`): the other
# cases are held to the offline engine (tests/test_evals.py) until an LLM mode drafts their kind, and
# are then required here automatically.
LLM_ENGINE = get_engine("llm")
# The recordings are author-style replies, so the replay covers the kinds the author style writes (the
# appeals); the editor style drafts every kind and is tested through the stub in test_llm_editor.py
# and test_kinds_llm.py.
DRAFTED = [s for s in SAMPLES if AuthorEngine().supports(s.case.letter_kind)]
RECORDED = [s for s in DRAFTED if (RECORDINGS / f"{s.id}.json").is_file()]


class Replayer:
    """A stub-server responder that answers with the recording of the case being drafted."""

    def __init__(self) -> None:
        self.recordings = load_recordings(RECORDINGS, [s.id for s in RECORDED])
        self.current = None
        self.marker = None

    def select(self, sample) -> None:
        self.current, self.marker = self.recordings[sample.id], sample.case.seller.store_name

    def __call__(self, request) -> StubResponse:
        status, body = reply_body(request.body or {}, self.current, self.marker)
        return StubResponse(status=status, body=body)


@pytest.fixture(scope="module")
def replayed():
    replayer = Replayer()
    with StubServer(default=replayer) as stub:
        settings = load_settings(base_url=stub.url, model="stub-model", runlog=False, max_attempts=1, style="author")  # recordings are author replies
        run = run_eval(RECORDED, llm_solver(settings, origin="hand-written", before=replayer.select), engine="llm-replay", origin="hand-written")
        yield run, stub


def test_every_case_the_llm_engine_drafts_has_a_hand_written_recording():
    assert len(DRAFTED) >= 33, "the appeals at least are drafted by the LLM engine"
    missing = [s.id for s in DRAFTED if s not in RECORDED]
    assert not missing, f"no evals/recordings/<id>.json for {missing}: run `python -m appealagent.evals.record`"
    for s in DRAFTED:
        rec = load_recording(RECORDINGS / f"{s.id}.json")
        assert rec.origin == "hand-written"
        assert rec.case == s.id
        assert "says nothing about any model's quality" in rec.note


def test_cases_of_kinds_the_author_style_does_not_write_have_no_recording(tmp_path):
    """Recordings are author replies: cases of the kinds only the editor style drafts have none, and the record tool skips them."""
    from appealagent.evals.record import write_recordings

    waiting = [s for s in SAMPLES if s not in DRAFTED]
    for s in waiting:
        assert not (RECORDINGS / f"{s.id}.json").exists(), f"{s.id}: a recording for a kind the LLM engine does not draft"
    assert {s.case.letter_kind for s in waiting} == {k for k in {s.case.letter_kind for s in SAMPLES} if not AuthorEngine().supports(k)}
    assert all(LLM_ENGINE.supports(s.case.letter_kind) for s in waiting)  # the editor style drafts them
    if waiting:
        root = tmp_path / "evals"
        shutil.copytree(waiting[0].path, root / "cases" / waiting[0].id)
        assert write_recordings(root, [], force=True) == []
        assert not (root / "recordings").exists()


def test_llm_engine_replays_every_case_cleanly(replayed):
    run, _ = replayed
    assert not run.failed, [f"{r.id}: {r.error}" for r in run.failed]
    for r in run.results:
        assert r.origin == "hand-written"
        assert r.value("structure") == 1.0, r.id
        assert r.value("fact_recall") == 1.0, (r.id, r.scores["fact_recall"].details)
        assert r.value("grounding_errors") == 0, (r.id, r.scores["grounding_errors"].details)
        assert r.value("forbidden_found") == 0, r.id
        assert "<ORDER_" not in r.letter and "<EMAIL_" not in r.letter and "<PHONE_" not in r.letter


def test_private_values_never_reached_the_server(replayed):
    _, stub = replayed
    sent = "\n".join(r.text() for r in stub.chat_requests)
    assert len(stub.chat_requests) >= len(RECORDED)
    for s in RECORDED:
        for order in s.case.orders:
            assert order.order_id not in sent
        assert s.case.seller.login_email not in sent


def test_replayed_eval_is_no_worse_than_the_baseline(replayed):
    run, _ = replayed
    path = evals_dir() / "baseline.json"
    comparison = bl.compare(run, bl.load_baseline(path), str(path))
    assert "llm-replay" in bl.load_baseline(path)["engines"], "accept scores with `appealagent eval --engine llm --update-baseline`"
    assert comparison.ok, "\n".join(r.message for r in comparison.regressions)


def test_cli_replays_through_its_own_server_and_says_so(tmp_path):
    root = tmp_path / "evals"
    for s in SAMPLES[:2]:
        shutil.copytree(s.path, root / "cases" / s.id)
        (root / "recordings").mkdir(parents=True, exist_ok=True)
        shutil.copy(RECORDINGS / f"{s.id}.json", root / "recordings")
    report = tmp_path / "llm.md"
    result = runner.invoke(app, ["eval", "--engine", "llm", "--cases", str(root), "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "llm-replay" and data["origin"] == "hand-written"
    assert all(c["scores"]["fact_recall"]["value"] == 1.0 for c in data["cases"])
    assert "hand-written recorded replies" in report.read_text() and "says nothing about any model's quality" in report.read_text()


def test_an_invented_fact_in_a_recording_fails_the_case(tmp_path):
    s = next(x for x in SAMPLES if x.id.startswith("01_"))
    root = tmp_path / "evals"
    shutil.copytree(s.path, root / "cases" / s.id)
    (root / "recordings").mkdir()
    rec = json.loads((RECORDINGS / f"{s.id}.json").read_text())
    rec["reply"]["corrective_actions"].append("On 2 May 2026 we refunded $1,500.00 to buyers of B0ZZZZZZZ9.")
    (root / "recordings" / f"{s.id}.json").write_text(json.dumps(rec))
    result = runner.invoke(app, ["eval", "--engine", "llm", "--cases", str(root)])
    assert result.exit_code == 1
    assert f"case {s.id}:" in result.stderr


def test_missing_recordings_are_skipped_with_a_warning_or_refused(tmp_path):
    root = tmp_path / "evals"
    for s in SAMPLES[:2]:
        shutil.copytree(s.path, root / "cases" / s.id)
    result = runner.invoke(app, ["eval", "--engine", "llm", "--cases", str(root)])
    assert result.exit_code == 2
    assert "no recorded reply" in result.stderr and "Traceback" not in result.output
    (root / "recordings").mkdir()
    shutil.copy(RECORDINGS / f"{SAMPLES[0].id}.json", root / "recordings")
    result = runner.invoke(app, ["eval", "--engine", "llm", "--cases", str(root), "--json"])
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(result.stdout)["cases"]] == [SAMPLES[0].id]
    assert "skipped 1 case(s) with no recorded reply" in result.stderr and SAMPLES[1].id in result.stderr


def test_record_tool_writes_missing_recordings_from_references(tmp_path):
    from appealagent.evals.record import main, recording_for

    first = SAMPLES[0]  # the tool wrote the shipped recording of case 01 from its reference
    assert recording_for(first) == json.loads((RECORDINGS / f"{first.id}.json").read_text(encoding="utf-8"))
    root = tmp_path / "evals"
    s = SAMPLES[2]
    shutil.copytree(s.path, root / "cases" / s.id)
    assert main(["--cases", str(root)]) == 0
    written = json.loads((root / "recordings" / f"{s.id}.json").read_text())
    assert written["origin"] == "hand-written" and "<ORDER_1>" in json.dumps(written)
    assert s.case.orders[0].order_id not in json.dumps(written)
    before = (root / "recordings" / f"{s.id}.json").stat().st_mtime_ns
    assert main(["--cases", str(root)]) == 0
    assert (root / "recordings" / f"{s.id}.json").stat().st_mtime_ns == before
    result = runner.invoke(app, ["eval", "--engine", "llm", "--cases", str(root), "--json"])
    assert result.exit_code == 0, result.output


def test_judge_verdicts_parse_and_rescale():
    from appealagent.evals.judge import parse_verdict

    good = parse_verdict(json.dumps({"three_parts": 5, "specificity": 4, "faithfulness": 5, "tone": 5, "completeness": 3, "comments": "Evidence list thin."}))
    assert good.value == pytest.approx((4.4 - 1) / 4)
    assert "judge: Evidence list thin." in good.details
    assert parse_verdict("```json\n" + json.dumps(dict.fromkeys(("three_parts", "specificity", "faithfulness", "tone", "completeness"), 1)) + "\n```").value == 0.0
    assert parse_verdict("not json").value is None
    assert parse_verdict(json.dumps({"three_parts": 9})).value is None


def test_judge_prompt_renders_with_the_rubric():
    from appealagent.llm.prompts import load_prompt

    s = SAMPLES[0]
    messages = load_prompt("judge").render(case_json={"case_id": "x"}, letter="Dear team", reference=s.reference)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "three_parts" in messages[0]["content"] and "faithfulness" in messages[0]["content"]
    assert "<letter>\nDear team\n</letter>" in messages[1]["content"]


def test_judge_scorer_against_the_stub(monkeypatch):
    from appealagent.evals.judge import make_judge
    from appealagent.evals.scorers import Output

    verdict = {"three_parts": 5, "specificity": 5, "faithfulness": 5, "tone": 4, "completeness": 4, "comments": "fine"}
    with StubServer(default=lambda req: StubResponse(body={
        "id": "x", "object": "chat.completion", "created": 0, "model": "judge",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(verdict)}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })) as stub:
        settings = load_settings(base_url=stub.url, model="judge", runlog=False, max_attempts=1)
        s = SAMPLES[0]
        score = make_judge(settings)(s, Output(letter=s.reference, engine="llm"))
        sent = stub.chat_requests[0].text()
    assert score.value == pytest.approx((4.6 - 1) / 4)
    assert s.case.seller.login_email not in sent and "<EMAIL_1>" in sent


def test_a_judge_reply_that_is_not_json_is_sent_back_once():
    from appealagent.evals.judge import make_judge
    from appealagent.evals.scorers import Output

    from .stub_server import text_reply

    verdict = {"three_parts": 5, "specificity": 5, "faithfulness": 5, "tone": 5, "completeness": 5, "comments": "fine"}
    with StubServer() as stub:
        stub.enqueue(text_reply("Five out of five, nicely done."), text_reply(json.dumps(verdict)))
        settings = load_settings(base_url=stub.url, model="judge", runlog=False, max_attempts=1)
        s = SAMPLES[0]
        score = make_judge(settings)(s, Output(letter=s.reference, engine="llm"))
        second = stub.chat_requests[1].body["messages"]
    assert score.value == 1.0
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == "Five out of five, nicely done."
    assert "the judge's reply is not JSON" in second[3]["content"]


def test_live_run_with_judge_against_a_stub_model(tmp_path):
    """`--live --judge` end to end, with the stub standing in for a model that follows the prompt."""
    from .stub_server import offline_responder, text_reply, user_text

    verdict = {"three_parts": 5, "specificity": 4, "faithfulness": 5, "tone": 5, "completeness": 4, "comments": "ok"}

    def model(request):
        if "<reference_letter>" in user_text(request):
            return text_reply(json.dumps(verdict))
        return offline_responder(request)

    root = tmp_path / "evals"
    s = SAMPLES[1]
    shutil.copytree(s.path, root / "cases" / s.id)
    with StubServer(default=model) as stub:
        result = runner.invoke(app, ["eval", "--engine", "llm", "--live", "--judge", "--base-url", stub.url, "--cases", str(root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "llm-live-editor" and data["origin"] == "live"  # a live run names its style (issue 18)
    scores = data["cases"][0]["scores"]
    assert scores["judge"]["value"] == pytest.approx((4.6 - 1) / 4)
    assert scores["fact_recall"]["value"] == 1.0 and scores["grounding_errors"]["value"] == 0
