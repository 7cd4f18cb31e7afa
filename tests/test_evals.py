"""The eval suite: the dataset's standard, the scorers, the offline run against the baseline, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from appealagent.catalog.datafiles import load_yaml
from appealagent.checks import data as check_data
from appealagent.checks import run_checks
from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.evals import baseline as bl
from appealagent.evals.dataset import load_dataset
from appealagent.evals.runner import aggregate, offline_solver, run_eval
from appealagent.evals.scorers import (
    Output,
    find_sections,
    lcs_length,
    rouge_l_f1,
    score_all,
    ungrounded_specifics,
)
from appealagent.model import kinds
from appealagent.model.case import AppealRoute, LetterKind, ViolationType, has_cjk, missing_for_draft
from appealagent.paths import evals_dir, fewshot_dir

runner = CliRunner()
SAMPLES = load_dataset()
BY_ID = {s.id: s for s in SAMPLES}
LATEST_DATE = dt.date(2026, 11, 20)
HEADINGS = ("Root cause", "Corrective actions taken", "Preventive measures")
APPEALS = [s for s in SAMPLES if kinds.is_appeal(s.case.letter_kind)]
OTHERS = [s for s in SAMPLES if not kinds.is_appeal(s.case.letter_kind)]
NEW_KINDS = (LetterKind.retraction_request, LetterKind.retraction_follow_up, LetterKind.supplier_document_request, LetterKind.buyer_message)
REFERENCE_WORDS = load_yaml("evals/scoring.yaml")["reference_words"]


def sample(prefix: str):
    return next(s for s in SAMPLES if s.id.startswith(prefix))


# ---- the dataset's standard (applies to every case, including cases 17–32 when they land) ----


def test_first_sixteen_cases_cover_the_brief():
    ids = [s.id for s in SAMPLES]
    assert len(ids) >= 16 and len(set(ids)) == len(ids)
    assert all(re.match(r"^\d\d_[a-z0-9_]+$", i) for i in ids), ids
    first = [s for s in SAMPLES if int(s.id[:2]) <= 16]
    assert [s.id[:2] for s in first] == [f"{n:02d}" for n in range(1, 17)]
    types = {s.case.violation_type for s in first}
    wanted = {
        ViolationType.late_shipment_rate, ViolationType.order_defect_rate, ViolationType.pre_fulfillment_cancel_rate,
        ViolationType.valid_tracking_rate, ViolationType.on_time_delivery, ViolationType.related_accounts,
        ViolationType.payments_self_purchase, ViolationType.trademark, ViolationType.copyright, ViolationType.patent,
        ViolationType.inauthentic, ViolationType.used_sold_as_new, ViolationType.restricted_products,
        ViolationType.review_manipulation, ViolationType.identity_verification,
    }
    assert wanted <= types
    odr = [s.case for s in first if s.case.violation_type == ViolationType.order_defect_rate]
    assert any(c.new_account for c in odr) and any("a_to_z" in (c.topic or "") for c in odr)
    assert {s.case.letter_kind for s in first} == {LetterKind.account_appeal, LetterKind.listing_appeal}
    assert any(s.case.violation_type == ViolationType.trademark and s.case.letter_kind == LetterKind.listing_appeal for s in first)
    assert any(s.case.violation_type == ViolationType.copyright and s.case.route == AppealRoute.in_error for s in first)
    chinese = [s.case for s in first if any(has_cjk(rc.text) and rc.text_en for rc in s.case.root_causes)]
    assert chinese, "one case answers in Chinese with text_en versions"


@pytest.mark.parametrize("s", SAMPLES, ids=lambda s: s.id)
def test_case_is_complete(s):
    case = s.case
    assert missing_for_draft(case) == []
    assert kinds.is_drafted(case.letter_kind), case.letter_kind
    assert case.case_id == f"eval-{s.id[:2]}" and case.marketplace and case.violation_type
    for i, rc in enumerate(case.root_causes):
        assert rc.id, f"root_causes[{i}] needs an id"
        if has_cjk(rc.text):
            assert rc.text_en
        if not kinds.is_appeal(case.letter_kind):
            continue  # the letters around an appeal need not answer every cause (kinds.yaml slots)
        assert any(not a.addresses or rc.id in a.addresses for a in case.corrective_actions), f"{rc.id}: no corrective action"
        assert any(not m.addresses or rc.id in m.addresses for m in case.preventive_measures), f"{rc.id}: no preventive measure"
    for a in case.corrective_actions:
        assert a.done_on and a.who, a.text
        assert a.english(), a.text
    for m in case.preventive_measures:
        assert m.owner and m.frequency, m.text
        assert m.english(), m.text
    result = draft_offline(case)
    assert result.notes == [], result.notes


@pytest.mark.parametrize("s", SAMPLES, ids=lambda s: s.id)
def test_dates_are_fictional_and_not_after_the_cutoff(s):
    raw = (s.path / "case.json").read_text(encoding="utf-8") + s.reference
    for y, m, d in re.findall(r"\b(20\d\d)-(\d\d)-(\d\d)\b", raw):
        date = dt.date(int(y), int(m), int(d))
        assert dt.date(2025, 1, 1) <= date <= LATEST_DATE, date
    for asin in re.findall(r"\bB0[0-9A-Z]{8}\b", raw):
        assert asin == asin.upper()


@pytest.mark.parametrize("s", APPEALS, ids=lambda s: s.id)
def test_reference_follows_the_standard(s):
    text = s.reference
    n = len(text.split())
    low, high = REFERENCE_WORDS[s.case.letter_kind.value]
    assert (low, high) == (350, 700)  # the appeal standard of evals/README.md
    assert low <= n <= high, f"{n} words"
    assert text.startswith("Dear Seller Performance Team,")
    lines = [line.strip() for line in text.splitlines()]
    positions = [lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions) and positions[0] > 0
    assert "[TO COMPLETE" not in text and not has_cjk(text)
    assert s.case.seller.store_name in text
    if s.case.seller.login_email:
        assert s.case.seller.login_email in text
    _reference_meets_its_expectations(s)


def _reference_meets_its_expectations(s) -> None:
    """The reference scores 1.0 on its own expectations: every required fact, no forbidden phrase, nothing ungrounded."""
    scores = score_all(s, Output(letter=s.reference, engine="reference"), ["structure", "fact_recall", "forbidden_found", "grounding_errors"])
    assert scores["structure"].value == 1.0, scores["structure"].details
    assert scores["fact_recall"].value == 1.0, scores["fact_recall"].details
    assert scores["forbidden_found"].value == 0, scores["forbidden_found"].details
    assert scores["grounding_errors"].value == 0, scores["grounding_errors"].details


def _greetings(case) -> list[re.Pattern[str]]:
    """The greeting lines kinds.yaml allows for this case's kind (a buyer message: also its topic's own)."""
    entry = kinds.wording(case.letter_kind) or {}
    templates = [entry.get("greeting"), entry.get("greeting_fallback")]
    if case.letter_kind == LetterKind.buyer_message:
        templates.append(load_yaml("wording/buyer_messages.yaml")[case.topic].get("greeting"))
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t)) + "$") for t in templates if t]


@pytest.mark.parametrize("s", OTHERS, ids=lambda s: s.id)
def test_reference_of_another_kind_follows_its_kind(s):
    """Retraction requests, follow-ups, supplier requests, buyer messages: the same standard, per kind (kinds.yaml)."""
    text, kind = s.reference, s.case.letter_kind
    n = len(text.split())
    low, high = REFERENCE_WORDS[kind.value]
    assert low <= n <= high, f"{n} words for a {kind.value} ({low}-{high})"
    first = text.splitlines()[0]
    assert any(p.match(first) for p in _greetings(s.case)), f"greeting {first!r} is not one of {kind.value}'s"
    lines = [line.strip() for line in text.splitlines()]
    expected = kinds.parts(kind)
    present = [lines.index(h) for _, h, required in expected if h in lines]
    assert present == sorted(present) and all(p > 0 for p in present)
    for _, heading, required in expected:
        assert heading in lines or not required, f"missing the heading {heading!r}"
    if not expected:  # a message: plain paragraphs, no numbered items
        assert not any(re.match(r"^\d+\.\s", line) for line in lines), "numbered items in a message"
    assert "[TO COMPLETE" not in text and not has_cjk(text)
    assert s.case.seller.store_name in text
    if kinds.audience(kind) == "amazon" and s.case.seller.login_email:
        assert s.case.seller.login_email in text
    _reference_meets_its_expectations(s)
    report = run_checks(text, case=s.case)
    assert report.errors == 0, [f"{f.rule_id}: {f.message}" for f in report.findings]


def test_reference_length_bands_sit_inside_the_checks_ranges():
    """One standard per kind: the eval's band for references lies where the length checks raise nothing."""
    checks = check_data.load("length")["words"]
    assert set(REFERENCE_WORDS) == {k.value for k in kinds.drafted_kinds()}
    for kind, (low, high) in REFERENCE_WORDS.items():
        assert checks[kind]["warn_below"] <= low < high <= checks[kind]["warn_above"], kind


