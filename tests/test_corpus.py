"""The corpus loader and validator, `corpus add/list/validate`, on fixture letters and the real fewshot/."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent import paths
from appealagent.cli import app
from appealagent.corpus.store import letter_files, load_corpus, load_dir, parse_letter, validate_dir
from appealagent.errors import InputError
from appealagent.model.case import LetterKind, Marketplace, ViolationType, has_cjk

FIXTURES = Path(__file__).parent / "data" / "corpus"
LETTERS = Path(__file__).parent / "data" / "letters"
LSR = "fx-lsr-weekend-us"

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user folders, so a developer's own corpus never leaks in."""
    target = tmp_path / "home"
    monkeypatch.setenv("APPEALAGENT_HOME", str(target))
    return target


def _copy_fixtures(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


# --------------------------------------------------------------------------- parsing


def test_fixture_corpus_is_valid() -> None:
    assert validate_dir(FIXTURES) == []
    assert len(load_dir(FIXTURES, "builtin")) == 5


def test_parse_letter_fields() -> None:
    letter = parse_letter(FIXTURES / f"{LSR}.md")
    assert letter.id == LSR
    assert letter.kind is LetterKind.account_appeal
    assert letter.violation_type is ViolationType.late_shipment_rate
    assert letter.marketplace is Marketplace.US
    assert letter.topic == "weekend_dispatch"
    assert letter.outcome == "model"
    assert letter.tags == ["weekend", "dispatch", "staffing"]
    assert list(letter.sections) == ["opening", "root_cause", "corrective_actions", "preventive_measures", "closing"]
    assert letter.sections["root_cause"].startswith("Orders placed on Saturdays")
    assert "###" not in letter.english and "\nRoot cause\n" in letter.english
    assert not has_cjk(letter.english)
    assert letter.chinese is not None and has_cjk(letter.chinese) and "根本原因" in letter.chinese
    assert letter.origin == "builtin" and letter.path == FIXTURES / f"{LSR}.md"


def test_buyer_message_has_one_section() -> None:
    letter = parse_letter(FIXTURES / "fx-buyer-unpaid-uk.md")
    assert list(letter.sections) == ["message"]
    assert letter.sections["message"].startswith("Dear customer,")


def test_readme_is_documentation() -> None:
    assert (FIXTURES / "README.md").exists()
    assert "README.md" not in {p.name for p in letter_files(FIXTURES)}


def _replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def _cut_from(marker: str):
    def edit(text: str) -> str:
        return text[: text.index(marker)]

    return edit


def _swap_chinese_for_english(text: str) -> str:
    english = text[text.index("## English") + len("## English") : text.index("## 中文译文")]
    return text[: text.index("## 中文译文")] + "## 中文译文\n" + english


BAD = {
    "missing kind": (_replace("kind: account_appeal\n", ""), "kind", "missing"),
    "unknown field": (_replace("outcome: model\n", "outcome: model\ncolour: blue\n"), "colour", "unknown field"),
    "unknown violation type": (_replace("violation_type: late_shipment_rate", "violation_type: late_shipments"), "violation_type", "late_shipments"),
    "unknown kind": (_replace("kind: account_appeal", "kind: appeal_letter"), "kind", "appeal_letter"),
    "unknown marketplace": (_replace("marketplace: US", "marketplace: XX"), "marketplace", "XX"),
    "unknown outcome": (_replace("outcome: model", "outcome: won"), "outcome", "won"),
    "id differs from stem": (_replace(f"id: {LSR}\n", "id: lsr-weekend\n"), "id", "differs from the file name"),
    "bad id": (_replace(f"id: {LSR}\n", "id: LSR Weekend\n"), "id", "lower-case"),
    "missing source (built-in)": (_replace('source: "test fixture"\n', ""), "source", "missing"),
    "missing translation field (built-in)": (_replace("translation: zh\n", ""), "translation", "missing"),
    "declared section without heading": (_replace("### Root cause\n", ""), "sections", "no '### Root cause' heading"),
    "heading not declared": (_replace(", preventive_measures, closing]", ", preventive_measures]"), "sections", "not declared"),
    "unknown heading": (_replace("### Closing\n", "### Summary\n"), "sections", "unknown heading '### Summary'"),
    "empty section": (_replace("### Closing\nWe ask you to review our plan. Harbor Lane Goods, ops@harborlane.example.com\n", "### Closing\n"), "sections", "is empty"),
    "sections out of order": (_replace("[opening, root_cause, corrective_actions", "[opening, corrective_actions, root_cause"), "sections", "order"),
    "no Chinese part": (_cut_from("## 中文译文"), "translation", "no '## 中文译文' part"),
    "Chinese part without Chinese": (_swap_chinese_for_english, "translation", "no Chinese text"),
    "Chinese heading count": (_replace("### 结尾\n", ""), "translation", "4 '### ' headings in the Chinese part, 5"),
    "Chinese in the English part": (_replace("Dear Seller Performance Team,\n\nOn", "Dear Seller Performance Team，\n\nOn"), "english", "Chinese"),
    "no front matter": (lambda t: t.split("---\n", 2)[2], "front matter", "missing"),
    "broken YAML": (_replace("tags: [weekend, dispatch, staffing]", "tags: [weekend, dispatch"), "front matter", "not valid YAML"),
    "unknown part": (_replace("## 中文译文", "## Deutsch"), "body", "unknown part heading"),
    "wrong shape for an appeal": (
        _replace("sections: [opening, root_cause, corrective_actions, preventive_measures, closing]", "sections: [message]"),
        "sections",
        "account_appeal letters use",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_validator_names_file_and_field(name: str, tmp_path: Path) -> None:
    edit, field, fragment = BAD[name]
    folder = _copy_fixtures(tmp_path)
    target = folder / f"{LSR}.md"
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")

    problems = validate_dir(folder)
    assert problems, name
    assert {p.file for p in problems} == {str(target)}
    assert any(p.field == field and fragment in p.message for p in problems), [str(p) for p in problems]

    with pytest.raises(InputError) as info:
        parse_letter(target)
    assert str(target) in info.value.message


def test_duplicate_id_blames_the_copy(tmp_path: Path) -> None:
    folder = _copy_fixtures(tmp_path)
    copy = folder / f"{LSR}-copy.md"
    shutil.copy(folder / f"{LSR}.md", copy)
    problems = validate_dir(folder)
    assert {p.file for p in problems} == {str(copy)}
    assert any(p.field == "id" and "duplicates" in p.message and p.message.endswith(f"{LSR}.md") for p in problems)


def test_user_rules_make_translation_optional(tmp_path: Path) -> None:
    folder = _copy_fixtures(tmp_path)
    target = folder / f"{LSR}.md"
    text = target.read_text(encoding="utf-8")
    text = text[: text.index("## 中文译文")].replace("translation: zh\n", "").replace("topic: weekend_dispatch\n", "")
    target.write_text(text, encoding="utf-8")
    assert any(p.field == "translation" for p in validate_dir(folder, "builtin"))
    assert validate_dir(folder, "user") == []
    assert parse_letter(target, "user").chinese is None


def test_missing_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        validate_dir(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    assert [p.field for p in validate_dir(tmp_path / "empty")] == ["folder"]


# --------------------------------------------------------------------------- CLI validate / list


def test_cli_validate_ok_and_bad(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["corpus", "validate", str(FIXTURES)])
    assert ok.exit_code == 0, ok.output
    assert "ok: 5 letters" in ok.output

    folder = _copy_fixtures(tmp_path)
    target = folder / "fx-odr-vacation-ca.md"
    target.write_text(target.read_text(encoding="utf-8").replace("violation_type: order_defect_rate", "violation_type: odr"), encoding="utf-8")
    bad = runner.invoke(app, ["corpus", "validate", str(folder)])
    assert bad.exit_code == 2
    assert f"{target}: violation_type: unknown value 'odr'" in bad.output

    as_json = runner.invoke(app, ["corpus", "validate", str(folder), "--json"])
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout) == [{"file": str(target), "field": "violation_type", "message": json.loads(as_json.stdout)[0]["message"]}]

    missing = runner.invoke(app, ["corpus", "validate", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such folder" in missing.output


def test_real_fewshot_validates() -> None:
    result = runner.invoke(app, ["corpus", "validate", str(paths.fewshot_dir())])
    assert result.exit_code == 0, result.output
    assert validate_dir(paths.fewshot_dir(), "builtin") == []


def test_real_corpus_list_covers_every_type_and_kind() -> None:
    result = runner.invoke(app, ["corpus", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 36
    assert {r["kind"] for r in rows} == {k.value for k in LetterKind}
    uncovered = {t.value for t in ViolationType} - {r["violation_type"] for r in rows}
    assert not uncovered, f"no corpus letter for {sorted(uncovered)}"
    assert all(r["has_translation"] for r in rows)
    assert all(r["origin"] == "builtin" for r in rows)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(set(r) == {"id", "kind", "violation_type", "topic", "marketplace", "outcome", "has_translation", "origin", "path"} for r in rows)


def test_cli_list_table() -> None:
    result = runner.invoke(app, ["corpus", "list"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header == ["id", "kind", "violation_type", "topic", "marketplace", "outcome", "has_translation", "origin", "path"]
    assert re.search(r"^\d+ letters \(0 yours\)$", result.output, re.M)


# --------------------------------------------------------------------------- corpus add


def test_add_plain_letter_wraps_sections(home: Path) -> None:
    result = runner.invoke(
        app,
        ["corpus", "add", str(LETTERS / "plain-lsr-appeal.txt"), "--type", "late_shipment_rate", "--outcome", "reinstated", "--market", "us", "--tag", "packer"],
    )
    assert result.exit_code == 0, result.output
    stored = home / "data" / "corpus" / "plain-lsr-appeal.md"
    letter = parse_letter(stored, "user")
    assert list(letter.sections) == ["opening", "root_cause", "corrective_actions", "preventive_measures", "closing"]
    assert letter.sections["root_cause"].startswith("Our only packer was on leave")
    assert letter.sections["closing"].startswith("Thank you for reviewing our plan.")
    assert letter.marketplace is Marketplace.US and letter.outcome == "reinstated" and letter.tags == ["packer"]
    assert letter.chinese is None

    listed = json.loads(runner.invoke(app, ["corpus", "list", "--json"]).stdout)
    mine = [r for r in listed if r["origin"] == "user"]
    assert [(r["id"], r["path"], r["has_translation"]) for r in mine] == [("plain-lsr-appeal", str(stored), False)]
    assert "plain-lsr-appeal" not in {letter.id for letter in load_corpus(include_user=False)}


def test_add_letter_without_headings_becomes_a_message(home: Path) -> None:
    args = ["corpus", "add", str(LETTERS / "plain-buyer-note.md"), "--type", "other", "--kind", "buyer_message", "--outcome", "model", "--id", "birchwood-shipped", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["id"] == "birchwood-shipped" and row["origin"] == "user" and row["kind"] == "buyer_message"
    letter = parse_letter(home / "data" / "corpus" / "birchwood-shipped.md", "user")
    assert list(letter.sections) == ["message"]
    assert letter.sections["message"].startswith("Hello,") and letter.sections["message"].endswith("Birchwood Kitchen")


def test_add_flags_override_front_matter(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "mine.md"
    source.write_text((FIXTURES / "fx-odr-vacation-ca.md").read_text(encoding="utf-8").replace("id: fx-odr-vacation-ca", "id: my-odr"), encoding="utf-8")
    result = runner.invoke(app, ["corpus", "add", str(source), "--market", "DE", "--topic", "holiday_mode"])
    assert result.exit_code == 0, result.output
    letter = parse_letter(home / "data" / "corpus" / "my-odr.md", "user")
    assert letter.marketplace is Marketplace.DE and letter.topic == "holiday_mode"
    assert letter.violation_type is ViolationType.order_defect_rate and letter.outcome == "reinstated"
    assert letter.chinese is not None  # a translation that is there is kept (and was checked)


@pytest.mark.parametrize(
    ("edit", "args", "field"),
    [
        (lambda t: t.replace("kind: account_appeal", "kind: apeal"), [], "kind"),
        (lambda t: t.replace("outcome: model", "outcome: model\nwon_on: 2026-03-09"), [], "won_on"),
        (lambda t: t.replace("tags: [weekend, dispatch, staffing]", "tags: [weekend"), [], "front matter"),
        (lambda t: t.replace("marketplace: US", "marketplace: Mars"), [], "marketplace"),
        (lambda t: t.replace("violation_type: late_shipment_rate\n", ""), [], "violation_type"),
        (lambda t: t.replace("### 结尾\n", ""), [], "translation"),
        (lambda t: t.replace("### Root cause\n", ""), [], "sections"),
        (lambda t: t, ["--id", "Bad Id!"], "id"),
    ],
)
def test_add_bad_letter_exits_2_and_changes_nothing(edit, args: list[str], field: str, home: Path, tmp_path: Path) -> None:
    corpus_dir = home / "data" / "corpus"
    first = runner.invoke(app, ["corpus", "add", str(FIXTURES / "fx-buyer-unpaid-uk.md"), "--id", "already-there"])
    assert first.exit_code == 0, first.output
    before = _snapshot(corpus_dir)
    builtin_before = _snapshot(paths.fewshot_dir())

    source = tmp_path / "letter.md"
    source.write_text(edit((FIXTURES / f"{LSR}.md").read_text(encoding="utf-8")), encoding="utf-8")
    result = runner.invoke(app, ["corpus", "add", str(source), *args])
    assert result.exit_code == 2, result.output
    assert f": {field}:" in result.output, result.output
    assert "Traceback" not in result.output
    assert _snapshot(corpus_dir) == before
    assert _snapshot(paths.fewshot_dir()) == builtin_before


def test_add_refuses_duplicates_unless_forced(home: Path) -> None:
    plain = str(LETTERS / "plain-buyer-note.md")
    base = ["corpus", "add", plain, "--type", "other", "--kind", "buyer_message", "--outcome", "model"]
    assert runner.invoke(app, [*base, "--id", "note"]).exit_code == 0
    stored = home / "data" / "corpus" / "note.md"
    before = stored.read_bytes()

    again = runner.invoke(app, [*base, "--id", "note", "--outcome", "reinstated"])
    assert again.exit_code == 2 and "already exists in your corpus" in again.output
    assert stored.read_bytes() == before

    forced = runner.invoke(app, [*base, "--id", "note", "--outcome", "reinstated", "--force"])
    assert forced.exit_code == 0, forced.output
    assert parse_letter(stored, "user").outcome == "reinstated"

    builtin_id = load_corpus(include_user=False)[0].id
    clash = runner.invoke(app, [*base, "--id", builtin_id])
    assert clash.exit_code == 2 and "already exists in the built-in corpus" in clash.output
    shadow = runner.invoke(app, [*base, "--id", builtin_id, "--force"])
    assert shadow.exit_code == 0, shadow.output
    merged = {letter.id: letter for letter in load_corpus()}
    assert merged[builtin_id].origin == "user" and merged[builtin_id].kind is LetterKind.buyer_message
    assert {letter.id: letter for letter in load_corpus(include_user=False)}[builtin_id].origin == "builtin"


def test_add_requires_type_and_outcome_for_plain_letters(home: Path) -> None:
    plain = str(LETTERS / "plain-buyer-note.md")
    no_type = runner.invoke(app, ["corpus", "add", plain, "--outcome", "model"])
    assert no_type.exit_code == 2 and "violation_type: missing" in no_type.output
    no_outcome = runner.invoke(app, ["corpus", "add", plain, "--type", "other"])
    assert no_outcome.exit_code == 2 and "outcome: missing" in no_outcome.output
    bad_outcome = runner.invoke(app, ["corpus", "add", plain, "--type", "other", "--outcome", "won"])
    assert bad_outcome.exit_code == 2 and "outcome: unknown value 'won'" in bad_outcome.output
    missing_file = runner.invoke(app, ["corpus", "add", str(LETTERS / "nope.txt"), "--type", "other", "--outcome", "model"])
    assert missing_file.exit_code == 2 and "no such letter" in missing_file.output
    assert not (home / "data" / "corpus").exists() or not any((home / "data" / "corpus").iterdir())


def test_broken_user_letter_is_reported_when_loading(home: Path) -> None:
    corpus_dir = home / "data" / "corpus"
    corpus_dir.mkdir(parents=True)
    text = (FIXTURES / f"{LSR}.md").read_text(encoding="utf-8")
    (corpus_dir / "hand-edited.md").write_text(text.replace(f"id: {LSR}", "id: hand-edited").replace("kind: account_appeal", "kind: nonsense"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_corpus()
    assert "hand-edited.md: kind:" in info.value.message
    assert load_corpus(include_user=False)  # the built-in corpus still loads on its own
    result = runner.invoke(app, ["corpus", "validate"])
    assert result.exit_code == 2 and "hand-edited.md: kind:" in result.output


def test_load_corpus_is_cached_but_sees_new_letters(home: Path) -> None:
    first = load_corpus()
    second = load_corpus()
    assert [id(letter) for letter in first] == [id(letter) for letter in second]
    assert [letter.id for letter in first] == sorted(letter.id for letter in first)
    result = runner.invoke(app, ["corpus", "add", str(LETTERS / "plain-buyer-note.md"), "--type", "other", "--kind", "buyer_message", "--outcome", "model", "--id", "zz-new"])
    assert result.exit_code == 0, result.output
    assert "zz-new" in {letter.id for letter in load_corpus()}


# --------------------------------------------------------------------------- overlap index


def test_overlap_index_is_cached_on_disk_and_follows_corpus_add(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from appealagent.checks import run_checks
    from appealagent.corpus import index

    built = index.corpus_index(8)
    assert {letter.id for letter in built} == {letter.id for letter in load_corpus()}
    files = list((home / "cache").glob("overlap-*.bin"))
    assert len(files) == 1
    # A second process reads the file: no letter is parsed.
    index._MEMO.clear()
    monkeypatch.setattr(index, "load_corpus", lambda **_: pytest.fail("the cached index was not used"))
    assert index.corpus_index(8) == built
    monkeypatch.undo()
    monkeypatch.setenv("APPEALAGENT_HOME", str(home))

    letter = LETTERS / "plain-lsr-appeal.txt"
    text = letter.read_text(encoding="utf-8")
    assert "boilerplate.corpus_overlap" not in run_checks(text).rule_ids()
    result = runner.invoke(app, ["corpus", "add", str(letter), "--type", "late_shipment_rate", "--outcome", "reinstated", "--id", "zz-copied"])
    assert result.exit_code == 0, result.output
    found = [f for f in run_checks(text).findings if f.rule_id == "boilerplate.corpus_overlap"]
    assert found and "zz-copied" in found[0].message
    assert [p.name for p in (home / "cache").glob("overlap-*.bin")] != [f.name for f in files]  # a new state, the old index dropped
    assert len(list((home / "cache").glob("overlap-*.bin"))) == 1


def test_overlap_index_ignores_a_damaged_cache_file(home: Path) -> None:
    from appealagent.corpus import index

    key = index.corpus_key(8)
    (home / "cache").mkdir(parents=True)
    (home / "cache" / f"overlap-{key}.bin").write_bytes(b"\x00garbage")
    index._MEMO.clear()
    assert {letter.id for letter in index.corpus_index(8)} == {letter.id for letter in load_corpus()}
