"""Retrieval: BM25 plus metadata boosts over fixture letters, the real corpus and the example/eval cases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent import paths
from appealagent.cli import app
from appealagent.corpus import retrieval
from appealagent.corpus.retrieval import Hit, case_query, retrieve, search
from appealagent.corpus.store import Letter, load_corpus, load_dir
from appealagent.files import load_model
from appealagent.model.case import Case, LetterKind, Marketplace, ViolationType

FIXTURES = Path(__file__).parent / "data" / "corpus"
REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APPEALAGENT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def fixtures() -> list[Letter]:
    return load_dir(FIXTURES, "builtin")


def _case(**fields) -> Case:
    return Case.model_validate(fields)


def _ids(hits: list[Hit]) -> list[str]:
    return [h.letter.id for h in hits]


# --------------------------------------------------------------------------- fixture corpus


def test_words_alone_find_the_right_letter(fixtures: list[Letter]) -> None:
    assert _ids(search("weekend orders shipped late on Saturdays", k=1, letters=fixtures)) == ["fx-lsr-weekend-us"]
    assert _ids(search("brand name in the title trademark", k=1, letters=fixtures)) == ["fx-trademark-title-de"]
    assert _ids(search("counterfeit wholesaler invoices", k=1, letters=fixtures)) == ["fx-inauthentic-invoices-jp"]
    assert _ids(search("payment pending, please update your payment method", k=1, letters=fixtures)) == ["fx-buyer-unpaid-uk"]


def test_violation_type_outweighs_everything_else(fixtures: list[Letter]) -> None:
    # Every other signal (kind, marketplace, topic, words) points at the late-shipment letter.
    case = _case(
        violation_type="trademark",
        letter_kind="account_appeal",
        marketplace="US",
        topic="weekend_dispatch",
        notification={"subject": "late shipment rate above 4%: weekend orders dispatched late"},
    )
    hits = retrieve(case, k=2, letters=fixtures)
    assert _ids(hits) == ["fx-trademark-title-de", "fx-lsr-weekend-us"]
    assert "violation type trademark" in hits[0].why
    assert {"kind account_appeal", "marketplace US", "topic weekend_dispatch"} <= set(hits[1].why)


def test_kind_outweighs_marketplace_and_words(fixtures: list[Letter]) -> None:
    case = _case(letter_kind="buyer_message", marketplace="US", notification={"subject": "weekend dispatch late shipment"})
    assert _ids(retrieve(case, k=1, letters=fixtures)) == ["fx-buyer-unpaid-uk"]


def test_marketplace_then_topic_break_a_type_tie(fixtures: list[Letter]) -> None:
    base = next(letter for letter in fixtures if letter.id == "fx-lsr-weekend-us")
    uk = base.model_copy(update={"id": "a-lsr-uk", "marketplace": Marketplace.UK, "topic": "other_topic"})
    us_other_topic = base.model_copy(update={"id": "b-lsr-us", "topic": "other_topic"})
    pool = [*fixtures, uk, us_other_topic]
    by_market = retrieve(_case(violation_type="late_shipment_rate", marketplace="UK"), k=3, letters=pool)
    assert by_market[0].letter.id == "a-lsr-uk"
    by_topic = retrieve(_case(violation_type="late_shipment_rate", marketplace="US", topic="weekend_dispatch"), k=3, letters=pool)
    assert _ids(by_topic)[:2] == ["fx-lsr-weekend-us", "b-lsr-us"]


def test_ties_are_broken_by_id(fixtures: list[Letter]) -> None:
    base = next(letter for letter in fixtures if letter.id == "fx-odr-vacation-ca")
    twins = [base.model_copy(update={"id": name}) for name in ("zz-twin", "aa-twin", "mm-twin")]
    pool = [*twins, *fixtures]
    hits = search("holiday refunded claims", k=4, letters=pool)
    assert _ids(hits)[:4] == ["aa-twin", "fx-odr-vacation-ca", "mm-twin", "zz-twin"]
    assert len({h.score for h in hits[:4]}) == 1
    assert _ids(search("holiday refunded claims", k=4, letters=list(reversed(pool)))) == _ids(hits)


def test_unrelated_letters_are_left_out(fixtures: list[Letter]) -> None:
    assert search("zebra xylophone", letters=fixtures) == []
    assert _ids(search("trademark", k=5, letters=fixtures)) == ["fx-trademark-title-de"]


def test_why_explains_the_match(fixtures: list[Letter]) -> None:
    hit = retrieve(_case(violation_type="order_defect_rate", marketplace="CA", letter_kind="account_appeal",
                         notification={"text": "Two A-to-z claims arrived while the store was on holiday."}), k=1, letters=fixtures)[0]
    assert hit.letter.id == "fx-odr-vacation-ca"
    assert hit.why[:3] == ["violation type order_defect_rate", "kind account_appeal", "marketplace CA"]
    assert "outcome reinstated" in hit.why
    words = next(w for w in hit.why if w.startswith("words: "))
    assert "holiday" in words and "claims" in words


def test_case_query_uses_english_versions() -> None:
    case = _case(
        violation_type="late_shipment_rate",
        topic="weekend_dispatch",
        metrics=[{"name": "late_shipment_rate", "value": 6.2}],
        notification={"subject": "Account deactivated", "text": "Your late shipment rate is 6.2%."},
        root_causes=[{"id": "rc1", "text": "周末没有人发货", "text_en": "Nobody dispatched orders at weekends"}],
        corrective_actions=[{"text": "我们发出了所有订单"}],
        preventive_measures=[{"text": "A weekend rota is kept by the warehouse lead", "owner": "warehouse lead"}],
    )
    query = case_query(case)
    for part in ("late shipment rate", "weekend dispatch", "account appeal", "Account deactivated", "Nobody dispatched orders", "weekend rota"):
        assert part in query
    assert "周末" not in query and "我们" not in query


def test_index_is_built_once_per_letter_list(fixtures: list[Letter], monkeypatch: pytest.MonkeyPatch) -> None:
    retrieval.clear_cache()
    built: list[int] = []
    original = retrieval._Index.__init__

    def counting(self, letters):  # type: ignore[no-untyped-def]
        built.append(len(letters))
        original(self, letters)

    monkeypatch.setattr(retrieval._Index, "__init__", counting)
    for _ in range(3):
        search("weekend", letters=fixtures)
        retrieve(_case(violation_type="trademark"), letters=fixtures)
    assert built == [len(fixtures)]
    search("weekend", letters=fixtures[:2])
    assert built == [len(fixtures), 2]


def test_empty_corpus_and_k() -> None:
    assert search("weekend", letters=[]) == []
    assert retrieve(_case(violation_type="trademark"), k=0, letters=load_dir(FIXTURES, "builtin")) == []


# --------------------------------------------------------------------------- real corpus


def _case_files() -> list[Path]:
    return sorted((REPO / "examples" / "cases").glob("*.json")) + sorted(paths.evals_dir().glob("cases/*/case.json"))


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_and_eval_cases_get_a_letter_of_their_type(path: Path) -> None:
    case = load_model(Case, path, what="case file")
    hits = retrieve(case, k=3)
    assert hits, path
    if case.violation_type is not None:
        assert hits[0].letter.violation_type == case.violation_type, [(h.letter.id, h.score, h.why) for h in hits]
    if any(letter.kind == case.letter_kind and letter.violation_type == case.violation_type for letter in load_corpus()):
        assert hits[0].letter.kind == case.letter_kind


def _synthetic_cases() -> list[Case]:
    """One case per violation type the corpus covers, using the kind most letters of that type have."""
    letters = load_corpus()
    cases = []
    for vtype in sorted({letter.violation_type for letter in letters}):
        kinds = Counter(letter.kind for letter in letters if letter.violation_type == vtype)
        kind = sorted(kinds, key=lambda k: (-kinds[k], k.value))[0]
        words = vtype.value.replace("_", " ")
        cases.append(
            _case(
                violation_type=vtype.value,
                letter_kind=kind.value,
                marketplace="US",
                notification={"subject": f"Policy warning: {words}", "text": f"We received a report about {words} on your account."},
                root_causes=[{"text": "Our process for checking listings before publishing was missing a step."}],
            )
        )
    return cases


def test_synthetic_case_per_type_gets_its_type() -> None:
    cases = _synthetic_cases()
    assert len(cases) >= 10
    for case in cases:
        hits = retrieve(case, k=3)
        assert hits[0].letter.violation_type == case.violation_type, (case.violation_type, _ids(hits))
        assert hits[0].letter.kind == case.letter_kind
        assert hits == sorted(hits, key=lambda h: (-h.score, h.letter.id))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("orders shipped late on weekends, late shipment rate above 4 percent", ViolationType.late_shipment_rate),
        ("counterfeit complaint, supplier invoices to prove the items are authentic", ViolationType.inauthentic),
        ("related account linked through a shared device and login", ViolationType.related_accounts),
        ("unpaid order, payment method declined, pending order reminder", ViolationType.other),
    ],
)
def test_words_alone_reach_the_right_type_in_the_real_corpus(words: str, expected: ViolationType) -> None:
    hits = search(words, k=1)
    assert hits and hits[0].letter.violation_type == expected, [(h.letter.id, h.why) for h in hits]


def test_user_letters_join_retrieval(home: Path) -> None:
    letter = Path(__file__).parent / "data" / "letters" / "plain-lsr-appeal.txt"
    args = ["corpus", "add", str(letter), "--type", "late_shipment_rate", "--outcome", "reinstated", "--market", "CA", "--topic", "packer_leave"]
    assert runner.invoke(app, args).exit_code == 0
    case = _case(violation_type="late_shipment_rate", marketplace="CA", topic="packer_leave",
                 notification={"text": "Your only packer was on leave and the label printer was unattended."})
    top = retrieve(case, k=1)[0]
    assert top.letter.id == "plain-lsr-appeal" and top.letter.origin == "user"


# --------------------------------------------------------------------------- CLI


def test_cli_search_json_and_text() -> None:
    result = runner.invoke(app, ["corpus", "search", "late shipment weekend", "--type", "late_shipment_rate", "--kind", "account_appeal", "--market", "us", "-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert 1 <= len(rows) <= 3
    assert rows[0]["violation_type"] == "late_shipment_rate"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert {"id", "score", "why", "kind", "marketplace", "path", "origin"} <= set(rows[0])
    assert "violation type late_shipment_rate" in rows[0]["why"]

    text = runner.invoke(app, ["corpus", "search", "late shipment weekend", "-k", "2"])
    assert text.exit_code == 0 and text.output.startswith("1. ")
    none = runner.invoke(app, ["corpus", "search", "zebra xylophone"])
    assert none.exit_code == 0 and "no letter matches" in none.output
    bad = runner.invoke(app, ["corpus", "search", "x", "--kind", "postcard"])
    assert bad.exit_code == 2


def test_search_filters_accept_enums_and_strings() -> None:
    as_enum = search("weekend", k=3, violation_type=ViolationType.late_shipment_rate, kind=LetterKind.account_appeal, marketplace=Marketplace.US)
    as_text = search("weekend", k=3, violation_type="late_shipment_rate", kind="account_appeal", marketplace="US")
    assert _ids(as_enum) == _ids(as_text) and as_enum
