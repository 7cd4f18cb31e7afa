"""The interview's question sets: YAML flows under data/questions/, loaded and checked against the Case model.

Question flows are data so that a consultant can add a cause, reword a question or
translate it without touching the flow engine. Every `fills` path is resolved
against the `Case` model when a set is loaded, so a typo in a data file fails the
test suite instead of silently dropping a seller's answer.

Files:
- `_common.yaml`: the questions every interview asks first (`start`) and last
  (`end`), the per-item questions for checklists (`items`), shared option lists
  (`option_lists`), labels and the interview's own wording (`ui`, `errors`).
- `<name>.yaml`: one set per violation type (or several types), `questions:` asked
  between `start` and `end`; `extends:` another set to ask its questions first.
- `generic.yaml`: the fallback for any type without its own set.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from functools import cache
from typing import Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from appealagent.model.case import Case, EvidenceKind, MetricName, ViolationType
from appealagent.paths import package_data_dir

QType = Literal[
    "text", "choice", "checklist", "date", "percentage", "number",
    "asin_list", "order_list", "email", "yes_no", "list", "note",
]
LIST_TYPES = {"asin_list", "order_list", "list"}
QUESTIONS_DIR = "questions"
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Bi(_Strict):
    """A text in English and Chinese; both are required so no seller meets a half-translated question."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Option(_Strict):
    value: str
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    kind: EvidenceKind | None = Field(None, description="For evidence checklists: the EvidenceKind (default: value).")
    sets: dict[str, Any] = Field(default_factory=dict, description="Case paths this choice sets, e.g. {route: in_error}.")

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Need(_Strict):
    """Evidence a violation type needs: one of `any_of` kinds, optionally no older than `max_age_days` before the notice."""

    any_of: list[EvidenceKind] = Field(min_length=1)
    en: str
    zh: str
    max_age_days: int | None = Field(None, ge=1)


class FollowUp(_Strict):
    when: bool | str | list[str] = Field(description="The answer (yes/no, an option value, or any of several) that triggers `ask`.")
    ask: list[Question] = Field(min_length=1)


class Question(_Strict):
    id: str
    type: QType
    text: Bi
    help: Bi | None = None
    fills: str | None = Field(None, description="Case path the answer goes to (relative to the item for item questions).")
    required: bool = True
    default: Any = None
    options: list[Option] = Field(default_factory=list)
    options_from: str | None = Field(None, description="A shared option list from _common.yaml option_lists, or an enum: violation_type, marketplace, language.")
    other: bool = Field(False, description="choice: a typed answer is allowed; checklist: the seller may add items in their own words.")
    english_only: bool = Field(False, description="The answer enters the English letter as typed, so Chinese characters are refused.")
    mode: Literal["set", "append"] = Field("set", description="append: add the answer to the item's text (specifics of an action).")
    extra: dict[str, Any] = Field(default_factory=dict, description="Fields set on each element a list answer creates.")
    each: list[Question] | None = Field(None, description="Questions asked for every ticked item (default: _common items for the filled list).")
    needs: list[Need] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("must be lower-case letters, digits and underscores, starting with a letter")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.type in {"choice", "checklist"} and not self.options and not self.options_from:
            raise ValueError(f"{self.id}: a {self.type} needs options or options_from")
        if self.type not in {"choice", "checklist"} and (self.options or self.options_from):
            raise ValueError(f"{self.id}: only choice and checklist questions take options")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError(f"{self.id}: duplicate option values")
        return self

    def label(self, lang: str) -> str:
        return self.text.get(lang)


class QuestionSet(_Strict):
    id: str
    violation_types: list[ViolationType] = Field(default_factory=list)
    extends: str | None = None
    metric: MetricName | None = Field(None, description="Fills {metric} and {metric_label} in an extended performance set.")
    questions: list[Question] = Field(default_factory=list)


class ItemConfig(_Strict):
    """How a checklist answer becomes list elements of one Case field."""

    id_prefix: str | None = None
    questions: list[Question] = Field(default_factory=list)


