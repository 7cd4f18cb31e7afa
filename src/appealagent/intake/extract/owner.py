"""The rights owner a complaint names: name, e-mail, brand and registration number.

Labelled fields first ('Rights owner: …'), then a sentence ('contact the rights owner, Acme,
at ip@acme.example'), then the first non-Amazon address after a mention of the rights owner —
each fallback is noted, so the reviewer knows which values were inferred.
"""

from __future__ import annotations

from appealagent.catalog import patterns
from appealagent.facts.emails import email_key, emails
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.ids import labelled
from appealagent.intake.labels import extraction, is_masked
from appealagent.intake.model import RightsOwnerFound

_AMAZON_ADDRESS_RX = patterns.compile(r"@(?:[\w-]+\.)*amazon\.", _I)
_FIELDS = (("rights_owner_name", "name"), ("rights_owner_email", "email"), ("brand", "brand"), ("ip_reference", "ip_reference"))


def find_rights_owner(text: NoticeText, exclude_emails: set[str]) -> tuple[RightsOwnerFound, list[str], list[str]]:
    """Name, e-mail, brand and registration the complaint names; notes say how each was found;
    masked registration numbers come back apart."""
    x = extraction()
    owner: dict[str, str] = {}
    notes: list[str] = []
    masked: list[str] = []
    for key, field_name in _FIELDS:
        values = labelled(text.label_lines, key)
        if not values:
            continue
        value = values[0]
        if field_name == "name":
            em = next(emails(value), None)
            if em:
                owner.setdefault("email", em.text)
                value = value[: em.start].strip(" (<,;-")
            if not value:
                continue
        if field_name == "email":
            em = next(emails(value), None)
            if not em:
                continue
            value = em.text
        if field_name == "ip_reference":
            if is_masked(value):
                masked.append(value)
                continue
            vm = x.value["ip_reference"].search(value)
            value = vm.group(0).strip() if vm else value
        owner.setdefault(field_name, value[:200])
    if "name" not in owner or "email" not in owner:
        for rx in x.owner_inline:
            m = rx.search(text.flat)
            if m:
                owner.setdefault("name", m.group("name").strip())
                owner.setdefault("email", m.group("email"))
                break
    if "email" not in owner:
        for mention in x.owner_mention.finditer(text.flat):
            window = text.flat[mention.end() : mention.end() + x.owner_email_reach]
            for em in emails(window):
                address = em.text
                if email_key(address) in exclude_emails or _AMAZON_ADDRESS_RX.search(address):
                    continue
                owner["email"] = address
                notes.append("rights_owner.email: the first non-Amazon address after the rights owner is mentioned")
                break
            if "email" in owner:
                break
    return RightsOwnerFound(**owner), notes, masked  # type: ignore[typeddict-item]
