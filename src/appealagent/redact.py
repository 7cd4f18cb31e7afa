"""Keep private details on the seller's machine: placeholders out, real values back in.

Before anything goes to an LLM, e-mail addresses, phone numbers, street
addresses, buyer names and order IDs are replaced by numbered placeholders
(`<EMAIL_1>`, `<ORDER_2>`…); the same value always gets the same placeholder,
so the model can still tell orders apart. After the reply comes back, the
placeholders are swapped for the real values and grounding runs on that
restored text. Known values come from the case's own fields; the patterns catch
the same kinds of detail inside free text (the pasted notification, notes);
e-mail addresses and order IDs are found with the facts layer's finders
(`facts.emails`, `facts.ids`), the same ones grounding and the checks use.
Phone numbers are found with Google's libphonenumber (`phonenumbers`, imported on
first use: ~25 ms) in the marketplace's region, so 4155550199, +49 30 1234567 and
030 1234567 are all caught; postcodes with their city come from per-region
patterns in data/redact.yaml. Buyer names are learnt from the whole case first
(after "buyer"/"customer" or a courtesy title: "Mrs. O'Brien", "Ms Anna Müller")
and then replaced everywhere they occur, cue or not.
ASINs, store names and dates stay: the letter needs them and they identify no
person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.facts.emails import emails
from appealagent.facts.found import Found
from appealagent.facts.ids import order_ids
from appealagent.model.case import Case
from appealagent.model.enums import Marketplace

PLACEHOLDER_RE = patterns.compile(r"<(EMAIL|ORDER|PHONE|ADDRESS|BUYER)_(\d+)>")
# How a model may mangle a placeholder: HTML-escaped, bracketed or bare.
_LOOSE_RE = patterns.compile(r"(?:<|&lt;|\[)?\b(EMAIL|ORDER|PHONE|ADDRESS|BUYER)_(\d+)\b(?:>|&gt;|\])?")

_PHONE_CANDIDATE = patterns.compile(
    r"(?<![\w<+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w>])"
    r"|(?<![\w+])\+\d{8,15}(?!\w)"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)"
)
_ISO_DATE = patterns.compile(r"^\d{4}-\d{2}-\d{2}$")
_STREET_EN = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Way|Court|Ct\.?"
    r"|Place|Pl\.?|Terrace|Parkway|Pkwy\.?|Highway|Hwy\.?|Square|Sq\.?"
)
ADDRESS_RES = (
    patterns.compile(
        r"\b\d{1,5}[A-Za-z]?(?:-\d{1,5})?\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:" + _STREET_EN + r")(?![\w])"
        r"(?:,?\s*(?:Suite|Ste\.?|Apt\.?|Unit|Floor|Fl\.?|#)\s*[\w-]+)?"
    ),
    patterns.compile(r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b"),
    patterns.compile(r"[\u4e00-\u9fff]{2,12}(?:路|街|大道)\d{1,5}号(?:[\u4e00-\u9fff\d]{0,10}(?:室|楼|栋|单元))?"),
)
BUYER_RE = patterns.compile(
    r"\b(?:[Bb]uyer|[Cc]ustomer|[Rr]ecipient|[Cc]onsignee|[Ss]hip to)(?:'s)?(?: name)?(?: is)?[:,]?\s+"
    r"(?:(?P<title>Mr|Mrs|Ms|Miss|Dr)\.?\s+)?(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
)
_DIGIT = patterns.compile(r"\d")
_BUYER_CUE = patterns.compile(r"[Bb]uyer|[Cc]ustomer|[Rr]ecipient|[Cc]onsignee|[Ss]hip to")


@cache
def _not_names() -> frozenset[str]:
    return frozenset(load_yaml("redact.yaml")["not_names"])


_NAME_WORD = r"[A-ZÀ-ÖØ-ÞŁŚŻ][\w'’-]*[\w]"


@cache
def _title_re() -> re.Pattern[str]:
    titles = "|".join(re.escape(t) for t in load_yaml("redact.yaml")["titles"])
    return patterns.compile(r"\b(?:" + titles + r")\.?\s+(?P<name>" + _NAME_WORD + r"(?:[ -]" + _NAME_WORD + r"){0,2})")


@cache
def _postcode_res(region: str | None) -> tuple[re.Pattern[str], ...]:
    """The postcode-and-city patterns tried for a marketplace's region (all of them when it is unknown)."""
    out = []
    for entry in load_yaml("redact.yaml")["postcodes"]:
        regions = entry["regions"]
        if regions == "all" or region is None or region in regions:
            out.append(patterns.compile(entry["pattern"]))
    return tuple(out)


def phone_region(marketplace: Marketplace | None) -> str | None:
    """The ISO region libphonenumber reads national numbers in (the UK marketplace is GB)."""
    if marketplace is None:
        return None
    return {"UK": "GB"}.get(marketplace.value, marketplace.value)


def phone_spans(text: str, region: str | None) -> list[tuple[int, int]]:
    """Where libphonenumber finds a valid phone number in the text (national numbers read in `region`)."""
    import phonenumbers  # heavy metadata: loaded on first use, not when the package is imported

    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, region or "US"):
        raw = match.raw_string
        if _ISO_DATE.match(raw.strip()) or "<" in raw or ">" in raw:
            continue
        spans.append((match.start, match.end))
    return spans


