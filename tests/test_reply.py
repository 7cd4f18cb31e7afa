"""Reading Amazon's replies to an appeal (intake/reply.py): the reply test set, the intake hook and its --json.

Every reply under tests/data/replies/ is held to its expectation in expected.yaml (fields left
out are held to their empty value, so a rule that starts finding what is not there fails too);
bench/bench_replies.py scores the same fields.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.intake.assemble import parse_notice
from appealagent.intake.reply import ReplyReading, read_reply, rules

ROOT = Path(__file__).resolve().parent.parent
REPLIES = ROOT / "tests" / "data" / "replies"
EXPECTED = yaml.safe_load((REPLIES / "expected.yaml").read_text(encoding="utf-8"))
EMPTY: dict[str, object] = {
    "outcome": None, "asks": [], "documents": [], "send_to": None, "metric": None,
    "question": False, "windows": [], "consider": 0, "acknowledgement": False,
}
runner = CliRunner()


def summary(r: ReplyReading) -> dict[str, object]:
    """The fields the expectations name, as the test set writes them."""
    return {
        "outcome": r.outcome if r.is_reply else None,
        "asks": r.asks,
        "documents": [d.key for d in r.documents],
        "send_to": r.send_to,
        "metric": r.metric,
        "question": r.question is not None,
        "windows": r.windows,
        "consider": len(r.consider),
        "acknowledgement": r.acknowledgement,
    }


def test_the_set_has_at_least_25_replies_with_negatives_and_every_layout() -> None:
    files = sorted(p.name for p in REPLIES.glob("*.txt"))
    assert files == sorted(EXPECTED), "every reply has an expectation and every expectation a file"
    assert len(files) >= 25
    outcomes = [EXPECTED[f].get("outcome") for f in files]
    assert outcomes.count(None) >= 6 and {"more_information", "denied", "reinstated"} <= set(outcomes)
    names = " ".join(files)
    for layout in ("forwarded", "forum", "zh_repost", "quoted"):
        assert layout in names


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reply_reads_as_expected(name: str) -> None:
    got = summary(read_reply((REPLIES / name).read_text(encoding="utf-8")))
    want = {**EMPTY, **(EXPECTED[name] or {})}
    assert got == want


def test_outcome_and_asks_right_on_at_least_95_percent() -> None:
    right = 0
    for name, want in EXPECTED.items():
        got = summary(read_reply((REPLIES / name).read_text(encoding="utf-8")))
        want = {**EMPTY, **(want or {})}
        right += got["outcome"] == want["outcome"] and got["asks"] == want["asks"]
    assert right / len(EXPECTED) >= 0.95


def test_praise_of_a_part_is_not_an_ask_but_the_clause_after_but_is() -> None:
    r = read_reply("Hello,\n\nWe reviewed your appeal. Your plan explains the root cause and the actions you have taken, "
                   "but it does not give enough detail on the steps you have taken to prevent this issue in the future.\n\nAmazon.com\n")
    assert r.outcome == "more_information" and r.asks == ["preventive_measures"]


def test_chinese_commentary_around_a_repost_is_not_amazons() -> None:
    r = read_reply((REPLIES / "15_zh_repost_more_info.txt").read_text(encoding="utf-8"))
    assert r.question is None  # the poster's "到底要怎么写?" is not Amazon's question
    assert all("到底" not in p for p in r.phrases)


def test_denial_keeps_only_what_the_reply_says_still_applies() -> None:
    r = read_reply((REPLIES / "08_denied_funds_window_de.txt").read_text(encoding="utf-8"))
    assert r.still_applies == [
        "Funds in your account will be held for up to 90 days.",
        "You may submit a valid appeal within 90 days of this message if you have new information that was not included in your earlier appeals.",
    ]
    assert r.asks == [] and r.documents == []


def test_rules_are_data() -> None:
    r = rules()
    assert set(r.outcomes) == {"more_information", "denied", "reinstated"}
    assert all(len(p) for p in r.outcomes.values())


@pytest.mark.parametrize("name", ["01_more_info_three_parts_us.txt", "07_denied_final_us.txt", "17_zh_repost_reinstated.txt"])
def test_intake_says_it_is_a_reply_and_its_json_carries_the_reply(name: str) -> None:
    path = REPLIES / name
    assert parse_notice(path.read_text(encoding="utf-8")).notice_kind == "appeal_reply"
    res = runner.invoke(app, ["intake", str(path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["notice_kind"] == "appeal_reply"
    assert data["reply"]["outcome"] == EXPECTED[name]["outcome"]
    assert data["reply"]["asks"] == EXPECTED[name].get("asks", [])
    human = runner.invoke(app, ["intake", str(path)])
    assert "Amazon's reply to an appeal" in human.stdout and "appealagent revise" in human.stdout


def test_intake_on_a_notice_and_an_acknowledgement() -> None:
    notice = parse_notice((REPLIES / "21_neg_new_notice_us.txt").read_text(encoding="utf-8"))
    assert notice.notice_kind == "amazon_notice" and notice.case.violation_type is not None
    ack = parse_notice((REPLIES / "22_neg_acknowledgement_us.txt").read_text(encoding="utf-8"))
    assert ack.notice_kind == "appeal_acknowledgement" and "wait for the decision" in (ack.message or "")


def test_no_notice_of_the_intake_set_reads_as_a_reply() -> None:
    """Notices say "will remain deactivated until…" or "the other account has been reinstated": not replies."""
    notices = sorted((ROOT / "tests" / "data" / "notices").glob("*.txt"))
    assert len(notices) > 50
    readings = {p.name: read_reply(p.read_text(encoding="utf-8")) for p in notices}
    assert [name for name, r in readings.items() if r.is_reply or r.acknowledgement] == []
