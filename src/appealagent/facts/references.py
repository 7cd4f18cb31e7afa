"""Document numbers (invoices, purchase orders, registrations, complaint IDs) and their one normal form.

Found three ways: a known prefix ("INV-2026-0412", "INV 2291", "PO#7781"), a cue word
before it ("invoice no. 88231", "registration number UK00003456789"), or a code token
of capitals and digits ("CN-7781234"). ASINs, order IDs and dates are not references.
Two references are the same when they agree ignoring case, spaces and separators:
"INV 2291" == "INV-2291" == "inv2291".
"""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.catalog import patterns
from appealagent.facts.dates import is_date
from appealagent.facts.found import Found
from appealagent.facts.ids import ASIN_RE, ORDER_ID_RE

_PREFIX_RE = patterns.compile(r"\b(?:INV|PI|PO|CI|SO|DN|GRN)(?:[-_/#]| (?=\d))?[A-Z0-9]*\d[A-Z0-9/_-]*")
_AFTER_CUE_RE = patterns.compile(
    r"(?i:\b(?:invoices?|receipts?|purchase orders?|certificates?|registration|licen[cs]es?|reference|ref\.)"
    r"[ \t]+(?:(?:no\.?|nos\.?|number|numbers|num\.?|#|id)[ \t]*)?[:#]?[ \t]*)"
    r"(?P<ref>[A-Z0-9][A-Z0-9/_.-]{2,30}[A-Z0-9])"
)
_TOKEN_RE = patterns.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9/-]{3,}(?<!-)(?![\w-])")
_SEPARATORS_RE = patterns.compile(r"[\s/_.#:-]+")
_YEAR_RE = patterns.compile(r"(?:19|20)\d\d")


def reference_key(ref: str) -> str:
    """The one normal form: capitals and digits only ('INV 2291', 'INV-2291', 'inv2291' -> 'INV2291')."""
    return _SEPARATORS_RE.sub("", ref).upper()


def _not_a_reference(ref: str) -> bool:
    return bool(
        _YEAR_RE.fullmatch(ref) or ASIN_RE.fullmatch(ref) or ORDER_ID_RE.fullmatch(ref) or is_date(ref)
        or not any(c.isdigit() for c in ref)
    )


def references(text: str) -> Iterator[Found]:
    """Every document number in the text, in reading order, overlaps resolved in favour of the first finder."""
    found: list[Found] = []

    def free(s: int, e: int) -> bool:
        return not any(s < f.end and f.start < e for f in found)

    for m in _PREFIX_RE.finditer(text):
        ref = m.group().rstrip("-/_")
        found.append(Found(m.start(), m.start() + len(ref), ref))
    for m in _AFTER_CUE_RE.finditer(text):
        ref = m.group("ref").rstrip(".-/")
        s = m.start("ref")
        if len(ref) >= 4 and free(s, s + len(ref)) and not _not_a_reference(ref):
            found.append(Found(s, s + len(ref), ref))
    for m in _TOKEN_RE.finditer(text):
        ref = m.group()
        if free(m.start(), m.end()) and not _not_a_reference(ref):
            found.append(Found(m.start(), m.end(), ref))
    found.sort()
    return iter(found)
