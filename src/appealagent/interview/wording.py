"""The interview's own wording in the seller's language: prompts, notes and error messages from _common.yaml.

Only the display layer and the CLI speak to the seller, so only they call these; the
flow and the answer types name a message by its key.
"""

from __future__ import annotations

import re

from appealagent.interview.loading import load_common


def ui(key: str, lang: str, **kwargs: str | int) -> str:
    """The interview's own wording (prompts, notes) in the interview language."""
    text = load_common().ui[key].get(lang)
    return text.format(**kwargs) if kwargs else text


def error_text(key: str, lang: str, **kwargs: str | int) -> str:
    """Why an answer was refused, from the `errors` table."""
    text = load_common().errors[key].get(lang)
    return text.format(**kwargs) if kwargs else text


def translate_reason(message: str, lang: str) -> str:
    """A Case-model validation message in the interview language (English stays as the model wrote it)."""
    if lang != "zh":
        return message
    for rule in load_common().validation_zh:
        m = re.search(rule.match, message)
        if m:
            return rule.zh.format(*([m.group(0)] + list(m.groups())))
    return message


def label(table: str, value: str, lang: str) -> str | None:
    """A value's label from a `labels` table (evidence kinds, metrics…), or None when it has none."""
    bi = load_common().labels.get(table, {}).get(value)
    return bi.get(lang) if bi else None
