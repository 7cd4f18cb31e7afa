"""Pick the corpus letters closest to a case, for the drafter to copy shape and tone from.

Lexical BM25 (bm25s) over each letter's English text plus its metadata words finds
letters about the same situation; exact metadata matches then add fixed boosts
(weights in `data/corpus/retrieval.yaml`) so a letter of the case's violation type
and kind always outranks a merely similar-sounding one. Ranking is deterministic:
equal scores are ordered by letter id. The index is built once per process for a
given list of letters and kept in memory. It is not cached on disk: measured with
bench/bench_retrieval.py, the real corpus (tens of letters) indexes in under 0.2 s,
and at 10,000 letters the build (3–5 s) costs less than reading and parsing the
letter files (4–8 s), which a disk cache of the index would not save; queries stay
under 10 ms either way.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from appealagent.catalog.datafiles import load_yaml
from appealagent.corpus.store import Letter, load_corpus
from appealagent.model.case import Case, LetterKind, Marketplace, ViolationType, has_cjk

_INDEX_CACHE_SIZE = 4


@dataclass
class Hit:
    letter: Letter
    score: float
    why: list[str]


@cache
def _settings() -> dict[str, Any]:
    return load_yaml("corpus/retrieval.yaml")


@cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _words(value: str | None) -> str:
    """Metadata values as plain words ('late_shipment_rate' -> 'late shipment rate')."""
    return value.replace("_", " ").replace("-", " ") if value else ""


_STEMS: dict[str, str] = {}


def _stem_words(words: list[str]) -> list[str]:
    """Snowball stems, memoised: the pure-Python stemmer costs ~0.1 ms a word, and words repeat."""
    missing = [w for w in set(words) if w not in _STEMS]
    if missing:
        _STEMS.update(zip(missing, _stemmer().stemWords(missing), strict=False))
    return [_STEMS[w] for w in words]


def _tokenize(texts: list[str], *, return_ids: bool, stem: bool = True) -> Any:
    import bm25s

    stemmer = _stem_words if stem else None
    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, return_ids=return_ids, show_progress=False)


def letter_text(letter: Letter) -> str:
    """What BM25 indexes: the metadata as words, then the English letter."""
    meta = [
        _words(letter.violation_type.value),
        _words(letter.topic),
        _words(letter.kind.value),
        " ".join(_words(t) for t in letter.tags),
    ]
    return "\n".join([*meta, letter.english])


class _Index:
    """A BM25 index over a fixed list of letters plus arrays of their metadata for vectorised boosts."""

    def __init__(self, letters: list[Letter]) -> None:
        import bm25s
        import numpy as np

        self.letters = sorted(letters, key=lambda letter: letter.id)
        params = _settings()["bm25"]
        self.model = bm25s.BM25(k1=params["k1"], b=params["b"])
        if self.letters:
            tokens = _tokenize([letter_text(letter) for letter in self.letters], return_ids=True)
            self.model.index(tokens, show_progress=False)
        self.word_of = {tid: word for word, tid in getattr(self.model, "vocab_dict", {}).items()}
        self.types = np.array([letter.violation_type.value for letter in self.letters], dtype=object)
        self.kinds = np.array([letter.kind.value for letter in self.letters], dtype=object)
        self.markets = np.array([letter.marketplace.value if letter.marketplace else "" for letter in self.letters], dtype=object)
        self.topics = np.array([letter.topic or "" for letter in self.letters], dtype=object)
        # Only a built-in letter's outcome is vouched for; a user's "reinstated" is their own label and earns no
        # boost, so it never outranks the built-in letters on that label alone (issue 12).
        self.reinstated = np.array([letter.outcome == "reinstated" and letter.origin == "builtin" for letter in self.letters], dtype=bool)
        self.builtin = np.array([letter.origin == "builtin" for letter in self.letters], dtype=bool)
        self.order = np.arange(len(self.letters))

    def query_ids(self, query: str) -> tuple[list[str], list[int], dict[str, str]]:
        """The query's stems found in the index (sorted, so float sums are reproducible), their ids,
        and stem -> the query's own word for showing in `why`."""
        if not query.strip():
            return [], [], {}
        surface = _tokenize([query], return_ids=False, stem=False)[0]
        shown: dict[str, str] = {}
        for word, stem in zip(surface, _stem_words(surface), strict=False):
            shown.setdefault(stem, word)
        vocab = self.model.vocab_dict
        found = sorted(stem for stem in shown if stem and stem in vocab)
        return found, [vocab[w] for w in found], shown


_INDEXES: OrderedDict[tuple[int, ...], _Index] = OrderedDict()


def _index_for(letters: list[Letter]) -> _Index:
    """The cached index for exactly these letter objects (the cache holds them, so ids stay unique)."""
    key = tuple(map(id, letters))
    index = _INDEXES.get(key)
    if index is None:
        index = _Index(letters)
        _INDEXES[key] = index
        while len(_INDEXES) > _INDEX_CACHE_SIZE:
            _INDEXES.popitem(last=False)
    else:
        _INDEXES.move_to_end(key)
    return index


def build_index(letters: list[Letter]) -> None:
    """Build (or fetch) the index for these letters now, e.g. to time it apart from the first query."""
    _index_for(letters)


def clear_cache() -> None:
    _INDEXES.clear()