def test_cases_cover_the_letters_around_the_appeal():
    """At least four cases per new kind, in variety: marketplaces, violation types, topics, answers in Chinese."""
    by_kind = {k: [s.case for s in SAMPLES if s.case.letter_kind == k] for k in NEW_KINDS}
    for kind, cases in by_kind.items():
        assert len(cases) >= 4, kind
        assert len({c.marketplace for c in cases}) >= 4, kind
    retraction = by_kind[LetterKind.retraction_request] + by_kind[LetterKind.retraction_follow_up]
    assert {c.violation_type for c in retraction} == {ViolationType.trademark, ViolationType.copyright, ViolationType.patent}
    assert {c.violation_type for c in by_kind[LetterKind.supplier_document_request]} == {ViolationType.inauthentic, ViolationType.used_sold_as_new}
    assert len({c.topic for c in by_kind[LetterKind.buyer_message]}) >= 4
    chinese = [c for c in retraction + by_kind[LetterKind.supplier_document_request] if any(has_cjk(rc.text) and rc.text_en for rc in c.root_causes)]
    assert len(chinese) >= 2


@pytest.mark.parametrize("s", SAMPLES, ids=lambda s: s.id)
def test_expectations_file_is_well_formed(s):
    data = yaml.safe_load((s.path / "expect.yaml").read_text(encoding="utf-8"))
    assert set(data) <= {"required_facts", "forbidden", "retrieval_type", "notes"}
    assert len(s.expect.required_facts) >= 8
    assert s.expect.retrieval_type == s.case.violation_type
    assert "[TO COMPLETE" in s.expect.forbidden


