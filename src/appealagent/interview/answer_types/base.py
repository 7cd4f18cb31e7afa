"""The base of every question type: what a strategy answers (parse, show, check, apply) and its plain-text default.

Also the parsing helpers the types share (normalising what a Chinese keyboard types,
dates, yes/no, comma lists) and the Case-writing helpers for keyed lists.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import ClassVar

from pydantic import BaseModel

from appealagent.catalog import patterns
from appealagent.interview.loading import load_common
from appealagent.interview.paths import field_info, list_model, set_path
from appealagent.interview.schema import Answer, Question, QuestionDataError
from appealagent.interview.steps import CaseDraft, Step
from appealagent.interview.wording import ui
from appealagent.model.case import Case, has_cjk

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d.%m.%Y")
SPLIT_RE = patterns.compile(r"[,\s,、;;]+")
ZH_DATE_RE = patterns.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")


def norm(raw: str) -> str:
    """Full-width digits and punctuation folded (NFKC) and the ends trimmed: what a Chinese keyboard types, made plain."""
    return unicodedata.normalize("NFKC", raw).strip()


def parse_date(raw: str) -> str:
    """An ISO date from the usual ways of writing one (2026-03-12, 12 March 2026, 2026年3月12日); ValueError otherwise."""
    text = re.sub(r"\s+", " ", norm(raw).replace(",", " "))
    m = ZH_DATE_RE.fullmatch(text.replace(" ", ""))
    if m:
        text = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(raw)


def parse_yes_no(raw: str) -> bool | None:
    """True for yes, False for no (in any of the words the data lists), None when it is neither."""
    low = norm(raw).lower()
    words = load_common().words
    if low in words.get("yes", []):
        return True
    if low in words.get("no", []):
        return False
    return None


def split_items(raw: str) -> list[str]:
    """Comma-, space- or 、-separated entries, each once, in order."""
    seen: list[str] = []
    for part in SPLIT_RE.split(norm(raw)):
        if part and part not in seen:
            seen.append(part)
    return seen


def translatable(step: Step) -> bool:
    """Whether the answer's Case field has an English twin (`text` → `text_en`)."""
    q = step.q
    if not q.fills:
        return False
    if step.item is not None:
        if not step.item.fills:
            return False
        model = list_model(step.item.fills)
        return f"{q.fills}_en" in model.model_fields or (q.mode == "append" and "text_en" in model.model_fields)
    try:
        owner, name, _inner, _lst = field_info(q.fills)
    except QuestionDataError:
        return False
    return f"{name}_en" in owner.model_fields


