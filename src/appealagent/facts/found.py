"""The one result type every finder yields: where a fact sits in the text and how it is written."""

from __future__ import annotations

from typing import NamedTuple


class Found(NamedTuple):
    """A fact's span (offsets into the scanned text) and its text as written; unpacks as (start, end, text)."""

    start: int
    end: int
    text: str