# ---- references must not leak into the retrieval corpus --------------------------------------

# A run this long is a copied sentence, not a shared formula such as "We ask you to review this plan
# of action and reinstate our selling privileges" (14 words), which letters may rightly share.
SHINGLE = 20


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.casefold())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def _corpus_files() -> list[Path]:
    return sorted(fewshot_dir().glob("**/*.md"))


def test_no_reference_shares_a_long_run_of_words_with_a_corpus_letter():
    corpus = {p: _shingles(p.read_text(encoding="utf-8"), SHINGLE) for p in _corpus_files()}
    for s in SAMPLES:
        ref = _shingles(s.reference, SHINGLE)
        for path, shingles in corpus.items():
            shared = ref & shingles
            assert not shared, f"{s.id} shares '{' '.join(next(iter(shared)))}' with {path.name}"


def test_no_corpus_file_is_a_copy_of_a_reference():
    refs = [(s.id, _shingles(s.reference, 6)) for s in SAMPLES]
    for path in _corpus_files():
        own = _shingles(path.read_text(encoding="utf-8"), 6)
        for sid, ref in refs:
            if own:
                assert len(own & ref) / len(own) < 0.3, f"{path.name} copies much of {sid}'s reference"


def test_leak_check_catches_a_copied_reference(tmp_path):
    s = SAMPLES[0]
    copy = tmp_path / "leak.md"
    copy.write_text("---\nid: leak\n---\n" + s.reference, encoding="utf-8")
    assert _shingles(s.reference, SHINGLE) & _shingles(copy.read_text(encoding="utf-8"), SHINGLE)