class Common(_Strict):
    start: list[Question]
    end: list[Question]
    items: dict[str, ItemConfig]
    option_lists: dict[str, list[Option]] = Field(default_factory=dict)
    labels: dict[str, dict[str, Bi]] = Field(default_factory=dict)
    ui: dict[str, Bi] = Field(default_factory=dict)
    errors: dict[str, Bi] = Field(default_factory=dict)
    validation_zh: list[dict[str, str]] = Field(default_factory=list, description="Regex → Chinese for the Case model's messages.")


class QuestionDataError(Exception):
    """A broken question file: a bug in shipped data, so it is raised, not shown as user input error."""


# ---------------------------------------------------------------------------------------------
# Case paths: "seller.login_email", "asins[].asin", "metrics[name=late_shipment_rate].value"

SEGMENT_RE = re.compile(r"^([a-z_][a-z0-9_]*)(\[\]|\[([a-z_]+)=([A-Za-z0-9_.-]+)\])?$")


def parse_path(path: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """Split a fills path into (field, selector, key, key_value) segments; selector is None, '[]' or '[k=v]'."""
    out = []
    for part in path.split("."):
        m = SEGMENT_RE.match(part)
        if not m:
            raise QuestionDataError(f"fills path {path!r}: bad segment {part!r}")
        out.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    return out


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The model/type inside Optional[...] / list[...] / Annotated[...], and whether a list was crossed."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list:
            is_list = True
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, is_list


def field_info(path: str, root: type[BaseModel] = Case) -> tuple[type[BaseModel], str, Any, bool]:
    """(owning model, field name, inner type, is a list) for a fills path; raises QuestionDataError when it does not exist."""
    model: type[BaseModel] = root
    segments = parse_path(path)
    for i, (name, selector, key, _value) in enumerate(segments):
        if name not in model.model_fields:
            raise QuestionDataError(f"fills path {path!r}: {model.__name__} has no field {name!r}")
        inner, is_list = _unwrap(model.model_fields[name].annotation)
        last = i == len(segments) - 1
        if last:
            if selector:
                raise QuestionDataError(f"fills path {path!r}: a selector needs a field after it")
            return model, name, inner, is_list
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise QuestionDataError(f"fills path {path!r}: {name!r} is not a nested model")
        if bool(selector) != is_list:
            raise QuestionDataError(f"fills path {path!r}: {name!r} {'needs' if is_list else 'takes no'} a list selector")
        if key and key not in inner.model_fields:
            raise QuestionDataError(f"fills path {path!r}: {inner.__name__} has no key field {key!r}")
        model = inner
    raise QuestionDataError(f"fills path {path!r}: empty")


def list_model(field: str) -> type[BaseModel]:
    """The element model of a list field of Case (root_causes → RootCause)."""
    _owner, _name, inner, is_list = field_info(field)
    if not is_list or not (isinstance(inner, type) and issubclass(inner, BaseModel)):
        raise QuestionDataError(f"{field!r} is not a list of models on Case")
    return inner


# ---------------------------------------------------------------------------------------------
# Loading


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster at start-up


@cache
def _read_cached(name: str) -> Any:
    path = package_data_dir() / QUESTIONS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise QuestionDataError(f"question set {name!r} not found ({path})")
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


def _read(name: str) -> Any:
    return copy.deepcopy(_read_cached(name))


@cache
def load_common() -> Common:
    try:
        return Common.model_validate(_read("_common"))
    except ValidationError as exc:
        raise QuestionDataError(f"_common.yaml: {exc}") from None


def set_names() -> list[str]:
    """Every question set file except the shared ones (names starting with '_' may be extended, not chosen)."""
    folder = package_data_dir() / QUESTIONS_DIR
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.stem.startswith("_"))


def _substitute(obj: Any, mapping: dict[str, str]) -> Any:
    if isinstance(obj, str):
        for k, v in mapping.items():
            obj = obj.replace("{" + k + "}", v)
        return obj
    if isinstance(obj, list):
        return [_substitute(x, mapping) for x in obj]
    if isinstance(obj, dict):
        return {k: _substitute(v, mapping) for k, v in obj.items()}
    return obj