def case_query(case: Case) -> str:
    """The words of a case that say what kind of letter it needs (English versions where given)."""
    parts: list[str | None] = [
        _words(case.violation_type.value) if case.violation_type else None,
        *(_words(v.value) for v in case.other_violations),
        _words(case.topic),
        _words(case.letter_kind.value),
        *(_words(m.name.value) for m in case.metrics),
        case.notification.subject,
        case.notification.text,
    ]
    for rc in case.root_causes:
        parts.append(rc.english())
        parts.append(rc.detail_en or (rc.detail if rc.detail and not has_cjk(rc.detail) else None))
    for item in [*case.corrective_actions, *case.preventive_measures]:
        parts.append(item.english())
    return "\n".join(p for p in parts if p)


def _rank(
    index: _Index,
    query: str,
    k: int,
    violation_type: ViolationType | str | None,
    kind: LetterKind | str | None,
    marketplace: Marketplace | str | None,
    topic: str | None = None,
    other_violations: list[ViolationType] | None = None,
) -> list[Hit]:
    import numpy as np

    n = len(index.letters)
    if n == 0 or k <= 0:
        return []
    weights = _settings()["weights"]
    words, ids, shown = index.query_ids(query)
    if ids:
        bm25 = np.asarray(index.model.get_scores_from_ids(ids), dtype=np.float64)
    else:
        bm25 = np.zeros(n)
    top = float(bm25.max()) if n else 0.0
    score = bm25 * (weights["bm25"] / top) if top > 0 else np.zeros(n)

    type_value = _value(violation_type)
    kind_value = _value(kind)
    market_value = _value(marketplace)
    others = {_value(v) for v in other_violations or []} - {type_value}
    boosts = [
        ("violation_type", type_value, index.types, "violation type"),
        ("kind", kind_value, index.kinds, "kind"),
        ("marketplace", market_value, index.markets, "marketplace"),
        ("topic", topic or None, index.topics, "topic"),
    ]
    for name, value, column, _ in boosts:
        if value:
            score = score + weights[name] * (column == value)
    if others:
        score = score + weights["other_violation"] * np.isin(index.types, [o for o in others if o is not None])

    related = score > 0
    score = score + weights["reinstated"] * index.reinstated
    rounded = np.round(score, 6)
    # Letters are sorted by id, so the position breaks ties by id; a letter sharing nothing with
    # the query (no word, no metadata) is no example at all and is left out.
    ranked = np.lexsort((index.order, ~index.builtin, -rounded))  # on a tie, a built-in letter first
    order = ranked[related[ranked]][:k]
    contributions = _contributions(index, [int(i) for i in order], ids)
    hits = []
    for i in order:
        letter = index.letters[int(i)]
        why = [f"{label} {value}" for _, value, column, label in boosts if value and column[i] == value]
        if others and letter.violation_type.value in others:
            why.append(f"related violation {letter.violation_type.value}")
        if index.reinstated[i]:
            why.append("outcome reinstated")
        said = {stem for _, value, column, _ in boosts if value and column[i] == value for stem in _stems(_words(value))}
        matched = [shown[w] for w in contributions.get(int(i), []) if w not in said and not w.isdigit()]
        if matched:
            why.append("words: " + ", ".join(matched[: _settings()["why_terms"]]))
        hits.append(Hit(letter=letter, score=round(float(score[i]), 4), why=why))
    return hits


def _contributions(index: _Index, docs: list[int], ids: list[int]) -> dict[int, list[str]]:
    """For each hit, the query words it contains, largest BM25 contribution first.

    Reads the postings of bm25s's sparse score matrix (`scores` holds CSC arrays: one column
    per token), so only the query's columns are touched, never the letters' text.
    """
    import numpy as np

    if not docs or not ids:
        return {}
    scores = index.model.scores
    indptr = np.asarray(scores["indptr"])
    token_ids = np.asarray(ids)
    starts, lengths = indptr[token_ids], indptr[token_ids + 1] - indptr[token_ids]
    # Every posting of every query token in one array: position = column start + offset in column.
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = np.repeat(starts, lengths) + offsets
    posting_docs = np.asarray(scores["indices"])[positions]
    keep = np.isin(posting_docs, np.asarray(docs))
    found: dict[int, list[tuple[float, str]]] = {}
    for doc, tid, value in zip(posting_docs[keep], np.repeat(token_ids, lengths)[keep], np.asarray(scores["data"])[positions[keep]], strict=False):
        found.setdefault(int(doc), []).append((-float(value), index.word_of[int(tid)]))
    return {doc: [word for _, word in sorted(pairs)] for doc, pairs in found.items()}


@cache
def _stems(text: str) -> frozenset[str]:
    return frozenset(_tokenize([text], return_ids=False)[0]) if text else frozenset()


def _value(item: Any) -> str | None:
    if item is None:
        return None
    return getattr(item, "value", item) or None


def retrieve(case: Case, k: int = 3, letters: list[Letter] | None = None) -> list[Hit]:
    """The k letters closest to the case, best first (built-in plus the user's letters by default)."""
    pool = load_corpus() if letters is None else letters
    return _rank(
        _index_for(pool),
        case_query(case),
        k,
        case.violation_type,
        case.letter_kind,
        case.marketplace,
        topic=case.topic,
        other_violations=list(case.other_violations),
    )


def search(
    query: str,
    k: int = 5,
    violation_type: ViolationType | str | None = None,
    kind: LetterKind | str | None = None,
    marketplace: Marketplace | str | None = None,
    letters: list[Letter] | None = None,
) -> list[Hit]:
    """Free-text search; the optional metadata ranks matching letters first, as in `retrieve`."""
    pool = load_corpus() if letters is None else letters
    return _rank(_index_for(pool), query, k, violation_type, kind, marketplace)