# ---- scorers ---------------------------------------------------------------------------------


def test_structure_finds_parts_in_order_and_flags_missing_or_swapped():
    s = SAMPLES[0]
    good = s.reference
    assert score_all(s, Output(good, "x"), ["structure"])["structure"].value == 1.0
    assert [p for p, _ in find_sections("Intro\n\n## Root causes:\ntext here now\n\n**Actions taken**\ndone it all\n")] == ["root_cause", "corrective_actions"]
    no_preventive = good.split("\nPreventive measures\n")[0]
    assert score_all(s, Output(no_preventive, "x"), ["structure"])["structure"].value == pytest.approx(2 / 3)
    rc = good.index("Root cause\n")
    ca = good.index("Corrective actions taken\n")
    pm = good.index("Preventive measures\n")
    swapped = good[:rc] + good[pm:] + "\n\n" + good[ca:pm] + good[rc:ca]
    score = score_all(s, Output(swapped, "x"), ["structure"])["structure"]
    assert score.value == pytest.approx(1 / 3) and any("out of order" in d for d in score.details)
    assert score_all(s, Output("Dear team, we fixed it.", "x"), ["structure"])["structure"].value == 0.0


def _structure(s, letter: str):
    return score_all(s, Output(letter, "x"), ["structure"])["structure"]


def test_structure_follows_each_kinds_parts():
    """Per kind (model/kinds.py): required parts present, optional parts counted when there, all in order."""
    retraction = sample("34_")  # What happened (optional), What we have done (required), What we have changed (optional)
    ref = retraction.reference
    assert _structure(retraction, ref).value == 1.0
    # An optional part left out still scores 1.0; the required one left out does not.
    no_measures = ref.split("\nWhat we have changed\n")[0] + "\n\n" + ref.split("\n\n")[-1]
    assert _structure(retraction, no_measures).value == 1.0
    start, end = ref.index("What we have done\n"), ref.index("What we have changed\n")
    no_actions = ref[:start] + ref[end:]
    score = _structure(retraction, no_actions)
    assert score.value == pytest.approx(2 / 3) and "missing or empty: What we have done" in score.details
    swapped = ref[: ref.index("What happened\n")] + ref[start:end] + "\n" + ref[ref.index("What happened\n"):start] + ref[end:]
    score = _structure(retraction, swapped)
    assert score.value == pytest.approx(2 / 3) and any("out of order" in d for d in score.details)
    # An appeal's headings are not a retraction request's, nor a supplier request's.
    assert _structure(retraction, sample("09_").reference).value == 0.0
    supplier = sample("42_")
    assert _structure(supplier, supplier.reference).value == 1.0
    assert _structure(supplier, sample("01_").reference).value == 0.0
    assert _structure(supplier, supplier.reference.replace("\nThe products concerned\n", "\n")).value == pytest.approx(2 / 3)
    follow_up = sample("38_")  # only What we have done
    assert _structure(follow_up, follow_up.reference).value == 1.0
    assert _structure(follow_up, follow_up.reference.replace("\nWhat we have done\n", "\n")).value == 0.0


def test_structure_of_a_message_is_one_message_without_headings():
    message = sample("46_")
    assert _structure(message, message.reference).value == 1.0
    sectioned = message.reference.replace("\n\nWe can send", "\n\nCorrective actions taken\n\nWe can send")
    score = _structure(message, sectioned)
    assert score.value == 0.0 and score.details == ["heading in a buyer_message: Corrective actions taken"]
    assert _structure(message, "Hello").value == 0.0


