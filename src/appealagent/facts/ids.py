"""Amazon identifiers: ASINs and order IDs, their patterns and their finders.

The case model validates fields with the `*_FIELD_RE` patterns; grounding, the checks
and redaction find IDs inside free text with the finders. One definition each, so a
value the case accepts is a value every finder sees.
"""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.catalog import patterns
from appealagent.facts.found import Found

ASIN_FIELD_RE = patterns.compile(r"^(?:B0[0-9A-Z]{8}|\d{9}[0-9X])$")  # a whole field: an ASIN or an ISBN-10
ORDER_ID_FIELD_RE = patterns.compile(r"^\d{3}-\d{7}-\d{7}$")
ASIN_RE = patterns.compile(r"(?<![0-9A-Za-z])B0[0-9A-Z]{8}(?![0-9A-Za-z])")  # in running text only the B0… form: ten digits are too often not an ASIN; no \b, which fails beside Chinese characters
ORDER_ID_RE = patterns.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")


def asins(text: str) -> Iterator[Found]:
    """Every ASIN (B0 and eight capitals or digits) written in the text."""
    for m in ASIN_RE.finditer(text):
        yield Found(m.start(), m.end(), m.group())


def order_ids(text: str) -> Iterator[Found]:
    """Every Amazon order ID (123-1234567-1234567) written in the text."""
    for m in ORDER_ID_RE.finditer(text):
        yield Found(m.start(), m.end(), m.group())
