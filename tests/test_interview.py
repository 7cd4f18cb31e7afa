"""The interview flow with scripted answers: validation re-asks, follow-ups, checklists, review, progress, resume,
the answers file and the question-set data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.errors import InputError
from appealagent.interview import plan as qs
from appealagent.interview.answer_types import strategy_for
from appealagent.interview.askers import AnswersFileAsker, ScriptedAsker, ScriptExhausted
from appealagent.interview.flow import Interview
from appealagent.interview.progress import Progress, new_progress
from appealagent.model.case import Case, ViolationType, has_cjk

NOTICES = Path(__file__).parent / "data" / "notices"
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()

# A complete late-shipment interview, keyed by question id (English).
LSR: dict[str, Any] = {
    "violation_type": "late_shipment_rate",
    "marketplace": "US",
    "scope": "1",
    "notice_date": "2026-03-12",
    "deadline": "",
    "asins": "B0CK7TQ2M4, B0D1R8WX5N",
    "orders": "112-4839201-7745213",
    "what_happened": "Weekend orders were dispatched late in February and March 2026.",
    "metric_value": "7.8",
    "metric_defects": "39",
    "metric_orders": "500",
    "metric_start": "2026-02-08",
    "metric_end": "2026-03-09",
    "outstanding_orders": "n",
    "causes": "1",
    "causes.weekend.detail": "31 of the 39 late orders were placed between Friday 18:00 and Sunday 23:59",
    "actions": "1",
    "actions.shipped_outstanding.specifics": "6 orders, all with UPS tracking",
    "actions.shipped_outstanding.done_on": "2026-03-12",
    "actions.shipped_outstanding.who": "3",
    "measures": "1",
    "measures.weekend_duty.owner": "3",
    "measures.weekend_duty.frequency": "4",
    "evidence": "1",
    "evidence.tracking.date": "2026-03-12",
    "evidence.tracking.issuer": "UPS",
    "store_name": "Harbourlight Home",
    "login_email": "ops@harbourlight-home.example",
    "contact_name": "Chen Wei, Operations Manager",
}


def run(answers: dict[str, Any] | list[str], *, lang: str = "en", base: Case | None = None, saves: list[Any] | None = None) -> tuple[Interview, ScriptedAsker, Case]:
    asker = ScriptedAsker(answers)

    def save(case: Case, progress: Progress) -> None:
        if saves is not None:
            saves.append((case.model_dump(mode="json"), progress.model_copy(deep=True)))

    iv = Interview(asker, new_progress(lang, base), save=save)
    case = iv.run()
    return iv, asker, case


def reasks(asker: ScriptedAsker, key: str) -> int:
    return asker.keys().count(key) - 1


# ---- validation: every answer type is re-asked with the model's reason ------------------------


@pytest.mark.parametrize(
    ("key", "bad", "reason"),
    [
        ("asins", "B0CK7TQ2M4, B0XYZ", "'B0XYZ': must be a 10-character ASIN"),
        ("orders", "112-48392-77", "must be an Amazon order ID"),
        ("notice_date", TOMORROW, "is in the future"),
        ("notice_date", "next Tuesday", "is not a date"),
        ("metric_value", "140", "must be between 0 and 100"),
        ("metric_value", "lots", "is not a number"),
        ("metric_defects", "3.5", "is not a whole number"),
        ("metric_defects", "-2", "greater than or equal to 0"),
        ("metric_orders", "20", "cannot be more than orders"),
        ("metric_end", "2026-02-01", "must be before period_end"),
        ("login_email", "ops-at-harbourlight", "must be an e-mail address"),
        ("outstanding_orders", "maybe", "answer y (yes) or n (no)"),
        ("marketplace", "99", "type one number from 1 to 22"),
        ("causes", "1,42", "is not on the list"),
        ("causes", "0,1", "0 means none of these"),
        ("store_name", "", "an answer is needed here"),
        ("contact_name", "陈伟", "please write it in English or pinyin"),
        ("actions.shipped_outstanding.done_on", TOMORROW, "is in the future"),
        ("actions.shipped_outstanding.who", "王强", "please write it in English or pinyin"),
    ],
)
def test_bad_answer_is_reasked_with_the_reason(key: str, bad: str, reason: str) -> None:
    answers = dict(LSR)
    answers[key] = [bad, LSR[key]]
    iv, asker, case = run(answers)
    assert reasks(asker, key) == 1, asker.keys()
    assert any(reason in said for said in asker.said), asker.said
    assert any(said.startswith("Not accepted:") for said in asker.said)
    Case.model_validate(case.model_dump(mode="json"))  # the good answer went through


def test_list_answer_must_name_at_least_one_item_when_nothing_is_ticked() -> None:
    answers = {**LSR, "causes": "0", "causes.own": ["", "Our picking list skipped orders with two items"], "causes.own1.detail": "14 of 39 late orders had two items"}
    _iv, asker, case = run(answers)
    assert reasks(asker, "causes.own") == 1
    assert any("name at least one item" in s for s in asker.said)
    assert [rc.text for rc in case.root_causes] == ["Our picking list skipped orders with two items"]


def test_reasons_are_in_the_interview_language() -> None:
    answers = dict(LSR)
    answers["metric_value"] = ["140", "7.8"]
    answers["asins"] = ["B0XYZ", "B0CK7TQ2M4"]
    _iv, asker, _case = run(answers, lang="zh")
    assert "答案无效:数值必须在 0 到 100 之间" in asker.said
    assert any(s.startswith("答案无效:“B0XYZ”:ASIN 应为 10 位") for s in asker.said), asker.said


def test_bad_answer_in_answers_file_is_an_input_error_naming_the_question() -> None:
    answers = {**LSR, "metric_value": 140}
    iv = Interview(AnswersFileAsker(answers, "answers.yaml"), new_progress("en"))
    with pytest.raises(InputError, match=r"answers.yaml: metric_value: must be between 0 and 100"):
        iv.run()


def test_parsing_accepts_the_forms_sellers_type() -> None:
    answers = {**LSR, "notice_date": "2026年3月12日", "metric_value": "7,8 %", "asins": "b0ck7tq2m4，B0D1R8WX5N、B0CK7TQ2M4", "outstanding_orders": "否"}
    _iv, _asker, case = run(answers)
    assert case.notification.date == dt.date(2026, 3, 12)
    assert case.metrics[0].value == 7.8
    assert [a.asin for a in case.asins] == ["B0CK7TQ2M4", "B0D1R8WX5N"]


# ---- the case the answers build -----------------------------------------------------------------


def test_complete_interview_builds_a_case_that_drafts_ready() -> None:
    from appealagent.pipeline import draft_case

    _iv, _asker, case = run(LSR)
    assert case.violation_type == ViolationType.late_shipment_rate
    assert case.letter_kind.value == "account_appeal" and case.notification.account_level is True
    assert case.metrics[0].defects == 39 and case.metrics[0].period_end == dt.date(2026, 3, 9)
    assert case.root_causes[0].id == "rc1"
    assert case.root_causes[0].detail.startswith("31 of the 39")
    action = case.corrective_actions[0]
    assert action.text.endswith(": 6 orders, all with UPS tracking") and action.who == "our warehouse lead"
    assert action.done_on == dt.date(2026, 3, 12)
    assert case.preventive_measures[0].frequency == "every Saturday and Sunday"
    assert case.evidence[0].kind.value == "tracking_record" and case.evidence[0].issuer == "UPS"
    outcome = draft_case(case, engine="offline")
    assert outcome.ready, (outcome.result.notes, outcome.checks)


def test_checklist_selection_and_own_items_become_list_elements() -> None:
    answers = {**LSR, "causes": "1,2", "causes.own": "Our ERP did not flag orders older than 24 hours",
               "causes.stock_out.detail": "8 orders waited a day for stock", "causes.own1.detail": "The alert ran on weekdays only"}
    _iv, asker, case = run(answers)
    assert [rc.id for rc in case.root_causes] == ["rc1", "rc2", "rc3"]
    assert case.root_causes[1].text.startswith("Items ran out in our picking area")
    assert case.root_causes[2].text == "Our ERP did not flag orders older than 24 hours"
    assert case.root_causes[2].detail == "The alert ran on weekdays only"
    keys = asker.keys()
    assert keys.index("causes.weekend.detail") < keys.index("causes.stock_out.detail") < keys.index("causes.own1.detail")


def test_chinese_answers_keep_the_chinese_and_offer_an_english_version() -> None:
    answers = {**LSR, "causes.weekend.detail": "39个迟发订单中有31个是周末下的单", "causes.weekend.detail.en": "31 of the 39 late orders were weekend orders",
               "causes.own": "ERP没有提醒", "causes.own1.en": "Our ERP sent no alert", "causes.own1.detail": "只在工作日提醒", "causes.own1.detail.en": "",
               "actions.shipped_outstanding.specifics": "6个订单", "actions.shipped_outstanding.specifics.en": "6 orders"}
    _iv, asker, case = run(answers, lang="zh")
    weekend, own = case.root_causes
    assert weekend.text.startswith("周五晚上") and weekend.text_en.startswith("Orders placed from Friday evening")
    assert weekend.detail.startswith("39个") and weekend.detail_en == "31 of the 39 late orders were weekend orders"
    assert own.text == "ERP没有提醒" and own.text_en == "Our ERP sent no alert"
    assert own.detail == "只在工作日提醒" and own.detail_en is None  # skipped: the LLM can translate later
    action = case.corrective_actions[0]
    assert action.text.endswith(":6个订单") and action.text_en.endswith(": 6 orders")
    assert case.explanation_language.value == "zh"
    assert "causes.weekend.detail.en" in asker.keys()
    assert "what_happened.en" not in asker.keys()  # context has no English twin, so no offer


def test_english_version_must_be_english() -> None:
    answers = {**LSR, "causes.weekend.detail": "周末订单", "causes.weekend.detail.en": ["周末", "Weekend orders"]}
    _iv, asker, case = run(answers)
    assert reasks(asker, "causes.weekend.detail.en") == 1
    assert case.root_causes[0].detail_en == "Weekend orders"


def test_only_confirmed_actions_enter_the_case() -> None:
    _iv, _asker, case = run({**LSR, "actions": "1"})
    assert len(case.corrective_actions) == 1
    assert all(not a.text.lower().startswith("we will") for a in case.corrective_actions)


# ---- follow-ups -----------------------------------------------------------------------------------


def test_yes_triggers_the_follow_up_and_no_skips_it() -> None:
    _iv, asker, _case = run({**LSR, "outstanding_orders": "y"})
    assert any(s.startswith("Ship every outstanding order") for s in asker.said)
    _iv, asker, _case = run({**LSR, "outstanding_orders": "n"})
    assert not any("Ship every outstanding order" in s for s in asker.said)


def test_claim_orders_follow_up_adds_orders_with_their_issue() -> None:
    answers = {**LSR, "violation_type": "order_defect_rate", "claims_received": "yes", "claim_orders": "114-2290375-1038846",
               "causes": "1", "causes.slow_replies.detail": "3 messages waited more than 48 hours in March",
               "actions": "1", "actions.resolved_claims.done_on": "2026-03-13", "actions.resolved_claims.who": "5",
               "measures": "1", "measures.reply_24h.owner": "5", "measures.reply_24h.frequency": "2", "evidence": "0"}
    _iv, asker, case = run(answers)
    assert "claim_orders" in asker.keys()
    assert [o.order_id for o in case.orders] == ["112-4839201-7745213", "114-2290375-1038846"]
    assert case.orders[1].issue == "A-to-z Guarantee claim" and case.orders[0].issue is None
    _iv, asker, case = run({**answers, "claims_received": "no"})
    assert "claim_orders" not in asker.keys() and len(case.orders) == 1


def test_choice_follow_up_and_option_sets() -> None:
    base = _tm_answers()
    _iv, asker, case = run({**base, "route": "2"})
    assert case.route.value == "in_error"
    assert any("documents carry the appeal" in s for s in asker.said)
    _iv, asker, case = run({**base, "route": "1"})
    assert case.route.value == "plan_of_action"
    assert not any("documents carry the appeal" in s for s in asker.said)


def _tm_answers() -> dict[str, Any]:
    return {
        "violation_type": "trademark", "marketplace": "DE", "scope": "2", "notice_date": "2026-08-17",
        "asins": "B0CPZ71KQ3", "what_happened": "Two listings were removed after a BRIXO trademark complaint.",
        "rights_owner": "Brixo Haushaltswaren GmbH", "brand": "BRIXO", "complaint_ids": "9876543210", "route": "1",
        "causes": "1", "causes.brand_in_listing.detail": "The title of B0CPZ71KQ3 read 'lid set for BRIXO pans' from 3 July 2026",
        "actions": "1", "actions.removed_term.done_on": "2026-08-18", "actions.removed_term.who": "6",
        "measures": "1", "measures.brand_screen.owner": "6", "measures.brand_screen.frequency": "6",
        "evidence": "1", "evidence.retraction.date": "2026-08-21", "evidence.retraction.issuer": "Brixo Haushaltswaren GmbH",
        "store_name": "Lindenhof Kitchenware", "login_email": "seller@lindenhof-kitchen.example",
    }


def test_missing_evidence_is_said_plainly() -> None:
    _iv, asker, case = run({**_tm_answers(), "evidence": "5", "evidence.listing_screenshot.date": "2026-08-18"})
    assert any(s.startswith("Missing evidence for this type of appeal: an invoice, a letter of authorisation") for s in asker.said)
    _iv, asker, _case = run(_tm_answers())
    assert any(s.startswith("Evidence: you hold what this type of appeal needs") for s in asker.said)


def test_old_invoice_is_flagged_against_the_notice_date() -> None:
    answers = {**_tm_answers(), "violation_type": "inauthentic", "causes": "1", "causes.unauthorised_source.detail": "Bought from a wholesaler in May 2024",
               "actions": "1", "actions.invoices_collected.done_on": "2026-08-18", "actions.invoices_collected.who": "9",
               "measures": "1", "measures.authorised_only.owner": "9", "measures.authorised_only.frequency": "7",
               "evidence": "1", "evidence.invoice.date": "2025-01-10", "evidence.invoice.issuer": "Lianfa Trading Co., Ltd."}
    iv, asker, case = run(answers)
    gaps = iv.evidence_gaps(case)
    assert any("more than 365 days before the notice" in g for g in gaps), gaps


# ---- review screen ------------------------------------------------------------------------------


def test_review_edits_an_answer_by_number_and_asks_new_follow_ups() -> None:
    asker = ScriptedAsker(dict(LSR))
    iv = Interview(asker, new_progress("en"))
    iv.run()
    numbers = {s.key: n for n, s in enumerate(iv.answered_steps(), start=1)}
    asker._dict["review"] = [str(numbers["store_name"]), "99", str(numbers["causes"]), ""]
    asker._dict["store_name"] = ["Harbourlight Home & Garden"]
    asker._dict["causes"] = ["1,2"]
    asker._dict["causes.stock_out.detail"] = ["8 orders waited a day for stock to be moved"]
    case = iv.review()
    assert case.seller.store_name == "Harbourlight Home & Garden"
    assert [rc.detail for rc in case.root_causes][1] == "8 orders waited a day for stock to be moved"
    assert any("There is no answer number 99" in s for s in asker.said)
    assert any("Your case" in s and "store_name" in s for s in asker.said)  # the table shows ids and answers
    assert iv.p.complete


def test_changing_the_violation_type_sets_the_old_answers_aside() -> None:
    asker = ScriptedAsker(dict(LSR))
    iv = Interview(asker, new_progress("en"))
    iv.run()
    vt_step = next(s for s in iv.plan() if s.key == "violation_type")
    asker._dict["violation_type"] = ["trademark"]
    iv.ask_step(vt_step)
    assert "causes" not in iv.p.answers and iv.p.stash["late_shipment_rate"]["causes"] == ["weekend"]
    assert iv.pending()[0].key == "rights_owner"
    assert any("violation type changed" in s for s in asker.said)
    asker._dict["violation_type"] = ["late_shipment_rate"]
    iv.ask_step(vt_step)
    assert iv.p.answers["causes"] == ["weekend"]  # nothing typed was lost


# ---- progress and resume --------------------------------------------------------------------------


def test_progress_is_saved_after_every_answer_and_each_case_loads() -> None:
    saves: list[Any] = []
    _iv, asker, _case = run(LSR, saves=saves)
    assert len(saves) == len(asker.prompts)  # one save per answer (re-asks included once accepted)
    for n, (case_data, progress) in enumerate(saves, start=1):
        Case.model_validate(case_data)
        assert len(progress.answered) == n
    assert saves[0][1].answered == ["violation_type"]
    assert saves[-1][1].pending == []


def test_resume_skips_answered_questions() -> None:
    class Stop(Exception):
        pass

    saved: dict[str, Any] = {}

    class Interrupting(ScriptedAsker):
        def ask(self, question: Any, default: Any) -> str:
            if question.key == "causes":
                raise Stop()
            return super().ask(question, default)

    iv = Interview(Interrupting(dict(LSR)), new_progress("en"), save=lambda c, p: saved.update(progress=p.model_dump_json()))
    with pytest.raises(Stop):
        iv.run()
    progress = Progress.model_validate_json(saved["progress"])
    assert "outstanding_orders" in progress.answers and "causes" not in progress.answers
    assert progress.pending[0] == "causes"
    asker = ScriptedAsker(dict(LSR))
    case = Interview(asker, progress).run()
    assert asker.keys()[0] == "causes"
    assert "violation_type" not in asker.keys()
    assert case.metrics[0].value == 7.8 and case.seller.store_name == "Harbourlight Home"


def test_resume_of_a_hand_made_case_asks_only_what_is_missing() -> None:
    case = Case.model_validate_json((Path(__file__).parent.parent / "examples" / "cases" / "late_shipment_us.json").read_text())
    data = case.model_dump(mode="json", exclude_none=True)
    data["seller"].pop("login_email")
    partial = Case.model_validate(data)
    asker = ScriptedAsker({"login_email": "ops@harbourlight-home.example", "what_happened": "Weekend orders shipped late.", "outstanding_orders": "n"})
    iv = Interview(asker, new_progress("en", partial, skip_filled=True))
    result = iv.run()
    asked = asker.keys()
    assert "login_email" in asked and "what_happened" in asked  # the case has neither
    assert not {"causes", "actions", "measures", "evidence", "violation_type", "scope", "metric_value", "store_name"} & set(asked)
    assert result.root_causes == case.root_causes and result.seller.login_email == "ops@harbourlight-home.example"


def test_scripted_asker_fails_instead_of_hanging() -> None:
    with pytest.raises(ScriptExhausted):
        run({"violation_type": "1"})


# ---- the question sets -----------------------------------------------------------------------------


def test_question_sets_are_valid() -> None:
    assert qs.validate_all() == []


def test_every_violation_type_has_a_set_or_the_generic_fallback() -> None:
    index = qs.set_index()
    for vt in ViolationType:
        qset = qs.set_for(vt.value)
        if vt.value in index:
            assert vt in qset.violation_types
        else:
            assert qset.id == "generic"
        ids = [q.id for q in qset.questions]
        assert {"causes", "actions", "measures", "evidence"} <= set(ids), vt
    assert len(index) >= 15  # most types have their own causes and actions


def _all_questions() -> list[qs.Question]:
    common = qs.load_common()
    out: list[qs.Question] = []

    def walk(questions: list[qs.Question]) -> None:
        for q in questions:
            out.append(q)
            for fu in q.follow_ups:
                walk(fu.ask)
            if q.each:
                walk(q.each)

    walk(common.start + common.end)
    for cfg in common.items.values():
        walk(cfg.questions)
    for name in qs.set_names():
        walk(qs.load_set(name).questions)
    return out


def test_every_question_and_option_has_english_and_chinese() -> None:
    questions = _all_questions()
    assert len(questions) > 100
    for q in questions:
        assert q.text.en.strip() and q.text.zh.strip(), q.id
        assert has_cjk(q.text.zh) and not has_cjk(q.text.en), q.id
        for opt in qs.options_for(q):
            assert opt.en.strip() and not has_cjk(opt.en), (q.id, opt.value)
            assert has_cjk(opt.zh), (q.id, opt.value)
    for key, text in qs.load_common().ui.items():
        assert text.en and text.zh, key


def test_broken_fills_path_is_reported() -> None:
    q = qs.Question(id="x", type="text", text=qs.Bi(en="x", zh="x"), fills="seller.nickname")
    assert any("no field 'nickname'" in p for p in qs.check_question(q, None))
    q = qs.Question(id="y", type="yes_no", text=qs.Bi(en="y", zh="y"),
                    follow_ups=[qs.FollowUp(when="maybe", ask=[qs.Question(id="z", type="note", text=qs.Bi(en="z", zh="z"))])])
    assert any("must be true or false" in p for p in qs.check_question(q, None))


def test_unknown_question_type_is_reported_not_guessed() -> None:
    q = qs.Question(id="x", type="slider", text=qs.Bi(en="x", zh="x"), fills="seller.store_name")
    assert any("unknown question type 'slider'" in p for p in qs.check_question(q, None))
    q = qs.Question(id="y", type="text", text=qs.Bi(en="y", zh="y"), options=[qs.Option(value="a", en="A", zh="甲")])
    assert any("only choice and checklist questions take options" in p for p in qs.check_question(q, None))


@pytest.mark.parametrize(
    ("qtype", "typed", "value", "shown"),
    [
        ("text", " Weekend orders ", "Weekend orders", "Weekend orders"),
        ("email", "ops@example.com", "ops@example.com", "ops@example.com"),
        ("date", "12 March 2026", "2026-03-12", "2026-03-12"),
        ("percentage", "7,8 %", 7.8, "7.8"),
        ("number", "1,200", 1200, "1200"),
        ("yes_no", "是", True, "yes"),
        ("asin_list", "b0ck7tq2m4 B0D1R8WX5N", ["B0CK7TQ2M4", "B0D1R8WX5N"], "B0CK7TQ2M4; B0D1R8WX5N"),
        ("order_list", "112-4839201-7745213", ["112-4839201-7745213"], "112-4839201-7745213"),
        ("list", "first; second", ["first", "second"], "first; second"),
        ("choice", "2", "b", "Bee"),
        ("checklist", "2,1", ["a", "b"], "Ay; Bee"),
    ],
)
def test_each_type_parses_shows_and_gives_back_what_it_read(qtype: str, typed: str, value: Any, shown: str) -> None:
    options = [qs.Option(value="a", en="Ay", zh="甲"), qs.Option(value="b", en="Bee", zh="乙")] if qtype in {"choice", "checklist"} else []
    q = qs.Question(id="q", type=qtype, text=qs.Bi(en="q", zh="问"), options=options)
    strategy = strategy_for(q)
    assert strategy.parse(q, typed) == value
    assert strategy.format(q, value, "en") == shown
    assert strategy.parse(q, strategy.to_text(q, value)) == value  # Enter keeps the answer as it was


def test_question_file_without_chinese_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="zh"):
        qs.QuestionSet.model_validate(yaml.safe_load("id: t\nquestions:\n  - id: a\n    type: text\n    text: {en: Hello}\n"))


# ---- the command ----------------------------------------------------------------------------------


runner = CliRunner()


def _answers_file(tmp_path: Path, answers: dict[str, Any]) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def test_answers_file_runs_the_whole_interview(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, LSR)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = Case.model_validate_json(out.read_text())
    assert case.seller.store_name == "Harbourlight Home"
    progress = json.loads((tmp_path / "case.json.progress").read_text())
    assert progress["complete"] is True and progress["pending"] == []
    drafted = runner.invoke(app, ["draft", str(out), "--engine", "offline"])
    assert drafted.exit_code == 0, drafted.output


def test_draft_now_drafts_and_checks_with_the_offline_engine(tmp_path: Path) -> None:
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, {**LSR, "draft_now": True})), "-o", str(tmp_path / "case.json")])
    assert result.exit_code == 0, result.output
    assert "Dear Seller Performance Team" in result.output and "31 of the 39 late orders" in result.output
    assert "ready to submit: yes" in result.output
    assert "Next: appealagent draft" in result.output


def test_answers_file_missing_answer_exits_2_naming_the_question(tmp_path: Path) -> None:
    answers = {k: v for k, v in LSR.items() if k != "causes.weekend.detail"}
    out = tmp_path / "case.json"
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, answers)), "-o", str(out)])
    assert result.exit_code == 2
    assert "no answer for question 'causes.weekend.detail'" in result.output
    progress = json.loads((tmp_path / "case.json.progress").read_text())
    assert progress["pending"][0] == "causes.weekend.detail" and "causes" in progress["answers"]
    Case.model_validate_json(out.read_text())  # what was answered is saved and loads


def test_answers_file_with_a_misspelt_id_is_reported(tmp_path: Path) -> None:
    answers = {**LSR, "store_nmae": "Harbourlight Home"}
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, answers)), "-o", str(tmp_path / "case.json")])
    assert result.exit_code == 0, result.output
    assert "did not ask (check the ids): store_nmae" in result.output


def test_answers_file_with_notice_prefills_and_confirms(tmp_path: Path) -> None:
    answers = {k: v for k, v in LSR.items() if k not in {"violation_type", "marketplace", "notice_date", "orders", "metric_value", "asins"}}
    out = tmp_path / "case.json"
    result = runner.invoke(app, ["interview", "--notice", str(NOTICES / "02_lsr_at_risk_us.txt"), "--answers", str(_answers_file(tmp_path, answers)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = Case.model_validate_json(out.read_text())
    assert case.violation_type == ViolationType.late_shipment_rate and case.metrics[0].value == 12.4
    assert [o.order_id for o in case.orders][0] == "114-2093381-7720154"


def test_no_terminal_and_no_answers_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["interview", "-o", str(tmp_path / "case.json")], input="")
    assert result.exit_code == 2
    assert "standard input is not a terminal" in result.output and "--answers" in result.output
    assert not (tmp_path / "case.json").exists()


def test_refuses_to_overwrite_an_existing_case(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    out.write_text("{}")
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, LSR)), "-o", str(out)])
    assert result.exit_code == 2 and "--resume" in result.output
    assert out.read_text() == "{}"
    result = runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, LSR)), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output


def test_resume_with_answers_file_continues(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    first = {k: v for k, v in LSR.items() if k not in {"store_name", "login_email", "contact_name"}}
    assert runner.invoke(app, ["interview", "--answers", str(_answers_file(tmp_path, first)), "-o", str(out)]).exit_code == 2
    rest = tmp_path / "rest.yaml"
    rest.write_text(yaml.safe_dump({"store_name": "Harbourlight Home", "login_email": "ops@harbourlight-home.example"}))
    result = runner.invoke(app, ["interview", "--resume", str(out), "--answers", str(rest)])
    assert result.exit_code == 0, result.output
    case = Case.model_validate_json(out.read_text())
    assert case.seller.login_email == "ops@harbourlight-home.example" and case.root_causes[0].id == "rc1"


def test_bad_lang_and_bad_answers_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["interview", "--lang", "fr"]).exit_code == 2
    bad = tmp_path / "a.yaml"
    bad.write_text("- just\n- a list\n")
    result = runner.invoke(app, ["interview", "--answers", str(bad), "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 2 and "mapping of question id" in result.output


@pytest.mark.parametrize(("vtype", "answers"), [("late_shipment_rate", LSR), ("trademark", _tm_answers())])
def test_listed_question_keys_cover_every_key_a_real_interview_uses(vtype: str, answers: dict[str, Any]) -> None:
    keys = {row["key"] for row in qs.answer_keys(vtype)}
    assert set(answers) <= keys, set(answers) - keys
    _iv, asker, _case = run(answers)
    assert {p.key for p in asker.prompts} <= keys | {k for k in (p.key for p in asker.prompts) if k.endswith(".en")}


def test_list_questions_cli_prints_keys_and_rejects_unknown_types() -> None:
    from typer.testing import CliRunner

    from appealagent.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["interview", "--list-questions", "late_shipment_rate"])
    assert result.exit_code == 0
    assert "causes.weekend.detail  <text>" in result.stdout
    bad = runner.invoke(app, ["interview", "--list-questions", "late_shipping"])
    assert bad.exit_code == 2 and "not a violation type" in bad.stderr