def test_appeal_headings_of_kinds_yaml_are_found_by_the_scorer():
    """The scorer's own heading finder knows the headings the appeal kinds are rendered with."""
    for kind in kinds.appeal_kinds():
        found = [p for p, _ in find_sections("\n".join(f"{h}\nsome text here" for h in kinds.headings(kind)))]
        assert found == ["root_cause", "corrective_actions", "preventive_measures"], kind


def test_fact_recall_and_forbidden_count_what_is_there():
    s = sample("01_")
    letter = s.reference.replace("4.6%", "4.9%").replace("Leicester", "Leeds")
    score = score_all(s, Output(letter, "x"), ["fact_recall"])["fact_recall"]
    n = len(s.expect.required_facts)
    assert score.value == pytest.approx((n - 2) / n)
    assert "missing: 4.6%" in score.details
    bad = s.reference + "\nThis will never happen again, Jeff Bezos."
    assert score_all(s, Output(bad, "x"), ["forbidden_found"])["forbidden_found"].value >= 1


def test_grounding_flags_invented_specifics_and_accepts_the_cases_own():
    s = sample("01_")  # UK late shipment: 4.6%, orders 204-…, 206-…
    letter = (
        "Our rate was 4.6% against Amazon's target of under 4%. ASIN B0D4KX2PL7 and order 204-3318275-6640912 "
        "were late on 30 March 2026 and 20 April 2026 (ISO 2026-04-24). "
        "ASIN B0ZZZZZZZ9, order 111-1111111-1111111, a rate of 7.3%, 3 March 2026, 2026-02-30, and £1,250.00 were invented."
    )
    bad = ungrounded_specifics(s, letter)
    assert "ASIN B0ZZZZZZZ9" in bad
    assert "order 111-1111111-1111111" in bad
    assert "percentage 7.3%" in bad
    assert "date 3 March 2026" in bad
    assert any(b.startswith("amount £1,250.00") for b in bad)
    assert not any("B0D4KX2PL7" in b or "204-3318275" in b or "4.6%" in b or "under 4%" in b for b in bad)
    assert not any(b in {"date 30 March 2026", "date 20 April 2026", "date 2026-04-24"} for b in bad)


def test_grounding_reads_money_and_us_dates_from_the_case():
    s = sample("08_")  # self-purchase: $49.99, $34.99, $119.97
    ok = "Orders worth $119.97 in total ($49.99 and 34.99 USD), placed March 9, 2026."
    assert ungrounded_specifics(s, ok) == []
    assert ungrounded_specifics(s, "We refunded $120.00 on March 8, 2026.") == ["date March 8, 2026", "amount $120.00"]


def naive_lcs(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcde"), max_size=40), st.lists(st.sampled_from("abcde"), max_size=40))
def test_bit_parallel_lcs_equals_the_textbook_dp(a, b):
    assert lcs_length(a, b) == naive_lcs(a, b)


def test_rouge_l_known_values():
    assert rouge_l_f1("the cat sat on the mat", "the cat sat on the mat") == 1.0
    assert rouge_l_f1("", "anything") == 0.0
    # LCS("the cat was on mat", "the cat sat on the mat") = the cat on mat = 4; P = 4/5, R = 4/6
    assert rouge_l_f1("the cat was on mat", "the cat sat on the mat") == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))


