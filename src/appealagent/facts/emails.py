"""E-mail addresses in text: one finder, one comparison key.

The finder expands around each '@' instead of running a greedy regex, so it stays
linear on long pasted notices. Letters and digits of any script count, so a private
address written with non-Latin characters is still found (redaction relies on it).
"""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.facts.found import Found

_LOCAL_EXTRA = frozenset("._%+-")
_DOMAIN_EXTRA = frozenset(".-")
_MAX_LOCAL = 64
_MAX_DOMAIN = 254


def _local(c: str) -> bool:
    return c.isalnum() or c in _LOCAL_EXTRA


def _domain(c: str) -> bool:
    return c.isalnum() or c in _DOMAIN_EXTRA


def emails(text: str) -> Iterator[Found]:
    """Every e-mail address in the text, in reading order."""
    pos = text.find("@")
    n = len(text)
    last_end = -1
    while pos != -1:
        s = pos
        while s > 0 and s > last_end and pos - s < _MAX_LOCAL and _local(text[s - 1]):
            s -= 1
        e = pos + 1
        while e < n and e - pos < _MAX_DOMAIN and _domain(text[e]):
            e += 1
        while e > pos + 1 and text[e - 1] in ".-":
            e -= 1
        while s < pos and text[s] == ".":
            s += 1
        domain = text[pos + 1 : e]
        tld = domain.rsplit(".", 1)[-1]
        if s < pos and "." in domain and not domain.startswith(".") and len(tld) >= 2 and tld.isalpha():
            yield Found(s, e, text[s:e])
            last_end = e
        pos = text.find("@", max(pos + 1, e))


def email_key(address: str) -> str:
    """The form two addresses are compared in (case does not matter in practice)."""
    return address.strip().lower()
