"""Example letters for an LLM prompt: the corpus letters closest to the case, as plain records.

The model copies shape and tone from them, never facts. A broken or missing
corpus must not stop drafting: the case is drafted without examples and the
seller is told why.
"""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from appealagent.corpus.retrieval import retrieve
from appealagent.corpus.store import Letter, load_corpus
from appealagent.model.case import Case


class ExampleLetter(TypedDict):
    """One example as the prompt shows it; only the user's own letters (`origin` "user") are redacted."""

    id: str
    violation_type: str
    text: str
    origin: NotRequired[str]


def load_pool() -> list[Letter] | None:
    """The corpus loaded once for a batch, so each case's retrieval skips re-reading the folders."""
    try:
        return load_corpus()
    except Exception:  # retrieve_letters reports the problem per case
        return None


def retrieve_letters(case: Case, k: int, pool: list[Letter] | None = None) -> tuple[list[ExampleLetter], list[str]]:
    """The k closest corpus letters (English parts) and any warning; no corpus means no examples."""
    if k <= 0:
        return [], []
    try:
        hits = retrieve(case, k, letters=pool)
    except Exception as exc:  # a broken user corpus must not stop drafting
        return [], [f"corpus letters not used ({type(exc).__name__}: {exc})"]
    letters = [
        ExampleLetter(id=str(h.letter.id), violation_type=h.letter.violation_type.value, text=h.letter.english, origin=str(h.letter.origin))
        for h in hits
    ]
    return letters, []
