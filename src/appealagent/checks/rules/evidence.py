"""Evidence: documents the case holds are referred to, the ones the type needs exist, and Amazon accepts them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import PurePath

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import sentence_of
from appealagent.checks.registry import rule
from appealagent.model.case import EvidenceDocument

_WORD_RE = patterns.compile(r"[a-z0-9]+")


def _evidence() -> dict:
    return data.load("evidence")


def issuer_mentioned(name: str, text: str) -> bool:
    """True when the letter names the issuer: the full name, or all its distinctive words."""
    if name.lower() in text.lower():
        return True
    noise = set(_evidence()["name_noise"])
    core = [w for w in _WORD_RE.findall(name.lower()) if w not in noise and len(w) > 1]
    if not core:
        return False
    letter_words = set(_WORD_RE.findall(text.lower()))
    return all(w in letter_words for w in core[:3])


def doc_label(doc: EvidenceDocument) -> str:
    kind = doc.kind.value.replace("_", " ")
    bits = [kind]
    if doc.reference:
        bits.append(doc.reference)
    if doc.issuer:
        bits.append(f"from {doc.issuer}")
    if doc.file:
        bits.append(f"({PurePath(doc.file).name})")
    return " ".join(bits)


@cache
def _kind_word_re(kind: str) -> re.Pattern[str]:
    words = _evidence()["kind_words"]
    return patterns.compile(words.get(kind, words["other"]), re.IGNORECASE)


_STOP = frozenset(["the", "a", "an", "of", "in", "on", "for", "and", "or", "to", "from", "with", "by", "our", "your", "their", "its", "this", "that", "dated", "signed", "copy"])


def _described(description: str, letter_words: set[str]) -> bool:
    """Most of the description's words (at least two) appear in the letter."""
    core = [w for w in _WORD_RE.findall(description.lower()) if w not in _STOP and len(w) > 2]
    if len(core) < 2:
        return False
    found = sum(1 for w in core if w in letter_words or w.rstrip("s") in letter_words)
    return found >= max(2, round(0.6 * len(core)))


def _referred(doc: EvidenceDocument, text: str) -> bool:
    low = text.lower()
    if doc.reference and doc.reference.lower() in low:
        return True
    if doc.file and PurePath(doc.file).name.lower() in low:
        return True
    if doc.description and _described(doc.description, set(_WORD_RE.findall(low))):
        return True
    return bool(_kind_word_re(doc.kind.value).search(text))


@rule("evidence.unmentioned_attachment")
def unmentioned_attachment(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    for doc in ctx.case.evidence:
        if not _referred(doc, ctx.body):
            yield hit(doc=doc_label(doc))


@rule("evidence.missing_required")
def missing_required(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    vtype = ctx.case.violation_type
    if vtype is None:
        return
    need = _evidence()["required"].get(vtype.value)
    if not need:
        return
    kinds = {d.kind.value for d in ctx.case.evidence}
    if any(not (set(group) & kinds) for group in need["groups"]):
        yield hit(vtype=vtype.value.replace("_", " "), needed=need["label"])


@rule("evidence.out_of_window")
def out_of_window(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    notice = ctx.case.notification.date
    if notice is None:
        return
    windows = _evidence()["windows"]
    for doc in ctx.case.evidence:
        window = windows.get(doc.kind.value)
        if window is None or doc.date is None:
            continue
        age = (notice - doc.date).days
        if age > window:
            yield hit(doc=doc_label(doc), date=doc.date.isoformat(), days=age, kind=doc.kind.value.replace("_", " "), window=window)


@rule("evidence.unaccepted_kind")
def unaccepted_kind(ctx: CheckContext) -> Iterator[Hit]:
    ev = _evidence()
    if ctx.case is not None:
        editable = tuple(ev["editable_extensions"])
        proof_kinds = set(ev["proof_kinds"])
        for doc in ctx.case.evidence:
            why = ev["unaccepted"].get(doc.kind.value)
            if why:
                yield hit(doc=doc_label(doc), why=why)
            elif doc.file and doc.kind.value in proof_kinds and doc.file.lower().endswith(editable):
                yield hit(doc=doc_label(doc), why=f"{PurePath(doc.file).suffix} files can be edited; Amazon asks for unaltered PDF, JPG, PNG or GIF")
    # The letter itself offers a document Amazon does not accept as proof of supply or rights.
    vt = ctx.violation_type
    if vt is not None and vt.value not in ev["proof_types"]:
        return
    offer = patterns.compile(ev["unaccepted_text"], re.IGNORECASE)
    attach = patterns.compile(ev["attach_words"], re.IGNORECASE)
    proof = patterns.compile(ev["proof_words"], re.IGNORECASE)
    ok_before = patterns.compile(ev["unaccepted_text_ok_before"], re.IGNORECASE)
    negation = patterns.compile(ev["not_offered"], re.IGNORECASE)
    for m in offer.finditer(ctx.body):
        if ok_before.search(ctx.body[max(0, m.start() - 25) : m.start()]):
            continue
        s, e = sentence_of(ctx, m.start())
        cs, ce = _clause(ctx.body, s, e, m.start(), m.end())
        if negation.search(ctx.body, cs, ce):
            continue  # "we did not include packing lists", "order confirmations are not proof"
        if attach.search(ctx.body, cs, ce) and proof.search(ctx.body, s, e):
            yield hit(m.start(), m.end(), doc=f"\"{m.group()}\"", why="Amazon does not accept this kind of document as proof")


def _clause(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The clause of a sentence around text[start:end], cut at ";", ", and", " but", " so" and the like."""
    cut = patterns.compile(_evidence()["clause_break"], re.IGNORECASE)
    left = s
    for m in cut.finditer(text, s, start):
        left = m.end()
    right = e
    after = cut.search(text, end, e)
    if after:
        right = after.start()
    return left, right
