"""The patterns of data/intake/extraction.yaml, compiled once: labels, IDs, headers, greetings.

Several steps read them (joining wrapped lines, tables, headers, the extractors), so they are
compiled in one place, on first use, into one typed bundle.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import alternation, rule_file


class Extraction(NamedTuple):
    """extraction.yaml's patterns, compiled; the raw file stays at hand for plain values."""

    raw: dict[str, object]
    asin: re.Pattern[str]
    asin_isbn_labelled: re.Pattern[str]
    asin_masked: re.Pattern[str]
    order_id: re.Pattern[str]
    order_id_masked: re.Pattern[str]
    complaint_inline: re.Pattern[str]
    mask: re.Pattern[str]
    label: dict[str, re.Pattern[str]]
    title_labels: str
    cell_label: re.Pattern[str]
    cell_title: re.Pattern[str]
    any_label: re.Pattern[str]
    value: dict[str, re.Pattern[str]]
    owner_inline: tuple[re.Pattern[str], ...]
    owner_mention: re.Pattern[str]
    owner_email_reach: int
    greeting: re.Pattern[str]
    generic_salutations: frozenset[str]
    header: re.Pattern[str]
    header_key: dict[str, str]
    forward: re.Pattern[str]
    reply: re.Pattern[str]
    date_label: re.Pattern[str]


@functools.cache
def extraction() -> Extraction:
    """extraction.yaml, compiled on first use."""
    x = rule_file("extraction")
    ids = x["ids"]
    labels: dict[str, list[str]] = x["labels"]
    every_label = [lab for group in labels.values() for lab in group]
    header_labels = [lab for group in x["headers"].values() for lab in group]
    return Extraction(
        raw=x,
        asin=re.compile(ids["asin"], _I),
        asin_isbn_labelled=re.compile(ids["asin_isbn_labelled"], _I),
        asin_masked=re.compile(ids["asin_masked"]),
        order_id=re.compile(ids["order_id"]),
        order_id_masked=re.compile(ids["order_id_masked"]),
        complaint_inline=re.compile(x["complaint_inline"], _I),
        mask=re.compile(f"[{re.escape(ids['mask_chars'])}]{{{int(ids['min_mask_chars'])},}}"),
        label={
            key: re.compile(r"^\s*[*_]*\s*" + alternation(group) + r"\s*[*_]*\s*[:：#]\s*(?P<v>.*?)\s*$", _I)
            for key, group in labels.items()
        },
        title_labels=alternation(labels["title"]),
        cell_label=re.compile(alternation(["ASINs?", *every_label]), _I),
        cell_title=re.compile(alternation(labels["title"]), _I),
        any_label=re.compile(r"\b" + alternation(every_label) + r"\s*[:：]", _I),
        value={k: re.compile(p) for k, p in x["values"].items()},
        owner_inline=tuple(re.compile(p, _I) for p in x["rights_owner_inline"]),
        owner_mention=re.compile(x["rights_owner_mention"], _I),
        owner_email_reach=int(x["rights_owner_email_reach"]),
        greeting=re.compile(x["greeting"], _I),
        generic_salutations=frozenset(x["generic_salutations"]),
        header=re.compile(
            r"^\s*[*_]*\s*(?P<label>" + alternation(header_labels) + r")\s*[*_]*\s*[:：]\s*(?P<v>.*?)\s*$",
            _I,
        ),
        header_key={lab.lower(): key for key, group in x["headers"].items() for lab in group},
        forward=re.compile(alternation(x["forward_markers"]), _I),
        reply=re.compile(x["reply_line"], _I),
        date_label=re.compile(r"^\s*" + alternation(x["date_labels"]) + r"\s*[:：]\s*(?P<v>.+?)\s*$", _I),
    )


def is_masked(value: str) -> bool:
    """A value with a run of mask characters (B0XXXXXXXX, 111-*******-*******)."""
    return bool(extraction().mask.search(value))
