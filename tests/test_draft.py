"""`appealagent draft` on the offline engine: complete letters, no invented facts, clean failures."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.letters.render import render_letter
from appealagent.model.case import Case

from .conftest import APPEAL_EXAMPLES, EXAMPLES

runner = CliRunner()
ASIN = re.compile(r"\bB0[0-9A-Z]{8}\b")
ORDER = re.compile(r"\b\d{3}-\d{7}-\d{7}\b")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*%?")


def _letter(path):
    case = Case.model_validate_json(path.read_text(encoding="utf-8"))
    return case, render_letter(draft_offline(case))


@pytest.mark.parametrize("path", APPEAL_EXAMPLES, ids=lambda p: p.stem)
def test_every_appeal_example_drafts_with_three_parts(path):
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code in (0, 1), result.output
    letter = result.stdout
    positions = [letter.index(h) for h in ("\nRoot cause\n", "\nCorrective actions taken\n", "\nPreventive measures\n")]
    assert positions == sorted(positions)
    assert letter.startswith("Dear Seller Performance Team,")
    assert "Store name:" in letter


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_letter_names_every_asin_order_and_metric_of_the_case(path):
    case, letter = _letter(path)
    for a in case.asins:
        assert a.asin in letter
    for o in case.orders:
        assert o.order_id in letter
    for m in case.metrics:
        assert f"{m.value:g}%" in letter


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_letter_invents_no_asin_order_or_number(path):
    case, letter = _letter(path)
    source = path.read_text(encoding="utf-8")
    assert set(ASIN.findall(letter)) <= set(ASIN.findall(source))
    assert set(ORDER.findall(letter)) <= set(ORDER.findall(source))
    # Every number in the letter is in the case file, a date the engine formatted, or an Amazon target.
    allowed = set(NUMBER.findall(source)) | {"1%", "4%", "2.5%", "95%", "90%", "200"}
    for d in re.findall(r"\d{4}-\d{2}-\d{2}", source):
        y, mth, day = d.split("-")
        allowed |= {str(int(day)), y}
    for m in case.metrics:
        allowed |= {str(m.window_days), f"{m.value:g}%"}
    body = re.sub(r"(?m)^\d+\. ", "", letter)  # list numbering is layout, not a fact
    invented = {n for n in NUMBER.findall(body) if n not in allowed and n.rstrip("%") not in allowed}
    assert not invented, invented


def test_chinese_answers_are_named_not_pasted():
    path = next(p for p in EXAMPLES if p.stem.endswith("_zh"))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 1
    assert not re.search(r"[\u4e00-\u9fff]", result.stdout)
    assert "corrective_actions[1].text is not in English" in result.stderr
    assert "[TO COMPLETE: English version of corrective_actions[1].text]" in result.stdout
    # An answer with an English version is used.
    assert "misplaced decimal point" in result.stdout


def test_missing_sections_are_reported(tmp_path):
    case = tmp_path / "partial.json"
    case.write_text(json.dumps({"marketplace": "US", "violation_type": "late_shipment_rate", "seller": {"store_name": "Acme"}}))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(case)])
    assert result.exit_code == 1
    assert "missing from the case: root_causes, corrective_actions, preventive_measures, seller.login_email" in result.stderr
    assert "[TO COMPLETE: the root cause" in result.stdout
    assert "ready to submit: no" in result.stderr


def test_root_cause_without_action_is_marked(tmp_path):
    data = json.loads(next(p for p in EXAMPLES if p.stem == "late_shipment_us").read_text())
    for a in data["corrective_actions"]:
        a["addresses"] = [r for r in a["addresses"] if r != "rc2"] or ["rc1"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 1
    assert "[TO COMPLETE: a corrective action for root cause rc2]" in result.stdout


def test_required_statement_note_for_late_shipment(tmp_path):
    data = json.loads(next(p for p in EXAMPLES if p.stem == "late_shipment_us").read_text())
    data["corrective_actions"] = [a for a in data["corrective_actions"] if "outstanding" not in a["text"]]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert "every outstanding order has now shipped" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such case file"),
        ("{not json", "malformed JSON at line 1"),
        ('{"metrics": [{"name": "order_defect_rate", "value": 140}]}', "metrics[0].value: must be between 0 and 100"),
        ('{"asins": [{"asin": "123"}]}', "asins[0].asin: must be a 10-character ASIN"),
        ("[1, 2]", "(top level)"),
        (b"\x00\x01\x02binary", "looks like a binary file"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, content, expected):
    path = tmp_path / "case.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = runner.invoke(app, ["draft", str(path)])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.startswith("appealagent: error: ")


def test_output_is_written_atomically_and_never_overwritten(tmp_path):
    out = tmp_path / "letter.txt"
    example = str(next(p for p in EXAMPLES if p.stem == "late_shipment_us"))
    assert runner.invoke(app, ["draft", example, "-o", str(out)]).exit_code == 0
    first = out.read_text()
    assert first.startswith("Dear Seller Performance Team,")
    out.write_text("my own edits")
    result = runner.invoke(app, ["draft", example, "-o", str(out)])
    assert result.exit_code == 2
    assert "already exists; use --force" in result.stderr
    assert out.read_text() == "my own edits"
    assert runner.invoke(app, ["draft", example, "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["letter.txt"]


def test_json_format_has_sections_and_metadata():
    example = str(next(p for p in EXAMPLES if p.stem == "late_shipment_us"))
    result = runner.invoke(app, ["draft", example, "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["engine"] == "offline"
    assert set(payload["sections"]) == {"opening", "root_causes", "corrective_actions", "preventive_measures", "closing"}
    assert payload["letter"].startswith("Dear")


def test_markdown_format_uses_headings():
    example = str(next(p for p in EXAMPLES if p.stem == "late_shipment_us"))
    result = runner.invoke(app, ["draft", example, "--format", "markdown"])
    assert "## Root cause" in result.stdout


def test_bad_options_exit_2():
    example = str(EXAMPLES[0])
    assert runner.invoke(app, ["draft", example, "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["draft", example, "--engine", "gpt"]).exit_code == 2


def test_schema_command_prints_json_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Case"


def test_docx_export_has_the_same_sections_and_is_not_overwritten(tmp_path):
    docx = pytest.importorskip("docx")
    example = str(next(p for p in EXAMPLES if p.stem == "late_shipment_us"))
    out = tmp_path / "letter.docx"
    result = runner.invoke(app, ["draft", example, "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[0] == "Dear Seller Performance Team,"
    for heading in ("Root cause", "Corrective actions taken", "Preventive measures"):
        assert heading in texts
    assert any("B0CK7TQ2M4" in t for t in texts)
    before = out.read_bytes()
    again = runner.invoke(app, ["draft", example, "--format", "docx", "-o", str(out)])
    assert again.exit_code == 2 and "use --force" in again.stderr
    assert out.read_bytes() == before


def test_docx_needs_an_output_file():
    example = str(EXAMPLES[0])
    result = runner.invoke(app, ["draft", example, "--format", "docx"])
    assert result.exit_code == 2
    assert "-o LETTER.docx" in result.stderr


def test_every_violation_of_a_combined_notice_is_named():
    data = json.loads(next(p for p in EXAMPLES if p.stem == "self_purchase_related_us").read_text())
    case = Case.model_validate(data)
    letter = render_letter(draft_offline(case))
    assert "the link Amazon found between our account and another selling account" in letter
    assert "purchases made from our own store" in letter


@pytest.mark.parametrize(
    ("stem", "greeting", "headings"),
    [
        ("claim_response_item_not_received_uk", "Dear Amazon A-to-z Guarantee Team,", ["What happened", "What we have done for the buyer"]),
        ("feedback_abuse_report_product_review_us", "Dear Seller Support Team,", ["Why the feedback falls outside the feedback guidelines", "What we have done"]),
    ],
)
def test_claim_responses_and_feedback_reports_have_their_own_frame(stem, greeting, headings):
    path = next(p for p in EXAMPLES if p.stem == stem)
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 0, result.output
    letter = result.stdout
    assert letter.startswith(greeting)
    positions = [letter.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)
    assert "Root cause" not in letter and "[TO COMPLETE" not in letter
    # No preventive measures in the case: the optional part is left out, not marked as missing.
    assert "What we have changed" not in letter


def test_a_claim_response_without_its_order_says_so(tmp_path):
    data = json.loads(next(p for p in EXAMPLES if p.stem.startswith("claim_response")).read_text())
    data["orders"] = []
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 1
    assert "missing from the case: orders" in result.stderr
    assert "[TO COMPLETE: order ID]" in result.stdout


def test_corpus_only_kinds_point_to_the_corpus(tmp_path):
    # Issue 17: buyer messages are drafted now; the rights-owner letter templates stay corpus-only.
    path = tmp_path / "msg.json"
    path.write_text(json.dumps({"letter_kind": "rights_owner_letter", "marketplace": "US"}))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 2
    assert "corpus search --kind rights_owner_letter" in result.stderr


def test_a_buyer_message_needs_its_situation(tmp_path):
    path = tmp_path / "msg.json"
    path.write_text(json.dumps({"letter_kind": "buyer_message", "marketplace": "US", "seller": {"store_name": "Shop"}}))
    result = runner.invoke(app, ["draft", "--engine", "offline", str(path)])
    assert result.exit_code == 2
    assert "topic: a buyer message needs one of unpaid_order_reminder" in result.stderr


# ---- the engine seam ---------------------------------------------------------------------------

class _EchoEngine:
    """A stand-in engine: the pipeline must render, check and log it without knowing its name."""

    name, label, needs_llm = "echo", "echo engine", False

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def supports(self, kind):
        return True

    def preview(self, case, settings):
        return None

    async def draft(self, case, ctx):
        from appealagent.engines.base import EngineRun
        from appealagent.errors import EngineError

        if self.fail:
            ctx.trace.error = "echo tried"
            raise EngineError("echo is down")
        result = draft_offline(case)
        result.engine = self.name
        return EngineRun(result=result)


@pytest.fixture
def with_echo(monkeypatch):
    from appealagent.engines import registry

    def install(engine, *, prefer: bool = False):
        monkeypatch.setitem(registry.LOADERS, engine.name, lambda: engine)
        registry._load.cache_clear()
        monkeypatch.setattr(registry, "_load", registry._load.__wrapped__)
        if prefer:
            monkeypatch.setattr(registry, "AUTO_PREFERS", engine.name)

    return install


def test_a_registered_engine_is_drafted_by_name_rendered_and_checked(with_echo):
    from appealagent.pipeline import draft_case

    with_echo(_EchoEngine())
    case, offline_letter = _letter(APPEAL_EXAMPLES[0])
    outcome = draft_case(case, engine="echo")
    assert outcome.engine == "echo"
    assert outcome.letter == offline_letter
    assert outcome.checks is not None and outcome.checks.rules_run > 0
    result = runner.invoke(app, ["draft", "--engine", "echo", str(APPEAL_EXAMPLES[0]), "--format", "json"])
    assert json.loads(result.stdout)["engine"] == "echo", result.output


def test_auto_falls_back_from_any_preferred_engine_with_its_label(with_echo):
    from appealagent.pipeline import draft_case

    with_echo(_EchoEngine(fail=True), prefer=True)
    case, offline_letter = _letter(APPEAL_EXAMPLES[0])
    outcome = draft_case(case, engine="auto")
    assert outcome.engine == "offline" and outcome.letter == offline_letter
    assert outcome.result.meta["fallback_from"] == "echo"
    assert outcome.warnings == ["the echo engine failed (echo is down); this letter comes from the offline engine"]


def test_unknown_engine_names_the_registered_ones():
    from appealagent.errors import InputError
    from appealagent.pipeline import validate_request

    with pytest.raises(InputError, match=r"unknown engine 'nope' \(offline, llm or auto\)"):
        validate_request("nope", None)