def _phone_ok(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    if _ISO_DATE.match(match.strip()) or not 8 <= len(digits) <= 15:
        return False
    return match.lstrip().startswith(("+", "(")) or len(digits) >= 10


class Redactor:
    """A two-way map between private values and placeholders for one case."""

    def __init__(self, enabled: bool = True, region: str | None = None) -> None:
        self.enabled = enabled
        self.region = region
        self.forward: dict[str, str] = {}  # value -> placeholder
        self.back: dict[str, str] = {}  # placeholder -> value
        self._counts: dict[str, int] = {}

    def placeholder(self, value: str, kind: str) -> str:
        if value in self.forward:
            return self.forward[value]
        self._counts[kind] = self._counts.get(kind, 0) + 1
        token = f"<{kind}_{self._counts[kind]}>"
        self.forward[value] = token
        self.back[token] = value
        return token

    @classmethod
    def for_case(cls, case: Case, enabled: bool = True) -> Redactor:
        """Learn the case's own private values first, so they get stable, low numbers."""
        r = cls(enabled, phone_region(case.marketplace))
        if not enabled:
            return r
        for order in case.orders:
            r.placeholder(order.order_id, "ORDER")
        for email in (case.seller.login_email, case.notification.rights_owner.email if case.notification.rights_owner else None):
            if email:
                r.placeholder(email, "EMAIL")
        r.learn_names(_strings(case.model_dump(mode="json")))
        return r

    def learn_names(self, texts: Iterable[str]) -> None:
        """Every buyer name the texts hold (after a cue word or a title), so each is replaced wherever it occurs."""
        for text in texts:
            for m in BUYER_RE.finditer(text):
                name = m.group("name")
                if m.group("title") or " " in name or "-" in name:
                    if m.group("title") or not _not_names() & set(re.split(r"[ -]", name)):
                        self._learn(name)
            for m in _title_re().finditer(text):
                self._learn(m.group("name"))

    def _learn(self, name: str) -> None:
        words = re.split(r"[ -]", name)
        if _not_names() & set(words):
            return
        self.placeholder(name, "BUYER")
        surname = words[-1]
        if len(words) > 1 and len(surname) >= 3:
            self.placeholder(surname, "BUYER")  # "Mrs. O'Brien" later, after "Anna O'Brien" earlier

    # -- redaction ---------------------------------------------------------------------------
    def redact_text(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        for value in sorted(self.forward, key=len, reverse=True):
            if value in text:
                if self.forward[value].startswith("<BUYER_"):
                    # Whole words only: a surname "Hill" must not eat "Hillside".
                    text = re.sub(r"(?<![\w<])" + re.escape(value) + r"(?![\w>])", self.forward[value], text)
                else:
                    text = text.replace(value, self.forward[value])
        # Cheap guards first: most strings in a case are short and hold no digit or '@'.
        if "@" in text:
            text = self._replace(text, emails(text), "EMAIL")
        if _DIGIT.search(text):
            if "-" in text:
                text = self._replace(text, order_ids(text), "ORDER")
            for pattern in ADDRESS_RES + _postcode_res(self.region):
                text = pattern.sub(lambda m: self.placeholder(m.group(0), "ADDRESS"), text)
            text = self._replace_spans(text, phone_spans(text, self.region), "PHONE")
            text = _PHONE_CANDIDATE.sub(lambda m: self.placeholder(m.group(0), "PHONE") if _phone_ok(m.group(0)) else m.group(0), text)
        if _BUYER_CUE.search(text):
            text = BUYER_RE.sub(self._buyer, text)
        text = _title_re().sub(self._titled, text)
        return text

    def _replace_spans(self, text: str, spans: list[tuple[int, int]], kind: str) -> str:
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts += [text[last:start], self.placeholder(text[start:end], kind)]
            last = end
        return "".join(parts) + text[last:] if parts else text

    def _titled(self, m: re.Match[str]) -> str:
        """A name after a courtesy title, seen for the first time in this text (not learnt from the case)."""
        name = m.group("name")
        if _not_names() & set(re.split(r"[ -]", name)):
            return m.group(0)
        return m.group(0)[: m.start("name") - m.start()] + self.placeholder(name, "BUYER")

    def _replace(self, text: str, found: Iterable[Found], kind: str) -> str:
        """The text with each found value swapped for its placeholder (finders from the facts layer)."""
        parts: list[str] = []
        last = 0
        for f in found:
            parts += [text[last : f.start], self.placeholder(f.text, kind)]
            last = f.end
        return "".join(parts) + text[last:] if parts else text

    def _buyer(self, m: re.Match[str]) -> str:
        name = m.group("name")
        if not m.group("title") and " " not in name and "-" not in name:
            return m.group(0)  # one capitalised word after 'buyer' is too often not a name
        if not m.group("title") and _not_names() & set(re.split(r"[ -]", name)):
            return m.group(0)  # Amazon's own terms: "Customer Service Performance"
        start = m.start("title") if m.group("title") else m.start("name")
        return m.group(0)[: start - m.start()] + self.placeholder(m.group(0)[start - m.start():], "BUYER")

    def redact_obj(self, value: Any) -> Any:
        """Redact every string in a JSON-like structure (keys stay as they are)."""
        return _walk(value, self.redact_text)

    # -- restoration -------------------------------------------------------------------------
    def restore_text(self, text: str) -> str:
        if not self.back or not text:
            return text

        def swap(m: re.Match[str]) -> str:
            token = f"<{m.group(1)}_{m.group(2)}>"
            return self.back.get(token, m.group(0))

        return _LOOSE_RE.sub(swap, text)

    def restore_obj(self, value: Any) -> Any:
        return _walk(value, self.restore_text)


def _strings(value: Any) -> list[str]:
    """Every string in a JSON-like structure."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _walk(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, fn) for k, v in value.items()}
    return value


def leftover_placeholders(text: str) -> list[str]:
    """Placeholders still in a restored text: the model made them up."""
    return sorted(set(m.group(0) for m in PLACEHOLDER_RE.finditer(text)))
