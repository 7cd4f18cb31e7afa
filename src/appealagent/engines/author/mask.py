"""Mask a reference letter's specifics (names, stores, places, IDs, dates, numbers, e-mails) with typed placeholders.

A reference letter shows a model the shape and tone of a letter that worked; its
facts belong to another seller. Shown as it is, a small model copies them (a real
1.5B model put another seller's store name, e-mail, ASINs, dates and order counts
into its draft). Masked, the letter keeps its structure and wording while every
specific reads `[ASIN]`, `[DATE]`, `[STORE]`…, which the model cannot copy into a
grounded letter: the grounding check flags a copied placeholder like any other
unsupported text. Facts are found with the facts layer's own scanner (the same one
grounding uses); names are runs of capitalised words that are neither the letter's
vocabulary (data/masking.yaml) nor, at the start of a sentence, a word the corpus
writes in lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.corpus.store import load_corpus
from appealagent.facts.scan import scan

_NAME_RUN = patterns.compile(r"(?<![\w\[<])[A-Z][\w'’&-]*(?:\s+(?:of\s+|de\s+|&\s+)?[A-Z][\w'’&.-]*)*")
_WORD = patterns.compile(r"[a-z][\w'’-]*")
_SENTENCE_START = patterns.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[-*•]\s+|\d+[.)]\s+|#+\s+)?)$")


@dataclass(frozen=True)
class MaskRules:
    fact_placeholders: dict[str, str]
    keep: frozenset[str]
    company_endings: frozenset[str]
    place_cues: frozenset[str]
    store_labels: tuple[str, ...]
    store_cues: frozenset[str]


@cache
def rules() -> MaskRules:
    data = load_yaml("masking.yaml")
    return MaskRules(
        fact_placeholders=dict(data["fact_placeholders"]),
        keep=frozenset(str(w) for w in data["keep_words"]),
        company_endings=frozenset(str(w) for w in data["company_endings"]),
        place_cues=frozenset(str(w) for w in data["place_cues"]),
        store_labels=tuple(str(w) for w in data["store_labels"]),
        store_cues=frozenset(str(w) for w in data["store_cues"]),
    )


@cache
def common_words() -> frozenset[str]:
    """Words the letter corpus writes in lower case somewhere: capitalised, they start a sentence, not a name."""
    try:
        letters = load_corpus()
    except Exception:  # a broken user corpus: fall back to each letter's own words
        return frozenset()
    return frozenset(w.lower() for letter in letters for w in _WORD.findall(letter.english))


NAME_PLACEHOLDERS = ("[NAME]", "[STORE]", "[PLACE]", "[COMPANY]")


@cache
def placeholder_re() -> re.Pattern[str]:
    """Any placeholder masking can write: a draft holding one copied it from a reference letter."""
    every = sorted({*rules().fact_placeholders.values(), *NAME_PLACEHOLDERS})
    return re.compile("|".join(re.escape(p) for p in every))


def _mask_facts(text: str, r: MaskRules) -> str:
    found, _ = scan(text)
    out, pos = [], 0
    for fact in sorted(found, key=lambda f: f.start):
        if fact.start < pos:
            continue  # overlapping finds: the first one wins
        out.append(text[pos : fact.start])
        out.append(r.fact_placeholders.get(fact.kind, "[NUMBER]"))
        pos = fact.end
    out.append(text[pos:])
    return "".join(out)


def _name_kind(text: str, start: int, words: list[str], r: MaskRules) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    previous = re.findall(r"[A-Za-z]+", text[max(0, start - 12) : start])
    if any(before.rstrip().endswith(label.rstrip()) for label in r.store_labels) or (previous and previous[-1] in r.store_cues):
        return NAME_PLACEHOLDERS[1]
    if words[-1] in r.company_endings:
        return NAME_PLACEHOLDERS[3]
    if previous and previous[-1] in r.place_cues:
        return NAME_PLACEHOLDERS[2]
    return NAME_PLACEHOLDERS[0]


def _mask_names(text: str, r: MaskRules) -> str:
    lower = common_words() | {w.lower() for w in _WORD.findall(text)}

    def is_vocabulary(word: str, at_start: bool) -> bool:
        bare = re.sub(r"['’]s$", "", word.rstrip(".,"))
        if bare in r.keep or bare.upper() == bare and len(bare) <= 1:
            return True
        # A word written in lower case elsewhere in the letter is a common word, capitalised here by position.
        return at_start and bare.lower() in lower

    out, pos = [], 0
    for m in _NAME_RUN.finditer(text):
        words = m.group(0).split()
        # A word ending in a full stop ends the sentence, and the run ("Swiftstaff Ltd. Write to…").
        ends = [i for i, w in enumerate(words[:-1]) if w.endswith(".")]
        if ends:
            words = words[: ends[0] + 1]
        at_start = bool(_SENTENCE_START.search(text[: m.start()]))
        # Trim leading vocabulary ("Our Lianfa order" → "Lianfa"), then trailing vocabulary.
        first, last = 0, len(words)
        while first < last and is_vocabulary(words[first], at_start and first == 0):
            first += 1
        while last > first and is_vocabulary(words[last - 1], False) and words[last - 1] not in r.company_endings:
            last -= 1
        if first == last:
            continue
        name_words = [w for w in words[first:last] if w not in ("of", "de", "&")]
        if not name_words:
            continue
        prefix = " ".join(words[:first])
        start = m.start() + (len(prefix) + 1 if prefix else 0)
        end = start + len(" ".join(words[first:last]))
        if text[start:end] != " ".join(words[first:last]):  # multiple spaces inside the run: leave it alone
            continue
        out.append(text[pos:start])
        out.append(_name_kind(text, start, name_words, r))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mask_letter(text: str) -> str:
    """The letter with every specific replaced by a typed placeholder ([ASIN], [DATE], [STORE], [NAME]…)."""
    r = rules()
    return _mask_names(_mask_facts(text, r), r)
