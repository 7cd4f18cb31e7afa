"""Question types, one strategy each: parse what the seller typed, show it back, and write it into the case.

`REGISTRY` maps a question file's `type:` to its strategy, so a new type is one class
and one line there. Everything type-specific lives here; the flow, the plan checks and
the display ask the strategy (`strategy_for(q)`) and never test `q.type` themselves.

Parsing only turns text into a value (a date, a number, a list); whether the value is
acceptable is the Case model's judgement, made by the flow on the whole case.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import ClassVar

from pydantic import BaseModel

from appealagent.interview.loading import load_common, options_for
from appealagent.interview.paths import field_info, is_enum_target, list_model, set_path
from appealagent.interview.schema import Answer, Option, Question, QuestionDataError
from appealagent.interview.steps import AnswerError, CaseDraft, Step
from appealagent.interview.wording import ui
from appealagent.model.case import Case, has_cjk

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d.%m.%Y")
SPLIT_RE = re.compile(r"[,\s,、;;]+")
LINES_RE = re.compile(r"[\n;;]")
ZH_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")


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


class TextType(QuestionType):
    """Free text; `english_only` refuses Chinese for what enters the English letter as typed."""

    offers_english = True

    def parse(self, q: Question, raw: str) -> Answer:
        text = raw.strip()
        if q.english_only and has_cjk(text):
            raise AnswerError("english_only")
        return text


class EmailType(TextType):
    """An e-mail address (the Case model checks its form)."""

    offers_english = False


class DateType(QuestionType):
    hint = "hint_date"

    def parse(self, q: Question, raw: str) -> Answer:
        try:
            return parse_date(raw)
        except ValueError:
            raise AnswerError("not_date", value=raw.strip()) from None


class PercentageType(QuestionType):
    """A percentage: '7.8', '7,8 %'."""

    def parse(self, q: Question, raw: str) -> Answer:
        num = norm(raw).rstrip("%").strip()
        if re.fullmatch(r"-?\d+,\d+", num):
            num = num.replace(",", ".")
        try:
            return float(num)
        except ValueError:
            raise AnswerError("not_number", value=raw.strip()) from None


class NumberType(QuestionType):
    """A whole number ('1,200' allowed)."""

    def parse(self, q: Question, raw: str) -> Answer:
        num = norm(raw).replace(",", "")
        if not re.fullmatch(r"-?\d+", num):
            raise AnswerError("not_whole_number", value=raw.strip())
        return int(num)


class YesNoType(QuestionType):
    hint = "hint_yes_no"

    def parse(self, q: Question, raw: str) -> Answer:
        answer = parse_yes_no(raw)
        if answer is None:
            raise AnswerError("yes_no")
        return answer

    def default_label(self, q: Question, default: str, lang: str) -> str:
        return ui("word_yes" if default == "yes" else "word_no", lang)

    def check_when(self, q: Question, when: bool | str) -> str | None:
        return None if isinstance(when, bool) else f"{q.id}: follow-up when {when!r} must be true or false"


class AsinListType(QuestionType):
    """ASINs separated by commas or spaces, upper-cased."""

    def parse(self, q: Question, raw: str) -> Answer:
        return [p.upper() for p in split_items(raw)]


class OrderListType(QuestionType):
    """Order IDs separated by commas or spaces."""

    def parse(self, q: Question, raw: str) -> Answer:
        return split_items(raw)


class ListType(QuestionType):
    """Entries one per line (or separated by ;)."""

    multiline = True
    hint = "hint_list"

    def parse(self, q: Question, raw: str) -> Answer:
        lines = [norm(line) for line in LINES_RE.split(raw)]
        return [line for line in lines if line]

    def to_text(self, q: Question, value: Answer) -> str:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return super().to_text(q, value)

    def default_label(self, q: Question, default: str, lang: str) -> str:
        return "; ".join(default.splitlines())


class NoteType(QuestionType):
    """Advice shown at its place in the flow; nothing is asked or stored in the case."""

    asked = False

    def apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        draft.wrote(step.key)


class _OptionsType(QuestionType):
    takes_options = True

    def format(self, q: Question, value: Answer, lang: str) -> str:
        labels = {o.value: o.label(lang) for o in options_for(q)}
        vals = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(str(v), str(v)) for v in vals)

    def check(self, q: Question, root: type[BaseModel]) -> list[str]:
        problems = super().check(q, root)
        values = {o.value for o in options_for(q)}
        for fu in q.follow_ups:
            for w in fu.when if isinstance(fu.when, list) else [fu.when]:
                if w not in values:
                    problems.append(f"{q.id}: follow-up when {w!r} is not an option value")
        return problems


class ChoiceType(_OptionsType):
    """One option by number, value or label; with `other`, a typed answer of the seller's own."""

    def parse(self, q: Question, raw: str) -> Answer:
        opts = options_for(q)
        text = norm(raw)
        if text.isdigit():
            n = int(text)
            if 1 <= n <= len(opts):
                return opts[n - 1].value
            raise AnswerError("choose_one", n=len(opts))
        for o in opts:
            if text.lower() in (o.value.lower(), o.en.lower(), o.zh.lower()):
                return o.value
        if q.other:
            if q.english_only and has_cjk(text):
                raise AnswerError("english_only")
            return text
        raise AnswerError("choose_one", n=len(opts))

    def hint_key(self, q: Question) -> str | None:
        return "hint_choice_other" if q.other else "hint_choice"

    def default_label(self, q: Question, default: str, lang: str) -> str:
        opt = next((o for o in options_for(q) if o.value == default), None)
        return opt.label(lang) if opt else default

    def prefill(self, q: Question, value: Answer) -> Answer:
        return next((o.value for o in options_for(q) if o.value == value or o.en == value), value)

    def stored(self, q: Question, value: Answer, root: type[BaseModel]) -> Answer:
        opt = next((o for o in options_for(q) if o.value == value), None)
        if opt is None or not q.fills or is_enum_target(q.fills, root):
            return value
        return opt.en

    def apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        if step.item is None:
            opt = next((o for o in options_for(step.q) if o.value == value), None)
            paths = draft.wrote(step.key)
            for path, v in (opt.sets if opt else {}).items():
                paths.append(set_path(draft.data, path, v))
        super().apply(draft, step, value)


