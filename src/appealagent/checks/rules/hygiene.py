"""Hygiene: placeholders, stray characters, typos, shouting, exclamation marks, links and e-mails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import blank, in_quotation
from appealagent.checks.registry import rule
from appealagent.facts.emails import emails

CJK_RUN_RE = patterns.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\uac00-\ud7af]+")
_WORD_RE = patterns.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CAPS_RE = patterns.compile(r"\b[A-Z][A-Z'’]*[A-Z]\b")
_LOWER_I_RE = patterns.compile(r"(?<![\w.'’/(-])i(?:['’](?:m|ve|ll|d))?(?![\w'’/).-])")
_MISSING_SPACE_RE = patterns.compile(r"(?:[a-z]{2}|[%)\]]|(?<![\d.,])\d{1,4})[,;](?=[A-Za-z]{2})|[a-z]{2}[.!?](?=[A-Z][A-Za-z])")
_REPEAT_OK = frozenset({"had", "that", "is", "bye", "very"})


def _hygiene() -> dict:
    return data.load("hygiene")


@cache
def _link_re() -> re.Pattern[str]:
    return patterns.compile(_hygiene()["link"], re.IGNORECASE)


_WEBSITE_RE = patterns.compile(r"\b(?:website|web site|site|homepage|domain|contact details|supplier|manufacturer|distributor|factory)\b", re.IGNORECASE)


def links(text: str) -> Iterator[tuple[int, int, str]]:
    """Links (scheme or www.), trailing punctuation dropped; a bare www.name after "website" names a site."""
    for m in _link_re().finditer(text):
        url = m.group().rstrip(".,;:!?'\"”’)")
        s, e = m.start(), m.start() + len(url)
        if not url.lower().startswith(("http", "ftp")) and "/" not in url and _WEBSITE_RE.search(text, max(0, s - 200), s):
            continue
        yield s, e, url


def _clean_body(ctx: CheckContext) -> str:
    """Body with links and e-mails blanked, for rules that would misread them."""
    cached = ctx.memo.get("hygiene_clean")
    if cached is None:
        text = blank(ctx.body, _link_re())
        chars = None
        for s, e, _ in emails(text):
            chars = chars if chars is not None else list(text)
            chars[s:e] = " " * (e - s)
        cached = "".join(chars) if chars is not None else text
        ctx.memo["hygiene_clean"] = cached
    return cached


@rule("hygiene.placeholder")
def placeholder(ctx: CheckContext) -> Iterator[Hit]:
    taken: list[tuple[int, int]] = []
    for regex in (data.regex("hygiene", "placeholder", "patterns"), data.regex("hygiene", "placeholder", "patterns_cs", case_sensitive=True)):
        for m in regex.finditer(ctx.body):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            yield hit(m.start(), m.end(), text=m.group())


@rule("hygiene.cjk")
def cjk(ctx: CheckContext) -> Iterator[Hit]:
    for m in CJK_RUN_RE.finditer(ctx.body):
        yield hit(m.start(), m.end(), text=m.group()[:40])


@rule("hygiene.repeated_word")
def repeated_word(ctx: CheckContext) -> Iterator[Hit]:
    body = ctx.body
    prev: re.Match[str] | None = None
    for m in _WORD_RE.finditer(body):
        if prev is not None:
            gap = body[prev.end() : m.start()]
            word = m.group().lower()
            if word == prev.group().lower() and gap and gap.isspace() and "\n" not in gap and word not in _REPEAT_OK and len(word) > 1:
                yield hit(prev.start(), m.end(), text=body[prev.start() : m.end()])
        prev = m


@rule("hygiene.missing_space")
def missing_space(ctx: CheckContext) -> Iterator[Hit]:
    text = _clean_body(ctx)
    ok = [w.lower() for w in _hygiene()["missing_space_ok"]]
    for m in _MISSING_SPACE_RE.finditer(text):
        s = max(0, m.start() - 12)
        window = text[s : m.end() + 12].lower()
        if any(w in window for w in ok):
            continue
        end = m.end()
        while end < len(text) and text[end].isalpha() and end - m.end() < 20:
            end += 1
        start = m.start()
        while start > 0 and text[start - 1].isalpha() and m.start() - start < 20:
            start -= 1
        yield hit(start, end, text=ctx.body[start:end])


@rule("hygiene.lowercase_i")
def lowercase_i(ctx: CheckContext) -> Iterator[Hit]:
    text = _clean_body(ctx)
    for m in _LOWER_I_RE.finditer(text):
        s = max(0, m.start() - 15)
        yield hit(m.start(), m.end(), text=ctx.body[s : m.end() + 15].strip())


@rule("hygiene.shouting")
def shouting(ctx: CheckContext) -> Iterator[Hit]:
    cfg = _hygiene()
    emphasis = set(cfg["shouting_words"])
    company = set(cfg["company_words"])
    run_len = int(cfg["shouting_run"])
    sentence_words = set(cfg["shouting_sentence_words"])
    body = _clean_body(ctx)
    run: list[re.Match[str]] = []

    def flush() -> Iterator[Hit]:
        words = [w.group().replace("’", "'") for w in run]
        if len(run) >= run_len and not any(w.strip("'") in company for w in words) and any(w in sentence_words for w in words):
            yield hit(run[0].start(), run[-1].end(), text=body[run[0].start() : run[-1].end()])

    for m in _CAPS_RE.finditer(body):
        word = m.group()
        if word in emphasis:
            yield hit(m.start(), m.end(), text=word)
        if len(word) >= 3:
            if run and (body[run[-1].end() : m.start()].strip(" ,&-") or "\n" in body[run[-1].end() : m.start()]):
                yield from flush()
                run = []
            run.append(m)
        else:
            yield from flush()
            run = []
    yield from flush()


@rule("hygiene.exclamation")
def exclamation(ctx: CheckContext) -> Iterator[Hit]:
    text = _clean_body(ctx)
    pos = text.find("!")
    while pos != -1:
        if not in_quotation(text, pos):  # a quoted insert card or buyer message is not the seller's tone
            s = max(0, pos - 30)
            yield hit(pos, pos + 1, text=ctx.body[s : pos + 1].strip())
        pos = text.find("!", pos + 1)


@rule("hygiene.link")
def link(ctx: CheckContext) -> Iterator[Hit]:
    for s, e, url in links(ctx.body):
        yield hit(s, e, text=url)


@cache
def _login_label_re() -> re.Pattern[str]:
    return patterns.compile(_hygiene()["login_label"], re.IGNORECASE)


@cache
def _amazon_address_re() -> re.Pattern[str]:
    return patterns.compile(_hygiene()["amazon_address"], re.IGNORECASE)


@rule("hygiene.email")
def email(ctx: CheckContext) -> Iterator[Hit]:
    login = ctx.case.seller.login_email.lower() if ctx.case is not None and ctx.case.seller.login_email else None
    label = _login_label_re()
    amazon = _amazon_address_re()
    for s, e, address in emails(ctx.body):
        if amazon.search(address):
            continue  # Amazon's own addresses (notice-dispute@amazon.com) name where something was sent
        if login is not None:
            if address.lower() == login:
                continue
        elif label.search(ctx.body, max(0, s - 80), s):
            continue
        yield hit(s, e, text=address)