def _merge(base: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Base questions in base order; an own question with a base id overrides its keys in place. A new
    question is asked right before the override that follows it in the file, or, when no override
    follows, before all the base questions (type questions come before the plan they lead to)."""
    result = [dict(q) for q in base]
    pending: list[dict[str, Any]] = []
    for q in own:
        ids = [r.get("id") for r in result]
        if q.get("id") in ids:
            idx = ids.index(q["id"])
            result[idx] = {**result[idx], **q}
            result[idx:idx] = pending
            pending = []
        else:
            pending.append(q)
    return pending + result


def _raw_questions(name: str, seen: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    if name in seen:
        raise QuestionDataError(f"{name}.yaml: extends itself through {' → '.join(seen)}")
    raw = _read(name) or {}
    own = list(raw.get("questions") or [])
    if raw.get("extends"):
        return _merge(_raw_questions(raw["extends"], seen + (name,)), own)
    return own


@cache
def load_set(name: str) -> QuestionSet:
    """One set with its `extends` chain merged and the {metric}/{metric_label} placeholders filled."""
    raw = dict(_read(name) or {})
    questions = _raw_questions(name)
    metric = raw.get("metric")
    if metric:
        label = load_common().labels.get("metric", {}).get(metric)
        questions = _substitute(questions, {"metric": metric})
        if label:
            for q in questions:
                for field in ("text", "help"):
                    if isinstance(q.get(field), dict):
                        q[field] = {lang: t.replace("{metric_label}", getattr(label, lang, t)) for lang, t in q[field].items()}
    raw["questions"] = questions
    raw.pop("extends", None)
    try:
        return QuestionSet.model_validate(raw)
    except ValidationError as exc:
        raise QuestionDataError(f"{name}.yaml: {exc}") from None


@cache
def set_index() -> dict[str, str]:
    """violation type value → set name."""
    index: dict[str, str] = {}
    for name in set_names():
        for vt in load_set(name).violation_types:
            if vt.value in index:
                raise QuestionDataError(f"{vt.value} has two question sets: {index[vt.value]} and {name}")
            index[vt.value] = name
    return index


def set_for(violation_type: str | None) -> QuestionSet:
    """The set for a violation type, or the generic set when the type has none of its own."""
    name = set_index().get(violation_type or "", "generic")
    return load_set(name)


# ---------------------------------------------------------------------------------------------
# Options and validation of the data


def options_for(q: Question) -> list[Option]:
    """The question's options, with `options_from` expanded from shared lists or enums."""
    if q.options:
        return q.options
    if not q.options_from:
        return []
    common = load_common()
    if q.options_from in common.option_lists:
        return common.option_lists[q.options_from]
    labels = common.labels.get(q.options_from)
    if labels is None:
        raise QuestionDataError(f"{q.id}: options_from {q.options_from!r} is neither an option list nor a label table")
    return [Option(value=value, en=bi.en, zh=bi.zh) for value, bi in labels.items()]


def item_questions(q: Question) -> list[Question]:
    """What is asked for each ticked item of a checklist."""
    if q.each is not None:
        return q.each
    cfg = load_common().items.get(q.fills or "")
    return cfg.questions if cfg else []


def _walk(questions: list[Question], ctx: str | None) -> typing.Iterator[tuple[Question, str | None]]:
    """Every question with the list field its `fills` is relative to (None = Case)."""
    for q in questions:
        yield q, ctx
        for fu in q.follow_ups:
            yield from _walk(fu.ask, ctx)
        if q.type == "checklist" and q.fills:
            yield from _walk(item_questions(q), q.fills)


def check_question(q: Question, ctx: str | None) -> list[str]:
    """Problems with one question: its fills path, option sets and follow-up triggers."""
    problems: list[str] = []
    root: type[BaseModel] = list_model(ctx) if ctx else Case
    try:
        if q.fills and q.type == "checklist":
            list_model(q.fills)
            if q.fills not in load_common().items:
                problems.append(f"{q.id}: no `items` entry in _common.yaml for {q.fills}")
        elif q.fills:
            field_info(q.fills, root)
        for opt in options_for(q):
            for path in opt.sets:
                field_info(path, Case)
    except QuestionDataError as exc:
        problems.append(f"{q.id}: {exc}")
    values = {o.value for o in options_for(q)}
    for fu in q.follow_ups:
        whens = fu.when if isinstance(fu.when, list) else [fu.when]
        for w in whens:
            if q.type == "yes_no" and not isinstance(w, bool):
                problems.append(f"{q.id}: follow-up when {w!r} must be true or false")
            elif q.type in {"choice", "checklist"} and w not in values:
                problems.append(f"{q.id}: follow-up when {w!r} is not an option value")
    if q.mode == "append" and (not ctx or q.fills != "text"):
        problems.append(f"{q.id}: mode append only works on an item's text")
    return problems


def validate_flow(qs: QuestionSet) -> list[str]:
    """Everything wrong with the whole flow for one set: paths, duplicate ids, options, item configs."""
    common = load_common()
    problems: list[str] = []
    seen: set[str] = set()
    for section in (common.start, qs.questions, common.end):
        for q in section:
            if q.id in seen:
                problems.append(f"{qs.id}: duplicate question id {q.id!r}")
            seen.add(q.id)
    for q, ctx in _walk(common.start + qs.questions + common.end, None):
        problems.extend(f"{qs.id}: {p}" for p in check_question(q, ctx))
    return problems


def validate_all() -> list[str]:
    """Problems across every shipped set (the test suite asserts this is empty)."""
    problems: list[str] = []
    try:
        load_common()
        index = set_index()
    except QuestionDataError as exc:
        return [str(exc)]
    for name in set_names():
        try:
            problems.extend(validate_flow(load_set(name)))
        except QuestionDataError as exc:
            problems.append(str(exc))
    if "generic" not in set_names():
        problems.append("no generic.yaml fallback set")
    for vt in ViolationType:
        if vt.value not in index and vt != ViolationType.other and "generic" not in set_names():
            problems.append(f"{vt.value}: no question set and no generic fallback")
    return problems


def ui(key: str, lang: str, **kwargs: Any) -> str:
    """The interview's own wording (prompts, notes) in the interview language."""
    text = load_common().ui[key].get(lang)
    return text.format(**kwargs) if kwargs else text


def error_text(key: str, lang: str, **kwargs: Any) -> str:
    text = load_common().errors[key].get(lang)
    return text.format(**kwargs) if kwargs else text


def translate_reason(message: str, lang: str) -> str:
    """A Case-model validation message in the interview language (English stays as the model wrote it)."""
    if lang != "zh":
        return message
    for rule in load_common().validation_zh:
        m = re.search(rule["match"], message)
        if m:
            return rule["zh"].format(*([m.group(0)] + list(m.groups())))
    return message


FollowUp.model_rebuild()
Question.model_rebuild()
ItemConfig.model_rebuild()
Common.model_rebuild()
QuestionSet.model_rebuild()


def answer_keys(violation_type: str | None, lang: str = "en") -> list[dict[str, Any]]:
    """Every key an answers file may hold for this type, in asking order, for people scripting interviews.

    Follow-ups are listed under the question that triggers them; per-item questions of a
    checklist as `<checklist>.<option>.<question>` for each option, and `<checklist>.own`
    for the seller's own items (their per-item keys are `<checklist>.own1.<question>`…).
    """
    common = load_common()
    rows: list[dict[str, Any]] = []

    def add(q: Question, key: str, when: str | None) -> None:
        rows.append({
            "key": key,
            "type": q.type,
            "required": q.required,
            "text": q.label(lang),
            "options": [o.value for o in options_for(q)],
            "asked_when": when,
        })
        for fu in q.follow_ups:
            prefix = key.rsplit(".", 1)[0] + "." if "." in key else ""
            for sub in fu.ask:
                add(sub, prefix + sub.id, f"{key} = {fu.when}")
        if q.type == "checklist":
            if q.other:
                rows.append({"key": f"{key}.own", "type": "list", "required": False, "text": "your own items (a list)", "options": [], "asked_when": None})
            for option in options_for(q):
                for sub in item_questions(q):
                    add(sub, f"{key}.{option.value}.{sub.id}", f"{key} includes {option.value}")

    for q in common.start + set_for(violation_type).questions + common.end:
        add(q, q.id, None)
    return rows