class QuestionType:
    """The default strategy: a one-line answer kept as typed and written to the question's `fills` path."""

    takes_options: ClassVar[bool] = False
    """choice and checklist: the question lists options (or `options_from`)."""
    collects_items: ClassVar[bool] = False
    """checklist: every ticked option (and own entry) becomes a list element with its own questions."""
    asked: ClassVar[bool] = True
    """False for notes: shown, never answered, never reviewed."""
    offers_english: ClassVar[bool] = False
    """An answer in Chinese is followed by an offer to give it in English too (when the field has an `_en` twin)."""
    multiline: ClassVar[bool] = False
    hint: ClassVar[str | None] = None
    """The `ui` key of the typing hint shown under the question."""
    empty_error: ClassVar[str] = "required"

    # ---- parsing -----------------------------------------------------------------------------

    def parse(self, q: Question, raw: str) -> Answer:
        """Non-empty typed text → a value; AnswerError when it does not parse."""
        return raw.strip()

    # ---- showing -----------------------------------------------------------------------------

    def to_text(self, q: Question, value: Answer) -> str:
        """The value as the seller would type it: what Enter keeps."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def format(self, q: Question, value: Answer, lang: str) -> str:
        """The value as the review screen shows it."""
        if isinstance(value, bool):
            return ui("word_yes" if value else "word_no", lang)
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    def default_label(self, q: Question, default: str, lang: str) -> str:
        """The default's text in the 'Enter = …' hint."""
        return default

    def hint_key(self, q: Question) -> str | None:
        return self.hint

    def prefill(self, q: Question, value: Answer) -> Answer:
        """A value already in the case, as this question's answer would hold it."""
        return value

    # ---- checking the data -------------------------------------------------------------------

    def check(self, q: Question, root: type[BaseModel]) -> list[str]:
        """Problems with how a question file uses this type: options, the fills path."""
        problems: list[str] = []
        has_options = bool(q.options or q.options_from)
        if self.takes_options and not has_options:
            problems.append(f"{q.id}: a {q.type} needs options or options_from")
        if not self.takes_options and has_options:
            problems.append(f"{q.id}: only choice and checklist questions take options")
        if q.fills:
            try:
                self.check_fills(q, root)
            except QuestionDataError as exc:
                problems.append(f"{q.id}: {exc}")
        return problems

    def check_fills(self, q: Question, root: type[BaseModel]) -> None:
        if q.fills:
            field_info(q.fills, root)

    def check_when(self, q: Question, when: bool | str) -> str | None:
        """What is wrong with a follow-up trigger for this type (None when it can match)."""
        return None

    # ---- writing the case --------------------------------------------------------------------

    def stored(self, q: Question, value: Answer, root: type[BaseModel]) -> Answer:
        """What enters the case for this answer (a choice's English label for a free-text field)."""
        return value

    def apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        """Write the answer into the case draft, noting the paths it wrote."""
        q = step.q
        paths = draft.wrote(step.key)
        if step.item is not None:
            self.apply_to_item(draft, step, value, paths)
            return
        if not q.fills:
            return
        if "[]" in q.fills:
            _apply_keyed_list(q, value, draft, paths)
            return
        paths.append(set_path(draft.data, q.fills, self.stored(q, value, Case)))
        tr = draft.translation(step.key)
        if tr and translatable(step):
            set_path(draft.data, q.fills + "_en", tr)

    def apply_to_item(self, draft: CaseDraft, step: Step, value: Answer, paths: list[str]) -> None:
        """An item question: the answer goes to a field of the ticked item's list element."""
        assert step.item is not None
        where = draft.items.get((step.item.checklist, step.item.key))
        q = step.q
        if where is None or not q.fills:
            return
        list_name, idx = where
        elem = draft.data[list_name][idx]
        tr = draft.translation(step.key)
        if q.mode == "append":
            if value and isinstance(value, str):
                _append_to_text(elem, value, tr)
                paths.append(f"{list_name}[{idx}].text")
            return
        model = list_model(list_name)
        stored = self.stored(q, value, model)
        if stored is None:
            elem.pop(q.fills, None)
        else:
            elem[q.fills] = stored
        paths.append(f"{list_name}[{idx}].{q.fills}")
        if tr and f"{q.fills}_en" in model.model_fields:
            elem[f"{q.fills}_en"] = tr


def _append_to_text(elem: dict[str, object], value: str, tr: str | None) -> None:
    """mode append: the specifics join the item's text (and its English twin when both sides have English)."""
    text = str(elem.get("text", ""))
    en = elem.get("text_en")
    en_base = en if isinstance(en, str) and en else (text if not has_cjk(text) else None)
    elem["text"] = f"{text}{':' if has_cjk(text) else ': '}{value}"
    if has_cjk(str(elem["text"])):
        spec_en = tr or (value if not has_cjk(value) else None)
        if en_base and spec_en:
            elem["text_en"] = f"{en_base}: {spec_en}"
        else:
            elem.pop("text_en", None)


def _apply_keyed_list(q: Question, value: Answer, draft: CaseDraft, paths: list[str]) -> None:
    """`asins[].asin`: one list element per entry, keeping what a prefilled element already held."""
    list_name, key = (q.fills or "").split("[].")
    data = draft.data
    existing = data.get(list_name) or []
    if list_name not in draft.touched:
        old = {e.get(key): e for e in existing if isinstance(e, dict)}
        data[list_name] = []
        draft.touched.add(list_name)
    else:
        old = {}
    lst = data[list_name]
    for v in value if isinstance(value, list) else []:
        idx = next((i for i, e in enumerate(lst) if e.get(key) == v), None)
        if idx is None:
            lst.append({**old.get(v, {}), key: v})
            idx = len(lst) - 1
        for k, extra in q.extra.items():
            lst[idx].setdefault(k, extra)
        paths.append(f"{list_name}[{idx}]")
