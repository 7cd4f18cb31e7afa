"""A Chinese-first seller without a key, in a real pseudo-terminal: Chinese answers first, English when asked,
ending in a ready English letter with no Chinese characters; then the same interview with the stub server as the
configured model, which translates every Chinese answer for the seller to confirm, so no English is typed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from appealagent.model.case import has_cjk
from tests.stub_server import FAST_RETRIES, RecordedRequest, StubResponse, StubServer, offline_responder, text_reply
from tests.test_interview_pty import NOTICES, TIMEOUT, _command, _env, answer, answer_lines, progress, spawn

pexpect = pytest.importorskip("pexpect")

NOTICE = NOTICES / "95_inauthentic_chinese_title_us.txt"

# Chinese answer → the English the seller types when asked (and the stub's translation).
ENGLISH = {
    "2026年8月我们从深圳一家批发商采购了200副耳机,它不是品牌授权经销商": "In August 2026 we bought 200 headsets from a Shenzhen wholesaler that is not an authorised distributor of the brand",
    "这家批发商只给了收据,没有正式发票": "The wholesaler gave us only receipts, not proper invoices",
    "从品牌授权经销商取得3张发票,覆盖两个ASIN的全部销量": "3 invoices from the brand's authorised distributor, covering all sales of both ASINs",
    "下架了180件无法追溯来源的库存": "180 units whose source we cannot trace were removed from sale",
}


def _chinese_answers(child: pexpect.spawn, *, type_english: bool) -> None:
    """The whole inauthentic interview in Chinese; with `type_english` the seller types each English version when asked,
    otherwise each machine translation is accepted with Enter."""

    def zh(key: str, text: str, shows: str | None = None) -> None:
        child.expect_exact(f"[{key}]")
        if shows is not None:
            child.expect_exact(shows)
        child.expect_exact("> ")
        child.sendline(text)
        child.expect_exact(f"[{key}.en]")  # asked right after the Chinese answer
        # without a model the seller types the English; with one its translation is shown and Enter accepts it
        child.expect_exact("申诉信是英文的" if type_english else ENGLISH[text])
        child.expect_exact("> ")
        child.sendline(ENGLISH[text] if type_english else "")

    child.expect_exact("B0D4HX7KQ2 的商品标题是中文的")
    answer(child, "violation_type", "")  # read from the notice
    answer(child, "marketplace", "")
    answer(child, "scope", "1")
    answer(child, "notice_date", "")
    answer(child, "deadline", "")
    answer(child, "asins", "")
    answer(child, "orders", "")
    answer(child, "what_happened", "10月20日账户因两款蓝牙耳机的不真实投诉被停用")  # notes for the writer: no English needed
    answer(child, "supplier_name", "")  # optional: the supplier document request's addressee
    answer(child, "supplier_contact", "")
    answer(child, "causes", "1,2")
    answer_lines(child, "causes.own", [])
    zh("causes.unauthorised_source.detail", "2026年8月我们从深圳一家批发商采购了200副耳机,它不是品牌授权经销商",
       shows="例如:“2026 年 8 月我们从深圳一家非授权批发商")  # the example fits the violation type
    zh("causes.no_invoices.detail", "这家批发商只给了收据,没有正式发票")
    answer(child, "actions", "1,2,3")
    answer_lines(child, "actions.own", [])
    zh("actions.invoices_collected.specifics", "从品牌授权经销商取得3张发票,覆盖两个ASIN的全部销量")
    answer(child, "actions.invoices_collected.done_on", "2026-10-22")
    answer(child, "actions.invoices_collected.who", "9")
    zh("actions.stock_removed.specifics", "下架了180件无法追溯来源的库存")
    answer(child, "actions.stock_removed.done_on", "2026-10-21")
    answer(child, "actions.stock_removed.who", "7")
    answer(child, "actions.supplier_dropped.specifics", "")
    answer(child, "actions.supplier_dropped.done_on", "2026-10-21")
    answer(child, "actions.supplier_dropped.who", "9")
    answer(child, "measures", "1,2")
    answer_lines(child, "measures.own", [])
    answer(child, "measures.authorised_only.specifics", "")
    answer(child, "measures.authorised_only.owner", "9")
    answer(child, "measures.authorised_only.frequency", "7")
    answer(child, "measures.invoice_archive.specifics", "")
    answer(child, "measures.invoice_archive.owner", "8")
    answer(child, "measures.invoice_archive.frequency", "7")
    answer(child, "evidence", "1,3")
    answer_lines(child, "evidence.own", [])
    answer(child, "evidence.invoice.date", "2026-10-22")
    answer(child, "evidence.invoice.issuer", "Guangzhou Huasheng Audio Distribution Co., Ltd.")
    answer(child, "evidence.invoice.reference", "HS-2026-1022")
    answer(child, "evidence.supplier_contact.date", "2026-10-22")
    answer(child, "evidence.supplier_contact.issuer", "")
    answer(child, "evidence.supplier_contact.reference", "")
    answer(child, "store_name", "声海数码")
    child.expect_exact("请用英文或拼音填写")  # a Chinese store name is refused, in Chinese
    answer(child, "store_name", "Shenghai Digital")
    answer(child, "login_email", "ops@shenghai.example")
    answer(child, "contact_name", "Li Na, Owner")
    answer(child, "letter_language", "")
    child.expect_exact("起草所需的信息已齐全。")
    answer(child, "review", "")
    answer(child, "draft_now", "n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


def _ready_letter(cwd: Path) -> str:
    done = subprocess.run(_command() + ["draft", "case.json", "--engine", "offline", "-o", "letter.txt"], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert "ready to submit: yes" in done.stderr
    return (cwd / "letter.txt").read_text(encoding="utf-8")


def _check_case(cwd: Path) -> None:
    case = json.loads((cwd / "case.json").read_text(encoding="utf-8"))
    assert case["violation_type"] == "inauthentic" and case["explanation_language"] == "zh"
    assert case["seller"]["store_name"] == "Shenghai Digital"
    assert all("title" not in a for a in case["asins"])  # the Chinese titles of the notice are not kept
    assert case["root_causes"][0]["detail"].startswith("2026年8月") and case["root_causes"][0]["detail_en"].startswith("In August 2026")
    assert progress(cwd)["complete"] is True


def test_chinese_inauthentic_interview_without_a_model_ends_in_a_ready_english_letter(tmp_path: Path) -> None:
    child = spawn(["interview", "--lang", "zh", "--notice", str(NOTICE)], tmp_path)
    _chinese_answers(child, type_english=True)
    _check_case(tmp_path)
    letter = _ready_letter(tmp_path)
    assert not has_cjk(letter), [line for line in letter.splitlines() if has_cjk(line)]
    assert "Shenghai Digital" in letter and "Shenzhen wholesaler" in letter


def _translator(request: RecordedRequest) -> StubResponse:
    """The stub as the configured model: translates interview answers, drafts like the offline engine."""
    system = request.messages[0]["content"] if request.messages else ""
    if "translate one answer" not in system:
        return offline_responder(request)
    said = request.messages[-1]["content"]
    for chinese, english in ENGLISH.items():
        if chinese in said:
            return text_reply(english)
    return text_reply("UNKNOWN ANSWER")


def test_chinese_interview_with_the_stub_translating_needs_no_typed_english(tmp_path: Path) -> None:
    with StubServer(default=_translator) as stub:
        env = {"OPENAI_BASE_URL": stub.url, **FAST_RETRIES}
        child = spawn(["interview", "--lang", "zh", "--notice", str(NOTICE)], tmp_path, extra_env=env)
        _chinese_answers(child, type_english=False)
        translations = [r for r in stub.chat_requests if "translate one answer" in r.messages[0]["content"]]
    assert len(translations) == len(ENGLISH)
    assert all("ops@shenghai.example" not in r.text() for r in translations)
    _check_case(tmp_path)
    assert not has_cjk(_ready_letter(tmp_path))


def test_resume_asks_for_the_english_left_for_later(tmp_path: Path) -> None:
    child = spawn(["interview", "--lang", "zh", "--notice", str(NOTICE)], tmp_path)
    for key, text in [("violation_type", ""), ("marketplace", ""), ("scope", "1"), ("notice_date", ""), ("deadline", ""),
                      ("asins", ""), ("orders", ""), ("what_happened", "10月20日账户被停用"), ("supplier_name", ""), ("supplier_contact", "")]:
        answer(child, key, text)
    answer(child, "causes", "2")
    answer_lines(child, "causes.own", [])
    answer(child, "causes.no_invoices.detail", "这家批发商只给了收据,没有正式发票")
    answer(child, "causes.no_invoices.detail.en", "")  # left for later
    child.expect_exact("[actions]")
    child.expect_exact("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert progress(tmp_path)["pending"][0] == "causes.no_invoices.detail.en"

    child = spawn(["interview", "--resume", "case.json"], tmp_path)
    child.expect_exact("有 1 个答案还缺英文版本")
    answer(child, "causes.no_invoices.detail.en", "The wholesaler gave us only receipts")
    child.expect_exact("[actions]")
    child.sendintr()
    child.expect(pexpect.EOF)
    case = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    assert case["root_causes"][0]["detail_en"] == "The wholesaler gave us only receipts"


def test_review_names_missing_english_in_plain_chinese() -> None:
    from appealagent.interview.askers import ScriptedAsker
    from appealagent.interview.flow import Interview
    from appealagent.interview.progress import new_progress
    from tests.test_interview import LSR

    answers = {**LSR, "causes.weekend.detail": "39个迟发订单中有31个是周末下的单", "review": ""}
    asker = ScriptedAsker(answers)
    iv = Interview(asker, new_progress("zh"))
    iv.run()
    iv.review()
    said = "\n".join(asker.said)
    assert "申诉信可以提交之前,还需要英文版本:原因 1 的具体情况(“39个迟发订单中有31个是周末下的单”)" in said
    assert "起草所需的信息已齐全" not in said and "detail_en" not in said
    assert re.search(r"root_causes\[\d\]", said) is None
