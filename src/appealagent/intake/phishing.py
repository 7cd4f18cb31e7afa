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

from appealagent.facts.emails import emails
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.phrases import PhraseList

_URL_RX = re.compile(r"(?:https?://|(?<![\w@.])www\.)[^\s<>\"'()\[\]]+", _I)
_IP_HOST_RX = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


class PhishingRules(NamedTuple):
    """data/intake/phishing.yaml, compiled."""

    threshold: float
    amazon: tuple[str, ...]
    neutral: tuple[str, ...]
    shorteners: frozenset[str]
    lookalike: re.Pattern[str]
    claims_amazon: re.Pattern[str]
    weights: dict[str, float]
    phrases: tuple[tuple[PhraseList, str], ...]  # each wording with the sign it tells the seller
    advice: str
    advice_zh: str


class PhishingCheck(NamedTuple):
    """How phishing-like a text is (noisy-OR of its signs), whether that crosses the line, and the signs."""

    suspected: bool
    score: float
    signs: list[str]


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
        phrases=tuple((PhraseList.from_data([p]), str(p["sign"])) for p in d["phrases"]),
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


def _domain_signs(sender_field: str | None, hosts: list[str]) -> list[tuple[float, str]]:
    r = phishing_rules()
    w = r.weights
    out: list[tuple[float, str]] = []
    if sender_field:
        address = next(emails(sender_field), None)
        domain = address.text.rsplit("@", 1)[-1].lower() if address else ""
        if domain and not is_amazon_domain(domain):
            if r.lookalike.search(domain):
                out.append((w["sender_lookalike"], f"the sender's domain {domain} imitates Amazon's but is not Amazon's"))
            elif r.claims_amazon.search(sender_field) and not _within(domain, r.neutral):
                out.append((w["sender_not_amazon"], f"the sender claims to be Amazon but writes from {domain}"))
    for host in hosts:
        if is_amazon_domain(host) or _within(host, r.neutral):
            continue
        if r.lookalike.search(host):
            out.append((w["link_lookalike"], f"a link goes to {host}, which imitates Amazon's address but is not Amazon's"))
        elif _IP_HOST_RX.match(host) or host in r.shorteners:
            out.append((w["link_ip_or_shortener"], f"a link hides where it goes ({host})"))
        else:
            out.append((w["link_not_amazon"], f"a link goes to {host}, which is not an Amazon address"))
    return out


def check_phishing(raw: str, flat: str, sender_field: str | None) -> PhishingCheck:
    """Score `raw` (links, including those inside HTML) and `flat` (wording) for phishing.

    `sender_field` is the From: header as written ('"Amazon" <x@y>'), when the text has one."""
    r = phishing_rules()
    signs = _domain_signs(sender_field, link_hosts(raw))
    for phrases, sign in r.phrases:
        for w, matched in phrases.hits(flat):
            signs.append((w, f"{sign}: \"{matched[:80]}\""))
    miss = 1.0
    seen: set[str] = set()
    out: list[str] = []
    for weight, sign in sorted(signs, key=lambda s: -s[0]):
        key = sign.split(":")[0]
        if key in seen:
            continue  # one wording counted once (two phrasings of the same threat)
        seen.add(key)
        miss *= 1.0 - weight
        out.append(sign)
    score = round(1.0 - miss, 3)
    return PhishingCheck(score >= r.threshold, score, out)
