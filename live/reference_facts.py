"""Author style: could the model copy another seller's facts? Counts the facts of each retrieved reference
letter that the case does not hold, and how many of them reach the author's request (masked, they must not).

For each author case of live/subset.yaml: the three letters the author retrieves, their specifics read by the
shared facts layer (ASINs, order IDs, e-mails, dates, references, percentages, times, numbers) plus their
store and company names, minus those the case itself holds; then the exact request body the author would
send (`appealagent draft --dry-run --style author`) is built and the reference letters in it searched for
each one, as a whole word.

Run: python live/reference_facts.py EVALSET_DIR   (prints a Markdown table)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from appealagent.engines.author.request import build_request
from appealagent.engines.examples import retrieve_letters
from appealagent.facts.case_facts import CaseFacts
from appealagent.facts.scan import scan
from appealagent.model.case import Case
from appealagent.redact import Redactor
from appealagent.settings import load_settings


def foreign_facts(letter: str, facts: CaseFacts) -> list[str]:
    """The specifics of a reference letter that the case does not hold (what copying would bring in)."""
    found, _ = scan(letter)
    out = [f.text for f in found if not facts.supports(f) and len(f.text) >= 2]
    return list(dict.fromkeys(out))


def main(evalset: Path) -> None:
    settings = load_settings(use_config_file=False, style="author", base_url="http://127.0.0.1:9/v1")
    print("| case | reference letters | their facts the case does not hold | of those in the author's request |")
    print("|---|---|---:|---:|")
    for case_dir in sorted((evalset / "cases").iterdir()):
        case = Case.model_validate_json((case_dir / "case.json").read_text(encoding="utf-8"))
        letters, _ = retrieve_letters(case, settings.examples)
        facts = CaseFacts(case)
        foreign = list(dict.fromkeys(f for letter in letters for f in foreign_facts(letter["text"], facts)))
        build = build_request(case, settings, Redactor.for_case(case, enabled=settings.redact), letters)
        prompt = "\n".join(m["content"] for m in build.body["messages"])
        shown = "\n".join(re.findall(r"<letter\b.*?</letter>", prompt, re.S))  # the reference letters as the model sees them
        leaked = [f for f in foreign if re.search(rf"(?<![\w.,]){re.escape(f)}(?![\w]|[.,]\d)", shown)]
        print(f"| {case_dir.name} | {', '.join(ref['id'] for ref in letters)} | {len(foreign)} | {len(leaked)}{': ' + ', '.join(leaked[:8]) if leaked else ''} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