def test_length_ratio_and_aggregate():
    s = SAMPLES[0]
    half = " ".join(s.reference.split()[: len(s.reference.split()) // 2])
    assert score_all(s, Output(half, "x"), ["length_ratio"])["length_ratio"].value == pytest.approx(0.5, abs=0.02)
    agg = aggregate([1.0, 0.0, None, 1.0, 0.0])
    assert agg.n == 4 and agg.mean == 0.5 and agg.stderr == pytest.approx((1 / 3) ** 0.5 / 2)
    assert aggregate([None]).mean is None


def test_scorers_do_not_import_the_drafting_code():
    src = (Path(__file__).resolve().parent.parent / "src" / "appealagent" / "evals" / "scorers.py").read_text(encoding="utf-8")
    for banned in ("offline", "render", "pipeline", "generate", "grounding"):
        assert not re.search(rf"^\s*(from|import)\s+[.\w]*\b{banned}\b", src, re.M), banned


# ---- the offline engine against the accepted baseline (the CI gate) ---------------------------


@pytest.fixture(scope="module")
def offline_run():
    return run_eval(SAMPLES, offline_solver(), engine="offline", origin="offline", cases_dir=evals_dir() / "cases")


def test_offline_eval_meets_the_done_criteria(offline_run):
    assert not offline_run.failed
    overall = offline_run.overall()
    for r in offline_run.results:
        assert r.value("structure") == 1.0, r.id
        assert r.value("grounding_errors") == 0, (r.id, r.scores["grounding_errors"].details)
        assert r.value("forbidden_found") == 0, (r.id, r.scores["forbidden_found"].details)
        assert r.value("check_errors") == 0, (r.id, r.scores["check_errors"].details)  # every case drafts to a ready letter
    assert overall["fact_recall"].mean >= 0.95


def test_offline_eval_is_no_worse_than_the_baseline(offline_run):
    path = evals_dir() / "baseline.json"
    assert path.is_file(), "evals/baseline.json is missing: run `appealagent eval --update-baseline`"
    comparison = bl.compare(offline_run, bl.load_baseline(path), str(path))
    assert comparison.ok, "\n".join(r.message for r in comparison.regressions)
    assert not comparison.new_cases, f"cases without accepted scores: {comparison.new_cases} (run --update-baseline)"


# ---- the CLI, and failing on a deliberately degraded copy ------------------------------------


def invoke(*args: str):
    return runner.invoke(app, ["eval", *args])


def copy_cases(tmp_path: Path, *prefixes: str) -> Path:
    root = tmp_path / "evals"
    for p in prefixes:
        s = sample(p)
        shutil.copytree(s.path, root / "cases" / s.id)
    return root


def test_cli_table_and_json(tmp_path):
    root = copy_cases(tmp_path, "01_", "12_")
    result = invoke("--cases", str(root))
    assert result.exit_code == 0, result.output
    assert "01_late_shipment_two_sites_uk" in result.stdout and "overall mean" in result.stdout
    assert "no baseline" in result.stderr
    result = invoke("--cases", str(root / "cases"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "offline" and len(data["cases"]) == 2
    assert data["overall"]["structure"]["mean"] == 1.0 and data["overall"]["structure"]["n"] == 2
    assert set(data["cases"][0]["scores"]) >= {"structure", "fact_recall", "grounding_errors", "rouge_l", "length_ratio", "retrieval_hit"}


def test_degraded_case_fails_against_its_baseline(tmp_path):
    root = copy_cases(tmp_path, "01_", "03_")
    accept = invoke("--cases", str(root), "--update-baseline")
    assert accept.exit_code == 0, accept.output
    baseline = json.loads((root / "baseline.json").read_text())
    assert set(baseline["engines"]["offline"]["cases"]) == {"01_late_shipment_two_sites_uk", "03_odr_new_account_de"}
    assert invoke("--cases", str(root)).exit_code == 0

    # Degrade case 03: the stock count (2,140 units, Duisburg, 6 May 2026) is no longer in the case.
    case_path = root / "cases" / "03_odr_new_account_de" / "case.json"
    data = json.loads(case_path.read_text())
    data["corrective_actions"] = [a for a in data["corrective_actions"] if "2,140" not in a["text"]]
    data["evidence"] = []
    case_path.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("--cases", str(root))
    assert result.exit_code == 1
    assert "case 03_odr_new_account_de: fact_recall" in result.stdout
    assert "01_late_shipment_two_sites_uk:" not in result.stdout.split("regression")[-1]


def test_degraded_reference_fails_on_similarity(tmp_path):
    root = copy_cases(tmp_path, "05_")
    assert invoke("--cases", str(root), "--update-baseline").exit_code == 0
    ref = root / "cases" / "05_valid_tracking_carrier_fr" / "reference.md"
    text = ref.read_text()
    ref.write_text(text.split("\nCorrective actions taken\n")[0] + "\n", encoding="utf-8")
    result = invoke("--cases", str(root), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    failing = {r["scorer"] for r in data["baseline"]["regressions"]}
    assert failing & {"rouge_l", "length_ratio"}
    assert "regression: case 05_valid_tracking_carrier_fr" in result.stderr


def test_reports_are_written_and_never_overwritten(tmp_path):
    root = copy_cases(tmp_path, "02_")
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    assert invoke("--cases", str(root), "--report", str(md)).exit_code == 0
    assert invoke("--cases", str(root), "--report", str(page)).exit_code == 0
    assert md.read_text().startswith("# appealagent eval — engine offline")
    assert "| 02_odr_a_to_z_vacation_us |" in md.read_text()
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "02_odr_a_to_z_vacation_us" in html
    again = invoke("--cases", str(root), "--report", str(md))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert invoke("--cases", str(root), "--report", str(md), "--force").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cases", "/no/such/folder"], "no such folder"),
        (["--engine", "gpt"], "--engine"),
        (["--judge"], "--judge"),
        (["--live"], "--live"),
        (["--report", "out.pdf"], ".md or .html"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_case_folder_is_a_clear_error(tmp_path):
    root = copy_cases(tmp_path, "01_")
    (root / "cases" / "01_late_shipment_two_sites_uk" / "expect.yaml").write_text("required_facts: [a]\nbogus: 1\n")
    result = invoke("--cases", str(root))
    assert result.exit_code == 2 and "expect.yaml: bogus" in result.stderr
    (root / "cases" / "01_late_shipment_two_sites_uk" / "expect.yaml").unlink()
    result = invoke("--cases", str(root))
    assert result.exit_code == 2 and "missing expect.yaml" in result.stderr


def test_partial_update_keeps_the_other_cases_accepted_scores(tmp_path):
    root = copy_cases(tmp_path, "01_", "02_")
    assert invoke("--cases", str(root), "--update-baseline").exit_code == 0
    path = root / "baseline.json"
    data = json.loads(path.read_text())
    data["engines"]["offline"]["cases"]["02_odr_a_to_z_vacation_us"]["rouge_l"] = 0.5  # an older accepted value
    path.write_text(json.dumps(data))
    assert invoke("--cases", str(root), "--only", "01", "--update-baseline").exit_code == 0
    after = json.loads(path.read_text())["engines"]["offline"]
    assert set(after["cases"]) == {"01_late_shipment_two_sites_uk", "02_odr_a_to_z_vacation_us"}
    assert after["cases"]["02_odr_a_to_z_vacation_us"]["rouge_l"] == 0.5
    rouges = [c["rouge_l"] for c in after["cases"].values()]
    assert after["overall"]["rouge_l"] == pytest.approx(sum(rouges) / 2, abs=1e-4)
    # One case folder given directly still finds the baseline two levels up.
    one = invoke("--cases", str(root / "cases" / "02_odr_a_to_z_vacation_us"), "--json")
    assert json.loads(one.stdout)["baseline"]["baseline_file"] == str(path)


def test_the_per_case_time_is_the_whole_case_so_the_column_adds_up_to_the_run():
    from appealagent.evals.report import rows

    run = run_eval(SAMPLES[:3], offline_solver(), engine="offline", origin="offline", cases_dir=evals_dir() / "cases")
    for r in run.results:
        assert r.total_seconds >= r.seconds > 0
    assert sum(r.total_seconds for r in run.results) <= run.seconds
    shown = [int(row.seconds.removesuffix(" ms")) for row in rows(run)]
    assert sum(shown) >= 0.5 * run.seconds * 1000  # not "0 ms" beside a mean of seconds
    assert all(d["total_seconds"] >= d["seconds"] for d in (r.as_dict() for r in run.results))
