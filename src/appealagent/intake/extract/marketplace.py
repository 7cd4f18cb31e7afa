"""The notice's language and marketplace, weighed from the sender, Amazon hosts, currencies and words.

The marketplace comes first in a reading because it decides how a numeric date like 03/11/2026
is read; a tie between marketplaces is 'not found', never a guess.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.model.case import MARKETPLACE_DOMAINS, Marketplace, has_cjk

_DOMAIN_TO_MARKET = {domain: mk for mk, domain in MARKETPLACE_DOMAINS.items()}
_KANA_RX = patterns.compile(r"[\u3040-\u30ff]")
_WORD_RX = patterns.compile(r"[^\W\d_]+")
_DOMAIN_TAIL_RX = patterns.compile(r"amazon(?:\.[a-z]{2,3}){1,2}$")


class _MarketRules(NamedTuple):
    raw: dict[str, object]
    weights: dict[str, float]
    neutral_hosts: frozenset[str]
    host_overrides: dict[str, str]
    month_first: frozenset[str]
    year_first: frozenset[str]
    language_marketplace: dict[str, list[str]]
    min_language_hits: int
    currency: tuple[tuple[re.Pattern[str], tuple[Marketplace, ...]], ...]
    host: re.Pattern[str]
    explicit: re.Pattern[str]
    lang_words: dict[str, frozenset[str]]


@functools.cache
def _market_rules() -> _MarketRules:
    """data/intake/marketplaces.yaml, compiled once."""
    mk = rule_file("marketplaces")
    return _MarketRules(
        raw=mk,
        weights=mk["weights"],
        neutral_hosts=frozenset(mk["neutral_hosts"]),
        host_overrides=dict(mk["host_overrides"]),
        month_first=frozenset(mk["month_first"]),
        year_first=frozenset(mk["year_first"]),
        language_marketplace=mk["language_marketplace"],
        min_language_hits=int(mk["languages"]["min_hits"]),
        currency=tuple((re.compile(c["re"]), tuple(Marketplace(t) for t in c["to"])) for c in mk["currencies"]),
        host=re.compile(
            r"(?<![\w@-])(?:[a-z0-9-]+\.)*amazon(?:\.[a-z]{2,3}){1,2}(?![\w-])|@(?:[a-z0-9-]+\.)*amazon(?:\.[a-z]{2,3}){1,2}(?![\w-])", _I
        ),
        explicit=re.compile(mk["explicit"], _I),
        lang_words={lang: frozenset(w.lower() for w in words) for lang, words in mk["languages"]["words"].items()},
    )


def date_order(marketplace: Marketplace | None) -> str | None:
    """'MDY', 'YMD' or 'DMY': how the marketplace writes numeric dates (None if unknown)."""
    if marketplace is None:
        return None
    mk = _market_rules()
    if marketplace.value in mk.month_first:
        return "MDY"
    if marketplace.value in mk.year_first:
        return "YMD"
    return "DMY"


def _host_market(host: str) -> Marketplace | None:
    mk = _market_rules()
    host = host.lower().lstrip("@").rstrip(".")
    if host in mk.neutral_hosts:
        return None
    if host in mk.host_overrides:
        return Marketplace(mk.host_overrides[host])
    m = _DOMAIN_TAIL_RX.search(host)
    return _DOMAIN_TO_MARKET.get(m.group(0)) if m else None


@functools.lru_cache(maxsize=8)
def latin_share(text: str) -> float:
    """Share of Latin letters; asked twice per notice (kind and language), computed once."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    latin = sum(1 for ch in letters if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"))
    return latin / len(letters)


def script_of(text: str) -> str:
    """The most common non-Latin script among the letters, for an 'unknown language' message."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha() and not ("a" <= ch.lower() <= "z"):
            try:
                name = unicodedata.name(ch).split()[0]
            except ValueError:
                continue
            if name != "LATIN":
                counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__).title() if counts else "unknown"


def detect_language(flat: str) -> str:
    """The notice's main language: 'ja' with kana, 'zh' for Chinese only, else by common words."""
    if _KANA_RX.search(flat):
        return "ja"
    latin = latin_share(flat)
    if has_cjk(flat) and latin < 0.5:
        return "zh"
    mk = _market_rules()
    words = set(_WORD_RX.findall(flat.lower()))
    counts = {lang: len(words & vocab) for lang, vocab in mk.lang_words.items()}
    lang = max(counts, key=counts.__getitem__)
    if counts[lang] < mk.min_language_hits:
        return "en" if latin >= 0.5 else "unknown"
    return lang


def detect_marketplace(flat: str, sender: str | None, language: str) -> tuple[Marketplace | None, list[str]]:
    """Weigh sender domain, Amazon hosts, currency and language; a tie means 'not found'."""
    mk = _market_rules()
    w = mk.weights
    scores: dict[Marketplace, float] = {}
    signals: list[str] = []

    def add(market: Marketplace, weight: float, why: str) -> None:
        scores[market] = scores.get(market, 0.0) + weight
        signals.append(f"{why} → {market.value}")

    explicit = {(next(g for g in m.groups() if g)).lower() for m in mk.explicit.finditer(flat)}
    for host in sorted(explicit):
        market = _host_market(host)
        if market:
            add(market, w["explicit"], f"named in the notice: {host}")
    if sender:
        market = _host_market(sender.split("@", 1)[1])
        if market:
            add(market, w["sender"], f"sender {sender}")
    seen: set[str] = set()
    for m in mk.host.finditer(flat):
        host = m.group(0).lower().lstrip("@")
        if host in seen:
            continue
        seen.add(host)
        market = _host_market(host)
        if market:
            add(market, w["host"], f"site {host}")
    for rx, markets in mk.currency:
        cm = rx.search(flat)
        if cm:
            for market in markets:
                add(market, w["currency"] / len(markets), f"currency {cm.group(0)}")
    for code in mk.language_marketplace.get(language, []):
        market = Marketplace(code)
        add(market, w["language"] / len(mk.language_marketplace[language]), f"language {language}")
    if not scores:
        return None, signals
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and math.isclose(ranked[0][1], ranked[1][1]):
        return None, signals
    return ranked[0][0], signals
