"""Reading the question files under data/questions/: shared questions, one set per violation type, option lists.

Files:
- `_common.yaml`: the questions every interview asks first (`start`) and last
  (`end`), the per-item questions for checklists (`items`), shared option lists
  (`option_lists`), labels and the interview's own wording (`ui`, `errors`).
- `<name>.yaml`: one set per violation type (or several types), `questions:` asked
  between `start` and `end`; `extends:` another set to ask its questions first.
- `generic.yaml`: the fallback for any type without its own set.

Everything is parsed once (functools.cache), never at import time.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import ValidationError

from appealagent.interview.schema import Bi, Common, Option, Question, QuestionDataError, QuestionSet
from appealagent.paths import package_data_dir

QUESTIONS_DIR = "questions"

RawQuestion = dict[str, Any]  # a question as YAML gives it, before merging and validation


@cache
def _read_cached(name: str) -> object:
    path = package_data_dir() / QUESTIONS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise QuestionDataError(f"question set {name!r} not found ({path})")
    import yaml  # third-party and ~20 ms: paid when questions are first read, not by `appealagent --help`

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def _read(name: str) -> dict[str, Any]:
    raw = copy.deepcopy(_read_cached(name))
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise QuestionDataError(f"{name}.yaml: expected a mapping")
    return raw


@cache
def load_common() -> Common:
    """_common.yaml, validated."""
    try:
        return Common.model_validate(_read("_common"))
    except ValidationError as exc:
        raise QuestionDataError(f"_common.yaml: {exc}") from None


def set_names() -> list[str]:
    """Every question set file except the shared ones (names starting with '_' may be extended, not chosen)."""
    folder = package_data_dir() / QUESTIONS_DIR
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.stem.startswith("_"))


def _substitute(obj: object, mapping: dict[str, str]) -> Any:
    if isinstance(obj, str):
        for k, v in mapping.items():
            obj = obj.replace("{" + k + "}", v)
        return obj
    if isinstance(obj, list):
        return [_substitute(x, mapping) for x in obj]
    if isinstance(obj, dict):
        return {k: _substitute(v, mapping) for k, v in obj.items()}
    return obj


def _merge(base: list[RawQuestion], own: list[RawQuestion]) -> list[RawQuestion]:
    """Base questions in base order; an own question with a base id overrides its keys in place. A new
    question is asked right before the override that follows it in the file, or, when no override
    follows, before all the base questions (type questions come before the plan they lead to)."""
    result = [dict(q) for q in base]
    pending: list[RawQuestion] = []
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


def _raw_questions(name: str, seen: tuple[str, ...] = ()) -> list[RawQuestion]:
    if name in seen:
        raise QuestionDataError(f"{name}.yaml: extends itself through {' → '.join(seen)}")
    raw = _read(name)
    own = list(raw.get("questions") or [])
    if raw.get("extends"):
        return _merge(_raw_questions(raw["extends"], seen + (name,)), own)
    return own


@cache
def load_set(name: str) -> QuestionSet:
    """One set with its `extends` chain merged and the {metric}/{metric_label} placeholders filled."""
    raw = _read(name)
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
    return [Option(value=value, en=bi.en, zh=bi.zh, kind=None) for value, bi in labels.items()]


def item_questions(q: Question) -> list[Question]:
    """What is asked for each ticked item of a checklist."""
    if q.each is not None:
        questions = q.each
    else:
        cfg = load_common().items.get(q.fills or "")
        questions = cfg.questions if cfg else []
    return [_with_example(sub, q.example) for sub in questions]


def _with_example(q: Question, example: Bi | None) -> Question:
    """An item question whose help names `{example}`, with the checklist's example for this violation type."""
    if q.help is None or "{example}" not in q.help.en + q.help.zh:
        return q
    ex = example or Bi(en="what happened, when and how often", zh="发生了什么、什么时候、发生了几次")
    return q.model_copy(update={"help": Bi(en=q.help.en.replace("{example}", ex.en), zh=q.help.zh.replace("{example}", ex.zh))})
