"""The warnings shown before anything else about a notice: possible phishing, a passed or close deadline.

`appealagent intake` and the interview's notice summary both print these first, in the
seller's language (English or Chinese), from data/intake/warnings.yaml.
"""

from __future__ import annotations

from appealagent.intake.data import rule_file
from appealagent.intake.model import IntakeResult


def _say(key: str, lang: str, **values: object) -> str:
    table = rule_file("warnings")[key]
    return str(table.get(lang) or table["en"]).format(**values)


def notice_warnings(result: IntakeResult, lang: str = "en") -> list[str]:
    """Phishing first (with its signs), then the deadline when it has passed or is close."""
    lines: list[str] = []
    ph = result.phishing
    if ph.suspected:
        advice = ph.advice_zh if lang == "zh" and ph.advice_zh else ph.advice
        lines.append(_say("phishing", lang, advice=advice or ""))
        lines.extend(_say("sign", lang, sign=sign) for sign in (ph.signs_zh if lang == "zh" and ph.signs_zh else ph.signs))
    status = result.found.get("deadline_status")
    left = result.found.get("deadline_days_left")
    date = result.found.get("deadline")
    if status == "passed" and left is not None:
        lines.append(_say("deadline_passed", lang, date=date, days=-left))
    elif status == "close" and left is not None:
        lines.append(_say("deadline_close", lang, date=date, days=left))
    return lines
