"""Question types with options: a choice (one option, or the seller's own words) and a checklist (items with their own questions)."""

from __future__ import annotations

from pydantic import BaseModel

from appealagent.interview.answer_types.base import QuestionType, norm, split_items
from appealagent.interview.loading import load_common, options_for
from appealagent.interview.paths import is_enum_target, list_model, set_path
from appealagent.interview.schema import Answer, Option, Question, QuestionDataError
from appealagent.interview.steps import AnswerError, CaseDraft, Step
from appealagent.model.case import has_cjk


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
