"""The seller's details a notice gives away: store name (from Amazon's greeting), merchant token, recipient, subject."""

from __future__ import annotations

import re
from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.facts.emails import emails
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.ids import labelled
from appealagent.intake.headers import Header
from appealagent.intake.labels import extraction

# "Hello from Amazon," "Dear Amazon User,": not a store name. A store is named only by itself.
_NOT_A_NAME_RX = patterns.compile(r"\d{3}|@|^from\b|\bamazon\b", re.IGNORECASE)
_SUBJECT_PREFIX_RX = patterns.compile(r"^(?:\[[^\]]{1,20}\]\s*|(?:Re|Fwd?|FW|AW|WG|TR|回复|转发)\s*[:：]\s*)+", _I)


class SellerDetails(NamedTuple):
    """What the notice says about the seller it was sent to."""

    store_name: str | None
    merchant_token: str | None
    subject: str | None
    recipient_email: str | None


def find_seller_details(text: NoticeText, main: Header | None, is_notice: bool) -> SellerDetails:
    """Store name from Amazon's greeting, merchant token, recipient address and the subject line."""
    x = extraction()
    store_name = None
    first = main.line if main and main.from_amazon else 0
    if not is_notice:
        first = len(text.lines)  # a buyer's or a newsletter's greeting does not name the seller
    for line in text.lines[first : first + 60]:
        gm = x.greeting.match(line.strip())
        if gm:
            name = gm.group("name").strip()
            if name.lower() not in x.generic_salutations and not _NOT_A_NAME_RX.search(name):
                store_name = name
            break
    tokens = [t for v in labelled(text.label_lines, "merchant_token") for t in x.value["merchant_token"].findall(v)]
    recipient = None
    if main and main.fields.get("to"):
        em = next(emails(main.fields["to"]), None)
        if em:
            recipient = em.text
    subject = None
    if main and main.fields.get("subject"):
        subject = _SUBJECT_PREFIX_RX.sub("", main.fields["subject"])
    return SellerDetails(store_name, tokens[0] if tokens else None, subject, recipient)