class ChecklistType(_OptionsType):
    """Options ticked by number ('1,3'; 0 for none); each becomes an element of the `fills` list, with its own questions."""

    collects_items = True
    hint = "hint_checklist"
    empty_error = "at_least_one"

    def parse(self, q: Question, raw: str) -> Answer:
        opts = options_for(q)
        chosen: list[str] = []
        tokens = split_items(raw)
        if tokens == ["0"] or (len(tokens) == 1 and tokens[0].lower() in load_common().words.get("none", [])):
            if q.required and not q.other:
                raise AnswerError("at_least_one")
            return []
        for tok in tokens:
            if tok == "0":
                raise AnswerError("none_with_others")
            if tok.isdigit() and 1 <= int(tok) <= len(opts):
                value = opts[int(tok) - 1].value
            else:
                found = next((o.value for o in opts if o.value == tok), None)
                if found is None:
                    raise AnswerError("choose_numbers", value=tok, n=len(opts))
                value = found
            if value not in chosen:
                chosen.append(value)
        order = [o.value for o in opts]
        return sorted(chosen, key=order.index)

    def to_text(self, q: Question, value: Answer) -> str:
        order = [o.value for o in options_for(q)]
        nums = [str(order.index(v) + 1) for v in (value if isinstance(value, list) else []) if v in order]
        return ",".join(nums) if nums else "0"

    def check_fills(self, q: Question, root: type[BaseModel]) -> None:
        if q.fills:
            list_model(q.fills)
            if q.fills not in load_common().items:
                raise QuestionDataError(f"no `items` entry in _common.yaml for {q.fills}")

    def apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        q = step.q
        if step.item is not None or not q.fills:
            super().apply(draft, step, value)
            return
        draft.wrote(step.key)
        list_name = q.fills
        cfg = load_common().items[list_name]
        model = list_model(list_name)
        if list_name not in draft.touched:
            draft.data[list_name] = []
            draft.touched.add(list_name)
        lst = draft.data[list_name]
        own_key = f"{step.key}.own"
        ticked = value if isinstance(value, list) else []
        entries: list[tuple[str, dict[str, object], str]] = [
            (opt.value, _option_element(opt, model, draft.lang), step.key) for opt in options_for(q) if opt.value in ticked
        ]
        own = draft.answers.get(own_key)
        for i, text in enumerate(own if isinstance(own, list) else []):
            entries.append((f"own{i + 1}", _own_element(text, model, draft.translation(f"{step.key}.own{i + 1}")), own_key))
        for item_key, elem, source in entries:
            if cfg.id_prefix:
                taken = {e.get("id") for e in lst}
                n = len(lst) + 1
                while f"{cfg.id_prefix}{n}" in taken:
                    n += 1
                elem = {"id": f"{cfg.id_prefix}{n}", **elem}
            lst.append(elem)
            draft.items[(step.key, item_key)] = (list_name, len(lst) - 1)
            draft.wrote(source).append(f"{list_name}[{len(lst) - 1}]")


def _option_element(opt: Option, model: type[BaseModel], lang: str) -> dict[str, object]:
    elem: dict[str, object] = {}
    if "text" in model.model_fields:
        if lang == "zh":
            elem["text"], elem["text_en"] = opt.zh, opt.en
        else:
            elem["text"] = opt.en
    if "kind" in model.model_fields:
        elem["kind"] = opt.kind.value if opt.kind else opt.value
        elem["description"] = opt.en  # names the document in the letter, which is English
    return elem


def _own_element(text: str, model: type[BaseModel], tr: str | None) -> dict[str, object]:
    elem: dict[str, object] = {}
    if "text" in model.model_fields:
        elem["text"] = text
        if tr:
            elem["text_en"] = tr
    if "kind" in model.model_fields:
        elem["kind"] = "other"
        elem["description"] = text
    return elem


REGISTRY: dict[str, QuestionType] = {
    "text": TextType(),
    "email": EmailType(),
    "date": DateType(),
    "percentage": PercentageType(),
    "number": NumberType(),
    "yes_no": YesNoType(),
    "asin_list": AsinListType(),
    "order_list": OrderListType(),
    "list": ListType(),
    "note": NoteType(),
    "choice": ChoiceType(),
    "checklist": ChecklistType(),
}


def strategy_for(q: Question) -> QuestionType:
    """The strategy for a question's type; an unknown type is a bug in the question file."""
    try:
        return REGISTRY[q.type]
    except KeyError:
        raise QuestionDataError(f"{q.id}: unknown question type {q.type!r} (known: {', '.join(REGISTRY)})") from None
