"""E-mail headers in a pasted notice (From/Date/Subject/To of forwards and replies) and the notice's own date.

A forwarded notice carries several header blocks; the one from an Amazon address is the notice
itself, and its Date header is the most trustworthy notice date.
"""

from __future__ import annotations

from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.facts.emails import email_key, emails
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.dates import find_dates
from appealagent.intake.labels import extraction
from appealagent.intake.model import DateHit

_AMAZON_ADDRESS_RX = patterns.compile(r"@(?:[\w-]+\.)*amazon\.")


class Header(NamedTuple):
    """One mail header block and the line it starts on."""

    fields: dict[str, str]
    line: int

    @property
    def sender(self) -> str | None:
        m = next(emails(self.fields.get("from", "")), None)
        return email_key(m.text) if m else None

    @property
    def from_amazon(self) -> bool:
        sender = self.sender or ""
        return bool(_AMAZON_ADDRESS_RX.search(sender)) and "marketplace.amazon" not in sender


def find_headers(lines: list[str]) -> list[Header]:
    """Mail header blocks (From/Date/Subject/To) of forwards, replies and pasted e-mails."""
    x = extraction()
    blocks: list[Header] = []
    current: dict[str, str] = {}
    start = 0
    last_key: str | None = None
    for i, line in enumerate([*lines, ""]):
        m = x.header.match(line)
        if m:
            key = x.header_key.get(m.group("label").lower())
            if not current:
                start = i
            if key and key not in current:
                current[key] = m.group("v")
            last_key = key
            continue
        if current and last_key and line[:1] in (" ", "\t") and line.strip():
            current[last_key] = f"{current[last_key]} {line.strip()}"  # a folded header line
            continue
        if len(current) >= 2 and ("from" in current or "date" in current):
            blocks.append(Header(dict(current), start))
        current, last_key = {}, None
    for i, line in enumerate(lines):
        if x.reply.match(line.strip()):
            blocks.append(Header({"from": line.strip(), "date": line.strip()}, i))
    blocks.sort(key=lambda h: h.line)
    return blocks


def main_header(headers: list[Header]) -> Header | None:
    """The header of Amazon's own message: the innermost one from an Amazon address."""
    amazon = [h for h in headers if h.from_amazon]
    if amazon:
        return amazon[-1]
    return headers[-1] if headers else None


def find_notice_date(text: NoticeText, headers: list[Header], order: str | None) -> tuple[DateHit | None, str | None, list[str]]:
    """The date Amazon sent the notice, and where it was read; ambiguous dates are reported."""
    problems: list[str] = []
    candidates: list[tuple[str, str]] = []
    main = main_header(headers)
    if main and main.fields.get("date"):
        candidates.append((main.fields["date"], "mail header from Amazon" if main.from_amazon else "mail header (not from an Amazon address)"))
    x = extraction()
    for line in text.lines:
        m = x.date_label.match(line)
        if m:
            candidates.append((m.group("v"), "labelled date in the text"))
    for line in [ln for ln in text.lines if ln.strip()][:8]:
        stripped = line.strip()
        hits = find_dates(stripped, order)
        if hits and len(stripped) - len(hits[0].raw) <= 24 and hits[0].start <= 12:
            candidates.append((stripped, "date line at the top of the notice"))
    for value, source in candidates:
        hits = find_dates(value, order)
        if not hits:
            continue
        if hits[0].ambiguous:
            problems.append(f"notification.date: {hits[0].raw!r} could be day/month or month/day and the marketplace is unknown")
            continue
        return hits[0], source, problems
    return None, None, problems
