"""Is this "notice" phishing? Sender and link domains, credential and payment requests, threats within hours.

Suspension scares are how sellers get phished: a look-alike sender, a "verify within 24 hours"
link, a request for a password or bank details. Intake reads such a text like any notice, so
it must say first and plainly that it may not be from Amazon. The signs and their weights are
data (data/intake/phishing.yaml); a genuine notice never asks for credentials and links only
to Amazon, so none of the genuine notices of the test set may raise the flag.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from appealagent.catalog import patterns
from appealagent.facts.emails import emails
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.phrases import PhraseList

_URL_RX = patterns.compile(r"(?:https?://|(?<![\w@.])www\.)[^\s<>\"'()\[\]]+", _I)
_IP_HOST_RX = patterns.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


class PhishingRules(NamedTuple):
    """data/intake/phishing.yaml, compiled."""

    threshold: float
    amazon: tuple[str, ...]
    neutral: tuple[str, ...]
    shorteners: frozenset[str]
    lookalike: re.Pattern[str]
    claims_amazon: re.Pattern[str]
    weights: dict[str, float]
    phrases: tuple[tuple[PhraseList, str, str], ...]  # each wording with the sign it tells the seller (en, zh)
    domain_signs: dict[str, tuple[str, str]]  # sign name → (en, zh) templates
    advice: str
    advice_zh: str


class PhishingCheck(NamedTuple):
    """How phishing-like a text is (noisy-OR of its signs), whether that crosses the line, and the signs (en, zh)."""

    suspected: bool
    score: float
    signs: list[str]
    signs_zh: list[str]


class _Sign(NamedTuple):
    weight: float
    key: str  # one sign per kind of wording or domain finding
    en: str
    zh: str


@functools.cache
def phishing_rules() -> PhishingRules:
    """The rules, read once."""
    d = rule_file("phishing")
    return PhishingRules(
        threshold=float(d["threshold"]),
        amazon=tuple(d["amazon_domains"]),
        neutral=tuple(d["neutral_domains"]),
        shorteners=frozenset(d["shorteners"]),
        lookalike=re.compile(d["lookalike"], _I),
        claims_amazon=re.compile(d["claims_amazon"], _I),
        weights={k: float(v) for k, v in d["weights"].items()},
        phrases=tuple((PhraseList.from_data([p]), str(p["sign"]), str(p["sign_zh"])) for p in d["phrases"]),
        domain_signs={k: (str(v["en"]), str(v["zh"])) for k, v in d["domain_signs"].items()},
        advice=" ".join(str(d["advice"]).split()),
        advice_zh=str(d["advice_zh"]).strip(),
    )


def _within(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_amazon_domain(host: str) -> bool:
    """True for amazon.com, sellercentral.amazon.co.uk, amazonses.com…; False for amazon-verify.net."""
    return _within(host.lower().rstrip("."), phishing_rules().amazon)


def _host(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        url = "http://" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def link_hosts(text: str) -> list[str]:
    """The host of every link in the text (http(s)://… and www.…), in order, each once."""
    return list(dict.fromkeys(h for m in _URL_RX.finditer(text) if (h := _host(m.group(0).rstrip(".,;:")))))


def _domain_signs(sender_field: str | None, hosts: list[str]) -> list[_Sign]:
    r = phishing_rules()

    def sign(name: str, value: str, **fill: str) -> _Sign:
        en, zh = r.domain_signs[name]
        return _Sign(r.weights[name], f"{name}:{value}", en.format(**fill), zh.format(**fill))

    out: list[_Sign] = []
    if sender_field:
        address = next(emails(sender_field), None)
        domain = address.text.rsplit("@", 1)[-1].lower() if address else ""
        if domain and not is_amazon_domain(domain):
            if r.lookalike.search(domain):
                out.append(sign("sender_lookalike", domain, domain=domain))
            elif r.claims_amazon.search(sender_field) and not _within(domain, r.neutral):
                out.append(sign("sender_not_amazon", domain, domain=domain))
    for host in hosts:
        if is_amazon_domain(host) or _within(host, r.neutral):
            continue
        if r.lookalike.search(host):
            out.append(sign("link_lookalike", host, host=host))
        elif _IP_HOST_RX.match(host) or host in r.shorteners:
            out.append(sign("link_ip_or_shortener", host, host=host))
        else:
            out.append(sign("link_not_amazon", host, host=host))
    return out


def check_phishing(raw: str, flat: str, sender_field: str | None) -> PhishingCheck:
    """Score `raw` (links, including those inside HTML) and `flat` (wording) for phishing.

    `sender_field` is the From: header as written ('"Amazon" <x@y>'), when the text has one."""
    r = phishing_rules()
    signs = _domain_signs(sender_field, link_hosts(raw))
    for phrases, en, zh in r.phrases:
        for w, matched in phrases.hits(flat):
            quote = f' "{matched[:80]}"'
            signs.append(_Sign(w, en, f"{en}:{quote}", f"{zh}:{quote}"))
    miss = 1.0
    seen: set[str] = set()
    kept: list[_Sign] = []
    for s in sorted(signs, key=lambda s: -s.weight):
        if s.key in seen:
            continue  # one wording counted once (two phrasings of the same threat)
        seen.add(s.key)
        miss *= 1.0 - s.weight
        kept.append(s)
    score = round(1.0 - miss, 3)
    return PhishingCheck(score >= r.threshold, score, [s.en for s in kept], [s.zh for s in kept])
