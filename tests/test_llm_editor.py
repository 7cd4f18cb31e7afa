"""The LLM engine's editor style (the default) against the stub over real HTTP: one request, section re-asks, offline sections kept."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.model.case import Case

from .conftest import ROOT
from .stub_server import StubServer, draft_reply, offline_responder, point_at, text_reply, user_text

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"
ZH_CASE = ROOT / "examples" / "cases" / "cancellations_pricing_error_ca_zh.json"


def offline(path=CASE) -> dict:
    return draft_offline(Case.model_validate_json(path.read_text(encoding="utf-8"))).draft.model_dump()


@pytest.fixture
def stub(monkeypatch):
    with StubServer() as server:
        point_at(monkeypatch, server)
        yield server


def draft_json(path=CASE, *args: str):
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm", "--format", "json", *args])
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def section_reply(value) -> object:
    key = "items" if isinstance(value, list) else "text"
    return draft_reply(json.dumps({key: value}))


# ---- one request for a good edit ---------------------------------------------------------------


def test_editor_is_the_default_and_sends_the_offline_letter_not_the_case(stub):
    stub.default = offline_responder
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert len(stub.chat_requests) == 1
    body = stub.chat_requests[0].body
    user = user_text(stub.chat_requests[0])
    assert "<letter>" in user and "<case_data>" not in user and "<reference_letters>" not in user
    assert body["response_format"]["json_schema"]["name"] == "appeal_draft"
    assert "You are an editor" in body["messages"][0]["content"]
    meta = data["meta"]
    assert meta["style"] == "editor" and meta["kept_offline"] == [] and meta["requests"] == 1
    assert meta["prompt"]["id"] == "edit_letter"
    assert data["sections"]["opening"] == offline()["opening"]  # the stub hands the letter back unchanged


def test_an_edit_that_rewrites_the_wording_is_accepted_with_every_fact(stub):
    edited = offline()
    edited["corrective_actions"] = [re.sub(r"^(Set|Shipped|Moved|Added|Hired)", r"We \1", a) for a in edited["corrective_actions"]]
    edited["opening"] = edited["opening"].replace("Dear Seller Performance Team,", "Dear Seller Performance Team,\n\nThank you for reviewing our account.", 1)
    stub.enqueue(draft_reply(edited))
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert len(stub.chat_requests) == 1
    assert "Thank you for reviewing our account." in data["letter"]
    assert data["meta"]["kept_offline"] == []


def test_the_editor_prompt_is_a_third_of_the_author_prompt_or_less():
    settings_env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    sizes = {}
    for style in ("editor", "author"):
        result = runner.invoke(app, ["draft", str(CASE), "--engine", "llm", "--dry-run", "--style", style], env=settings_env)
        assert result.exit_code == 0, result.stderr
        body = json.loads(result.stdout)
        sizes[style] = sum(len(m["content"] or "") for m in body["messages"])
    assert sizes["editor"] * 3 <= sizes["author"], sizes


# ---- a failing section is re-asked alone ------------------------------------------------------


def test_a_failing_section_is_re_asked_alone_with_its_errors(stub):
    good = offline()
    bad = dict(good, root_causes=[good["root_causes"][0] + " The same happened to B0ZZ9XK2QQ.", *good["root_causes"][1:]])
    stub.enqueue(draft_reply(bad), section_reply(good["root_causes"]))
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert len(stub.chat_requests) == 2
    reask = stub.chat_requests[1]
    text = user_text(reask)
    assert "Section: root_causes" in text and "B0ZZ9XK2QQ" in text and "does not appear in case_data" in text
    assert "<letter>" not in text  # only the one section goes back
    schema = reask.body["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["items"]
    assert "B0ZZ9XK2QQ" not in data["letter"]
    assert data["meta"]["kept_offline"] == [] and data["meta"]["requests"] == 2
    first, second = data["meta"]["rounds"]  # why two requests: the meta says
    assert first["outcome"] == "sections sent back" and any("B0ZZ9XK2QQ" in p for p in first["problems"])
    assert second["outcome"] == "ok"


def test_a_dropped_fact_and_a_new_placeholder_are_problems_of_their_section(stub):
    good = offline()
    asin = re.search(r"B0[A-Z0-9]{8}", good["opening"]).group(0)
    bad = dict(good, opening=good["opening"].replace(asin, "the product"), closing=good["closing"] + "\n[Your Name]")
    stub.enqueue(draft_reply(bad), section_reply(good["opening"]), section_reply(good["closing"]))
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    texts = [user_text(r) for r in stub.chat_requests[1:]]
    assert "Section: opening" in texts[0] and f"'{asin}' from the original is missing" in texts[0]
    assert "Section: closing" in texts[1] and "'[Your Name]' is a placeholder" in texts[1]
    assert data["meta"]["kept_offline"] == []


def test_a_section_that_keeps_failing_keeps_the_offline_wording_and_the_notes_say_so(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_REASKS", "2")
    good = offline()
    invented = [*good["corrective_actions"], "We hired an external compliance consultant to audit our warehouse."]
    stub.enqueue(draft_reply(dict(good, corrective_actions=invented)), section_reply(invented), section_reply(invented))
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr  # the draft never fails for one bad section
    assert len(stub.chat_requests) == 3  # the letter, then two re-asks of the one section
    assert data["meta"]["kept_offline"] == ["corrective_actions"]
    assert "compliance consultant" not in data["letter"]
    assert any("corrective actions section keeps the offline engine's wording" in n for n in data["notes"])


def test_with_no_reasks_a_failing_section_goes_straight_to_the_offline_wording(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_REASKS", "0")
    good = offline()
    stub.enqueue(draft_reply(dict(good, opening=good["opening"] + " Invoice INV-99999 is attached.")))
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert len(stub.chat_requests) == 1 and data["meta"]["kept_offline"] == ["opening"]
    assert "INV-99999" not in data["letter"]


def test_a_reply_that_is_no_draft_at_all_fails_the_engine_and_auto_falls_back(stub):
    stub.enqueue(text_reply("Sure! Here is your letter."), text_reply("Dear team, we are sorry."))
    result = runner.invoke(app, ["draft", str(CASE), "--engine", "llm"])
    assert result.exit_code == 3, result.stderr
    assert "not a usable draft" in result.stderr
    stub.enqueue(text_reply("no"), text_reply("still no"))
    auto = runner.invoke(app, ["draft", str(CASE), "--engine", "auto"])
    assert auto.exit_code in (0, 1) and "comes from the offline engine" in auto.stderr


# ---- Chinese answers are translated in place ---------------------------------------------------


def test_chinese_answers_go_to_the_model_and_an_untranslated_section_is_sent_back(stub):
    source = json.loads(ZH_CASE.read_text(encoding="utf-8"))
    untranslated = source["corrective_actions"][1]["text"]
    stub.default = offline_responder  # echoes everything: the Chinese stays, so the sections go back and then stay offline
    result, data = draft_json(ZH_CASE)
    texts = [user_text(r) for r in stub.chat_requests]
    assert untranslated in texts[0] and "<answers>" in texts[0]  # first: translate the answers alone
    assert "still contains Chinese characters" in texts[1]  # then once more, with the reason
    edit = next(t for t in texts if "<letter>" in t)
    assert untranslated in edit and "<seller_answers_in_chinese>" in edit  # still Chinese: translated in place
    assert "[TO COMPLETE: English version" not in edit
    assert {"corrective_actions", "preventive_measures"} <= set(data["meta"]["kept_offline"])
    assert any("contains Chinese characters" in t for t in texts[texts.index(edit) + 1 :])


def test_a_translated_letter_is_accepted_and_its_translation_notes_are_gone(stub):
    good = offline(ZH_CASE)
    done = dict(good)
    done["corrective_actions"] = [re.sub(r"\[TO COMPLETE: English version of corrective_actions\[1\]\.text\]", "We cancelled these 46 orders and refunded them in full.", a) for a in good["corrective_actions"]]
    done["preventive_measures"] = [re.sub(r"\[TO COMPLETE: English version of preventive_measures\[1\]\.text\]", "We set minimum prices in Seller Central, so any offer below them is deactivated automatically.", m) for m in good["preventive_measures"]]
    stub.enqueue(offline_responder, offline_responder, draft_reply(done))  # the answers come back untranslated twice
    result, data = draft_json(ZH_CASE)
    assert result.exit_code in (0, 1), result.stderr
    assert data["meta"]["kept_offline"] == [], stub.chat_requests
    assert "[TO COMPLETE" not in data["letter"] and "46 orders and refunded" in data["letter"]
    assert not any("is not in English" in n for n in data["notes"])


ZH_EN = {
    "我们取消了这46个订单并全额退款": "We cancelled these 46 orders and refunded them in full.",
    "我们在卖家平台设置了最低价格, 低于最低价的报价会被自动停用": "We set minimum prices in Seller Central; any offer below them is deactivated automatically.",
}
ANSWERS_RE = re.compile(r"<answers>\s*(.*?)\s*</answers>", re.S)


def translator(english: dict[str, str]):
    """A responder that translates the answers it is sent from a table."""

    def respond(request):
        answers = json.loads(ANSWERS_RE.search(user_text(request)).group(1))
        return draft_reply({k: english[v] for k, v in answers.items()})

    return respond


def test_chinese_answers_are_translated_first_and_the_edit_gets_an_english_letter(stub):
    stub.enqueue(translator(ZH_EN))
    stub.default = offline_responder
    result, data = draft_json(ZH_CASE)
    assert result.exit_code in (0, 1), result.stderr
    assert len(stub.chat_requests) == 2
    body = stub.chat_requests[0].body
    assert body["response_format"]["json_schema"]["name"] == "translations"
    assert set(body["response_format"]["json_schema"]["schema"]["required"]) == {"a1", "a2"}
    edit = user_text(stub.chat_requests[1])
    assert "<seller_answers_in_chinese>" not in edit and "We cancelled these 46 orders" in edit
    assert data["meta"]["kept_offline"] == [] and data["meta"]["requests"] == 2
    assert "We cancelled these 46 orders and refunded them in full." in data["letter"] and "[TO COMPLETE" not in data["letter"]
    assert any("translated your Chinese answers" in n for n in data["notes"])
    assert not any("is not in English" in n for n in data["notes"])


def test_a_translation_that_drops_a_number_is_asked_again_alone(stub):
    dropped = {**ZH_EN, "我们取消了这46个订单并全额退款": "We cancelled these orders and refunded them in full."}
    stub.enqueue(translator(dropped), translator(ZH_EN))
    stub.default = offline_responder
    result, data = draft_json(ZH_CASE)
    assert result.exit_code in (0, 1), result.stderr
    second = user_text(stub.chat_requests[1])
    assert "'46' from the Chinese answer is missing" in second
    assert "我们取消了这46个订单" in second and "最低价格" not in second  # only the failing answer goes back
    assert len(stub.chat_requests) == 3 and data["meta"]["kept_offline"] == []
    assert "We cancelled these 46 orders" in data["letter"]
    rounds = data["meta"]["rounds"]
    assert rounds[0]["outcome"] == "translations not accepted" and "'46' from the Chinese answer is missing" in rounds[0]["problems"][0]
    assert [r["outcome"] for r in rounds[1:]] == ["ok", "ok"]


def test_a_translation_is_not_used_when_it_still_fails(stub):
    invented = {**ZH_EN, "我们取消了这46个订单并全额退款": "We cancelled these 46 orders and refunded 3 buyers in full."}
    stub.enqueue(translator(invented), translator(invented))
    stub.default = offline_responder
    result, data = draft_json(ZH_CASE)
    assert result.exit_code in (0, 1), result.stderr
    assert "refunded 3 buyers" not in data["letter"]
    edit = next(user_text(r) for r in stub.chat_requests if "<letter>" in user_text(r))
    assert "我们取消了这46个订单" in edit and "minimum prices in Seller Central" in edit  # one left in Chinese, one translated


# ---- privacy, dry run, the style option --------------------------------------------------------


def test_private_values_are_redacted_in_the_editor_request_and_restored_in_the_letter(stub):
    case = json.loads(CASE.read_text(encoding="utf-8"))
    email = case["seller"]["login_email"]
    stub.default = offline_responder
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert email not in stub.chat_requests[0].text() and "<EMAIL_1>" in stub.chat_requests[0].text()
    assert email in data["letter"]


def test_dry_run_shows_the_request_of_the_chosen_style():
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    editor = runner.invoke(app, ["draft", str(CASE), "--dry-run"], env=env)
    author = runner.invoke(app, ["draft", str(CASE), "--dry-run", "--style", "author"], env=env)
    assert "You are an editor" in json.loads(editor.stdout)["messages"][0]["content"]
    assert "<case_data>" in json.loads(author.stdout)["messages"][1]["content"]
    bad = runner.invoke(app, ["draft", str(CASE), "--dry-run", "--style", "poet"], env=env)
    assert bad.exit_code == 2 and "--style" in bad.stderr


def test_the_style_setting_comes_from_the_environment(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_STYLE", "author")
    stub.default = offline_responder
    result, data = draft_json()
    assert result.exit_code in (0, 1), result.stderr
    assert data["meta"]["style"] == "author" and "<case_data>" in user_text(stub.chat_requests[0])


def test_a_kept_untranslated_section_keeps_the_note_that_says_what_to_add(stub):
    stub.default = offline_responder  # echoes the Chinese: the sections holding it stay offline
    result, data = draft_json(ZH_CASE)
    assert "corrective_actions" in data["meta"]["kept_offline"]
    assert any(n.startswith("corrective_actions[1].text is not in English") for n in data["notes"])


def test_dry_run_of_a_chinese_case_shows_the_translation_request_first():
    result = runner.invoke(app, ["draft", str(ZH_CASE), "--dry-run"], env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert "<answers>" in body["messages"][-1]["content"] and "我们取消了这46个订单" in body["messages"][-1]["content"]
    assert body["response_format"]["json_schema"]["name"] == "translations"


def test_editor_requests_are_not_sampled_and_none_still_omits_the_temperature(stub, monkeypatch):
    stub.enqueue(translator(ZH_EN))
    stub.default = offline_responder
    draft_json(ZH_CASE)
    assert [r.body["temperature"] for r in stub.chat_requests] == [0.0, 0.0]  # the translation, then the edit
    monkeypatch.setenv("APPEALAGENT_TEMPERATURE", "none")
    draft_json()
    assert "temperature" not in stub.chat_requests[-1].body
