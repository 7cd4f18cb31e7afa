"""Buyer messages: no requests for positive feedback, no contact off Amazon, no incentives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import ORDER_TEXT_RE, blank, sentence_of
from appealagent.checks.registry import rule
from appealagent.checks.rules.hygiene import links
from appealagent.facts.emails import emails


def _buyer() -> dict:
    return data.load("buyer")


@rule("buyer.feedback_request")
def feedback_request(ctx: CheckContext) -> Iterator[Hit]:
    for m in data.regex("buyer", "feedback_request").finditer(ctx.body):
        yield hit(m.start(), m.end(), text=m.group())


@cache
def _amazon_domain() -> re.Pattern[str]:
    return patterns.compile(_buyer()["amazon_domain"], re.IGNORECASE)


def _host(url: str) -> str:
    rest = re.sub(r"^(?:https?|ftp)://", "", url, flags=re.IGNORECASE)
    return rest.split("/", 1)[0].split(":", 1)[0].lower()


@rule("buyer.off_amazon_contact")
def off_amazon_contact(ctx: CheckContext) -> Iterator[Hit]:
    body = ctx.body
    for s, e, url in links(body):
        if not _amazon_domain().search(_host(url)):
            yield hit(s, e, text=url)
    for s, e, address in emails(body):
        yield hit(s, e, text=address)
    for m in data.regex("buyer", "off_amazon").finditer(body):
        yield hit(m.start(), m.end(), text=m.group())
    no_ids = blank(body, ORDER_TEXT_RE)
    not_phone = patterns.compile(_buyer()["not_phone_before"], re.IGNORECASE)
    for m in patterns.compile(_buyer()["phone"]).finditer(no_ids):
        number = m.group()
        digits = sum(c.isdigit() for c in number)
        separated = number.startswith("+") or any(c in number for c in " ()-")
        if 9 <= digits <= 15 and separated and not not_phone.search(no_ids, max(0, m.start() - 40), m.start()):
            yield hit(m.start(), m.end(), text=number)


@rule("buyer.incentive")
def incentive(ctx: CheckContext) -> Iterator[Hit]:
    cfg = _buyer()["incentive"]
    taken: list[tuple[int, int]] = []
    for m in data.regex("buyer", "incentive", "anywhere").finditer(ctx.body):
        taken.append(m.span())
        yield hit(m.start(), m.end(), text=m.group())
    review = patterns.compile(cfg["review_words"], re.IGNORECASE)
    for m in patterns.compile(cfg["with_review"], re.IGNORECASE).finditer(ctx.body):
        if any(s <= m.start() < e for s, e in taken):
            continue
        s, e = sentence_of(ctx, m.start())
        if review.search(ctx.body, s, e):
            yield hit(m.start(), m.end(), text=ctx.body[s:e])
