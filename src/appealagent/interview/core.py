"""The interview flow engine: question sets + a seller's answers → a `Case`, one validated answer at a time.

Pure logic: all input and output goes through an `Asker` (a terminal in the CLI, a
script in the tests, an answers file for batch use), so the whole flow is testable
without a terminal. The answers, not the case, are the interview's memory: the case
is rebuilt from `Progress.base` (the notice's prefill) plus every answer, so an edit
on the review screen or a `--resume` replays cleanly and follow-ups appear or vanish
with the answers that trigger them. Answers that no longer apply are kept, never
deleted, so nothing the seller typed is lost.

Every answer is parsed here (a date, a number, a list) but judged by the Case model
itself: the candidate case is validated and the model's own message is shown.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, ValidationError

from appealagent.errors import InputError
from appealagent.interview import questions as qs
from appealagent.interview.questions import Bi, Option, Question, QuestionSet
from appealagent.model.case import Case, has_cjk, missing_for_draft

PROGRESS_FORMAT = "appealagent-interview-progress"
PROGRESS_VERSION = 1
SPLIT_RE = re.compile(r"[,\s,、;;]+")


# ---------------------------------------------------------------------------------------------
# The asker: how questions reach a person (or a script)


@dataclass
class Prompt:
    """One question as shown: the asker needs nothing else to render it or to look its answer up."""

    key: str
    text: str
    type: str
    lang: str
    help: str | None = None
    options: list[str] = field(default_factory=list)
    hint: str = ""
    required: bool = True
    default_label: str | None = None
    multiline: bool = False


class Asker(Protocol):
    """Terminal, script or answers file. `interactive` askers are re-asked after a bad answer."""

    interactive: bool

    def ask(self, question: Prompt, default: str | None) -> str: ...

    def say(self, text: Any) -> None: ...


class ScriptExhausted(AssertionError):
    """A scripted asker ran out of answers: in a test, better a failure than a hang."""


class ScriptedAsker:
    """Answers from a list (in order) or a dict (question key → answer, or a list of answers for re-asks).

    A key missing from a dict means Enter (the default) where a default exists or the
    question is optional; otherwise it is a test failure.
    """

    interactive = True

    def __init__(self, answers: list[str] | dict[str, str | list[str]]) -> None:
        self._list = list(answers) if isinstance(answers, list) else None
        self._dict = {k: (list(v) if isinstance(v, list) else [v]) for k, v in answers.items()} if isinstance(answers, dict) else {}
        self.prompts: list[Prompt] = []
        self.said: list[str] = []

    def ask(self, question: Prompt, default: str | None) -> str:
        self.prompts.append(question)
        if self._list is not None:
            if not self._list:
                raise ScriptExhausted(f"no scripted answer left for {question.key}")
            return self._list.pop(0)
        if sum(1 for p in self.prompts if p.key == question.key) > 20:
            raise ScriptExhausted(f"{question.key} asked more than 20 times: the scripted answer is never accepted")
        queue = self._dict.get(question.key)
        if queue:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        if default is not None or not question.required:
            return ""
        raise ScriptExhausted(f"no scripted answer for {question.key}")

    def say(self, text: Any) -> None:
        self.said.append(_plain(text))

    def keys(self) -> list[str]:
        return [p.key for p in self.prompts]


class AnswersFileAsker:
    """Answers from a YAML/JSON mapping (question key → answer); never re-asks, never waits."""

    interactive = False

    def __init__(self, answers: dict[str, Any], source: str) -> None:
        self.answers = answers
        self.source = source
        self.said: list[str] = []

    def ask(self, question: Prompt, default: str | None) -> str:
        if question.key in self.answers:
            return answer_text(self.answers[question.key], question.type)
        if default is not None or not question.required:
            return ""
        raise InputError(f"{self.source}: no answer for question {question.key!r} ({question.text.splitlines()[0]})")

    def say(self, text: Any) -> None:
        self.said.append(_plain(text))


def _plain(text: Any) -> str:
    if isinstance(text, str):
        return text
    import io

    from rich.console import Console

    console = Console(width=160, record=True, file=io.StringIO(), color_system=None)
    console.print(text)
    return console.export_text()


def answer_text(value: Any, qtype: str) -> str:
    """An answers-file value (YAML may give lists, numbers, booleans, dates) as the text a person would type."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, list):
        sep = "\n" if qtype == "list" else ","
        return sep.join(answer_text(v, "text") for v in value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# State


class Progress(BaseModel):
    """The interview's memory, saved next to the case (`CASE.json.progress`) after every answer."""

    format: Literal["appealagent-interview-progress"] = PROGRESS_FORMAT
    version: int = PROGRESS_VERSION
    lang: Literal["en", "zh"] = "en"
    skip_filled: bool = Field(False, description="Resuming a case without progress: skip questions its fields already answer.")
    base: dict[str, Any] = Field(default_factory=dict, description="The case before any answer (the notice's prefill).")
    answers: dict[str, Any] = Field(default_factory=dict)
    answered: list[str] = Field(default_factory=list, description="Question keys in the order they were answered.")
    pending: list[str] = Field(default_factory=list, description="Questions still to ask, as far as the answers so far show.")
    stash: dict[str, dict[str, Any]] = Field(default_factory=dict, description="Answers set aside when the violation type changed.")
    complete: bool = False
    case_sha256: str | None = None


@dataclass(frozen=True)
class ItemRef:
    """A ticked checklist item (an option or one of the seller's own entries)."""

    checklist: str
    key: str
    label: str


@dataclass
class Step:
    key: str
    q: Question
    kind: Literal["question", "own", "translate"] = "question"
    item: ItemRef | None = None
    parent: Step | None = None
    section: Literal["start", "type", "end"] = "start"


class AnswerError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ui_bi(key: str) -> Bi:
    return qs.load_common().ui[key]


# ---------------------------------------------------------------------------------------------
# Parsing typed answers (the Case model judges the parsed values)

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d.%m.%Y")
YES = {"y", "yes", "true", "是", "是的", "对", "有", "好", "ja", "oui"}
NO = {"n", "no", "false", "否", "不", "不是", "没有", "无", "nein", "non"}


def _norm(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def parse_date(raw: str) -> str:
    text = _norm(raw).replace(",", " ")
    text = re.sub(r"\s+", " ", text)
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", text.replace(" ", ""))
    if m:
        text = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(raw)


def _split(raw: str) -> list[str]:
    seen: list[str] = []
    for part in SPLIT_RE.split(_norm(raw)):
        if part and part not in seen:
            seen.append(part)
    return seen


# ---------------------------------------------------------------------------------------------
# Building the case from answers


def path_str(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _error_paths(exc: ValidationError) -> list[tuple[str, str, str, str, Any]]:
    """(path the message is about, path of the validator, message, error type, input) for each error."""
    out = []
    for err in exc.errors(include_url=False):
        raw = path_str(tuple(err["loc"]))
        msg = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        path = raw
        m = re.match(r"^([a-z_]+): (.+)$", msg)
        loc = err["loc"]
        if m and loc and isinstance(loc[-1], int):  # a model validator on a list element names its field
            path, msg = f"{raw}.{m.group(1)}", m.group(2)
        out.append((path, raw, msg, err["type"], err.get("input")))
    return out


def _remove(data: Any, loc: tuple[Any, ...]) -> None:
    cur = data
    for part in loc[:-1]:
        cur = cur[part]
    last = loc[-1]
    if isinstance(cur, list):
        cur.pop(last)
    else:
        cur.pop(last, None)


def finalize(data: dict[str, Any]) -> tuple[Case, list[str]]:
    """A valid Case from built data, dropping (and naming) any piece the model refuses, so a partial case always loads."""
    data = copy.deepcopy(data)
    dropped: list[str] = []
    for _ in range(200):
        try:
            return Case.model_validate(data), dropped
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = tuple(err["loc"])
            target = loc[:-1] if err["type"] == "missing" else loc
            if not target:
                raise
            _remove(data, target)
            dropped.append(path_str(target))
    raise RuntimeError("could not make the case valid")  # pragma: no cover


def _get(data: dict[str, Any], path: str) -> Any:
    """The value at a fills path in plain case data (lists of keys for `x[].k`), or None."""
    cur: Any = data
    segs = qs.parse_path(path)
    for i, (name, sel, key, kv) in enumerate(segs):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(name)
        if cur is None:
            return None
        if sel == "[]":
            rest = segs[i + 1][0]
            return [e.get(rest) for e in cur if isinstance(e, dict) and e.get(rest) is not None] or None
        if sel:
            cur = next((e for e in cur if isinstance(e, dict) and str(e.get(key)) == kv), None)
    return cur


def _set(data: dict[str, Any], path: str, value: Any) -> str:
    """Write a scalar at a fills path (creating objects and keyed list elements); returns the concrete path.

    Clearing (None) never creates anything: an empty `rights_owner: {}` would only clutter the case."""
    segs = qs.parse_path(path)
    if value is None and _get(data, ".".join(p for p in path.split(".")[:-1])) is None and len(segs) > 1:
        return path
    cur = data
    concrete: list[str] = []
    for name, sel, key, kv in segs[:-1]:
        if sel:
            lst = cur.get(name)
            if not isinstance(lst, list):
                lst = cur[name] = []
            idx = next((i for i, e in enumerate(lst) if isinstance(e, dict) and str(e.get(key)) == kv), None)
            if idx is None:
                lst.append({key: kv})
                idx = len(lst) - 1
            cur = lst[idx]
            concrete.append(f"{name}[{idx}]")
        else:
            if not isinstance(cur.get(name), dict):
                cur[name] = {}
            cur = cur[name]
            concrete.append(name)
    last = segs[-1][0]
    if value is None:
        cur.pop(last, None)
    else:
        cur[last] = value
    return ".".join(concrete + [last])


def _is_enum_target(path: str, root: type[BaseModel] = Case) -> bool:
    _owner, _name, inner, _is_list = qs.field_info(path, root)
    return isinstance(inner, type) and issubclass(inner, Enum)


class Interview:
    """Asks the questions of one flow through an Asker and keeps `Progress` up to date."""

    def __init__(self, asker: Asker, progress: Progress, *, save: Callable[[Case, Progress], None] | None = None) -> None:
        self.asker = asker
        self.p = progress
        self._save = save
        self.common = qs.load_common()
        self.warnings: list[str] = []

    @property
    def lang(self) -> str:
        return self.p.lang

    # ---- planning ---------------------------------------------------------------------------

    def violation_type(self, answers: dict[str, Any] | None = None) -> str | None:
        answers = self.p.answers if answers is None else answers
        return answers.get("violation_type") or self.p.base.get("violation_type")

    def type_set(self, answers: dict[str, Any] | None = None) -> QuestionSet:
        return qs.set_for(self.violation_type(answers))

    def plan(self, answers: dict[str, Any] | None = None) -> list[Step]:
        """Every step the answers so far lead to, in asking order."""
        answers = self.p.answers if answers is None else answers
        steps: list[Step] = []
        for section, questions in (("start", self.common.start), ("type", self.type_set(answers).questions), ("end", self.common.end)):
            for q in questions:
                self._expand(q, q.id, None, steps, answers, section)
        return steps

    def _expand(self, q: Question, key: str, item: ItemRef | None, steps: list[Step], answers: dict[str, Any], section: Any) -> None:
        step = Step(key=key, q=q, item=item, section=section)
        steps.append(step)
        if self._skipped(step) or key not in answers:
            return
        value = answers[key]
        if q.type == "text" and isinstance(value, str) and has_cjk(value) and self._translatable(step):
            steps.append(Step(key=f"{key}.en", q=self._translate_q(), kind="translate", item=item, parent=step, section=section))
        for fu in q.follow_ups:
            if self._matches(fu.when, value):
                for sub in fu.ask:
                    sub_key = f"{item.checklist}.{item.key}.{sub.id}" if item else sub.id
                    self._expand(sub, sub_key, item, steps, answers, section)
        if q.type == "checklist":
            own: list[str] = []
            if q.other:
                own_key = f"{key}.own"
                steps.append(Step(key=own_key, q=self._own_q(), kind="own", parent=step, section=section))
                own = answers.get(own_key) or []
                for i, text in enumerate(own):
                    if has_cjk(text) and q.fills != "evidence":
                        steps.append(Step(key=f"{key}.own{i + 1}.en", q=self._translate_q(), kind="translate", parent=step, section=section,
                                          item=ItemRef(key, f"own{i + 1}", text)))
                if own_key not in answers:
                    return
            for ref in self._items(q, key, value, own):
                for sub in qs.item_questions(q):
                    self._expand(sub, f"{key}.{ref.key}.{sub.id}", ref, steps, answers, section)

    def _items(self, q: Question, key: str, value: Any, own: list[str]) -> list[ItemRef]:
        opts = qs.options_for(q)
        refs = [ItemRef(key, o.value, o.label(self.lang)) for o in opts if o.value in (value or [])]
        refs += [ItemRef(key, f"own{i + 1}", text) for i, text in enumerate(own)]
        return refs

    def _matches(self, when: Any, value: Any) -> bool:
        whens = when if isinstance(when, list) else [when]
        if isinstance(value, list):
            return any(w in value for w in whens)
        return any(w == value for w in whens)

    def _translatable(self, step: Step) -> bool:
        """Whether the answer's Case field has an English twin (`text` → `text_en`)."""
        if not step.q.fills:
            return False
        if step.item is not None:
            parent_q = self._checklist_q(step.item.checklist)
            if parent_q is None or not parent_q.fills:
                return False
            model = qs.list_model(parent_q.fills)
            return f"{step.q.fills}_en" in model.model_fields or (step.q.mode == "append" and "text_en" in model.model_fields)
        try:
            owner, name, _inner, _lst = qs.field_info(step.q.fills)
        except qs.QuestionDataError:
            return False
        return f"{name}_en" in owner.model_fields

    def _checklist_q(self, key: str) -> Question | None:
        for q in self.common.start + self.type_set().questions + self.common.end:
            if q.id == key:
                return q
        return None

    def _translate_q(self) -> Question:
        return Question(id="translate", type="text", text=_ui_bi("translate"), required=False, english_only=True)

    def _own_q(self) -> Question:
        return Question(id="own", type="list", text=_ui_bi("own_items"), required=False)

    def _skipped(self, step: Step) -> bool:
        """Resuming a hand-made case: questions whose field it already fills are not asked again."""
        if not self.p.skip_filled or step.key in self.p.answers or step.kind != "question" or step.item is not None:
            return False
        q = step.q
        if q.fills:
            return _get(self.p.base, q.fills) not in (None, [], "")
        paths = [p for o in qs.options_for(q) for p in o.sets]
        return bool(paths) and all(_get(self.p.base, p) is not None for p in paths)

    def pending(self) -> list[Step]:
        return [s for s in self.plan() if s.key not in self.p.answers and not self._skipped(s)]

    # ---- building ---------------------------------------------------------------------------

    def build(self, answers: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The case data for these answers, and which concrete case paths each answer wrote."""
        answers = self.p.answers if answers is None else answers
        data = copy.deepcopy(self.p.base)
        prov: dict[str, list[str]] = {}
        touched: set[str] = set()
        items: dict[tuple[str, str], tuple[str, int]] = {}
        for step in self.plan(answers):
            if step.key in answers and step.kind == "question":
                self._apply(step, answers[step.key], answers, data, prov, touched, items)
        return data, prov

    def _apply(self, step: Step, value: Any, answers: dict[str, Any], data: dict[str, Any], prov: dict[str, list[str]],
               touched: set[str], items: dict[tuple[str, str], tuple[str, int]]) -> None:
        q = step.q
        paths = prov.setdefault(step.key, [])
        if q.type == "note":
            return
        if step.item is not None:
            self._apply_item(step, value, answers, data, paths, items)
            return
        if q.type == "checklist" and q.fills:
            self._apply_checklist(step, value, answers, data, prov, touched, items)
            return
        if q.type == "choice":
            opt = next((o for o in qs.options_for(q) if o.value == value), None)
            if opt is not None:
                for path, v in opt.sets.items():
                    paths.append(_set(data, path, v))
            if q.fills:
                stored = value if opt is None or _is_enum_target(q.fills) else opt.en
                paths.append(_set(data, q.fills, stored))
            return
        if not q.fills:
            return
        if "[]" in q.fills:
            self._apply_keyed_list(q, value, data, paths, touched)
            return
        paths.append(_set(data, q.fills, value))
        tr = answers.get(f"{step.key}.en")
        if tr and self._translatable(step):
            _set(data, q.fills + "_en", tr)

    def _apply_keyed_list(self, q: Question, value: Any, data: dict[str, Any], paths: list[str], touched: set[str]) -> None:
        list_name, key = q.fills.split("[].")  # type: ignore[union-attr]
        existing = data.get(list_name) or []
        if list_name not in touched:
            old = {e.get(key): e for e in existing if isinstance(e, dict)}
            data[list_name] = []
            touched.add(list_name)
        else:
            old = {}
        lst = data[list_name]
        for v in value or []:
            idx = next((i for i, e in enumerate(lst) if e.get(key) == v), None)
            if idx is None:
                lst.append({**old.get(v, {}), key: v})
                idx = len(lst) - 1
            for k, extra in q.extra.items():
                lst[idx].setdefault(k, extra)
            paths.append(f"{list_name}[{idx}]")

    def _apply_checklist(self, step: Step, value: Any, answers: dict[str, Any], data: dict[str, Any], prov: dict[str, list[str]],
                         touched: set[str], items: dict[tuple[str, str], tuple[str, int]]) -> None:
        q = step.q
        list_name = q.fills or ""
        cfg = self.common.items[list_name]
        model = qs.list_model(list_name)
        if list_name not in touched:
            data[list_name] = []
            touched.add(list_name)
        lst = data[list_name]
        own_key = f"{step.key}.own"
        entries: list[tuple[str, dict[str, Any], str]] = []
        for opt in qs.options_for(q):
            if opt.value in (value or []):
                entries.append((opt.value, self._option_element(opt, model), step.key))
        for i, text in enumerate(answers.get(own_key) or []):
            elem: dict[str, Any] = {}
            if "text" in model.model_fields:
                elem["text"] = text
                tr = answers.get(f"{step.key}.own{i + 1}.en")
                if tr:
                    elem["text_en"] = tr
            if "kind" in model.model_fields:
                elem["kind"] = "other"
                elem["description"] = text
            entries.append((f"own{i + 1}", elem, own_key))
        for item_key, elem, source in entries:
            if cfg.id_prefix:
                taken = {e.get("id") for e in lst}
                n = len(lst) + 1
                while f"{cfg.id_prefix}{n}" in taken:
                    n += 1
                elem = {"id": f"{cfg.id_prefix}{n}", **elem}
            lst.append(elem)
            items[(step.key, item_key)] = (list_name, len(lst) - 1)
            prov.setdefault(source, []).append(f"{list_name}[{len(lst) - 1}]")

    def _option_element(self, opt: Option, model: type[BaseModel]) -> dict[str, Any]:
        elem: dict[str, Any] = {}
        if "text" in model.model_fields:
            if self.lang == "zh":
                elem["text"], elem["text_en"] = opt.zh, opt.en
            else:
                elem["text"] = opt.en
        if "kind" in model.model_fields:
            elem["kind"] = opt.kind.value if opt.kind else opt.value
            elem["description"] = opt.en  # names the document in the letter, which is English
        return elem

    def _apply_item(self, step: Step, value: Any, answers: dict[str, Any], data: dict[str, Any], paths: list[str],
                    items: dict[tuple[str, str], tuple[str, int]]) -> None:
        assert step.item is not None
        where = items.get((step.item.checklist, step.item.key))
        q = step.q
        if where is None or not q.fills:
            return
        list_name, idx = where
        elem = data[list_name][idx]
        tr = answers.get(f"{step.key}.en")
        if q.mode == "append":
            if not value:
                return
            text = elem.get("text", "")
            en_base = elem.get("text_en") or (text if not has_cjk(text) else None)
            elem["text"] = f"{text}{':' if has_cjk(text) else ': '}{value}"
            if has_cjk(elem["text"]):
                spec_en = tr or (value if not has_cjk(value) else None)
                if en_base and spec_en:
                    elem["text_en"] = f"{en_base}: {spec_en}"
                else:
                    elem.pop("text_en", None)
            paths.append(f"{list_name}[{idx}].text")
            return
        stored = value
        if q.type == "choice":
            opt = next((o for o in qs.options_for(q) if o.value == value), None)
            model = qs.list_model(list_name)
            if opt is not None and not _is_enum_target(q.fills, model):
                stored = opt.en
        if stored is None:
            elem.pop(q.fills, None)
        else:
            elem[q.fills] = stored
        paths.append(f"{list_name}[{idx}].{q.fills}")
        if tr and f"{q.fills}_en" in qs.list_model(list_name).model_fields:
            elem[f"{q.fills}_en"] = tr

    def case(self) -> Case:
        """The case as the answers so far make it (always loadable; refused pieces are dropped and noted)."""
        data, _prov = self.build()
        case, dropped = finalize(data)
        for d in dropped:
            note = f"dropped {d}: the Case model refused it"
            if note not in self.warnings:
                self.warnings.append(note)
        return case

    # ---- answers ----------------------------------------------------------------------------

    def parse(self, step: Step, raw: str) -> Any:
        """Typed text → a value, or AnswerError with the reason in the interview language."""
        q, lang = step.q, self.lang
        text = raw.strip()
        if text in ("", "-"):
            if step.kind == "own":
                return []
            if q.required and step.kind == "question":
                raise AnswerError(qs.error_text("at_least_one" if q.type == "checklist" else "required", lang))
            return None
        t = q.type
        if t == "text" or t == "email":
            if q.english_only and has_cjk(text):
                raise AnswerError(qs.error_text("english_only", lang))
            return text
        if t == "date":
            try:
                return parse_date(text)
            except ValueError:
                raise AnswerError(qs.error_text("not_date", lang, value=text)) from None
        if t == "percentage":
            num = _norm(text).rstrip("%").strip()
            if re.fullmatch(r"-?\d+,\d+", num):
                num = num.replace(",", ".")
            try:
                return float(num)
            except ValueError:
                raise AnswerError(qs.error_text("not_number", lang, value=text)) from None
        if t == "number":
            num = _norm(text).replace(",", "")
            if not re.fullmatch(r"-?\d+", num):
                raise AnswerError(qs.error_text("not_whole_number", lang, value=text))
            return int(num)
        if t == "yes_no":
            low = _norm(text).lower()
            if low in YES:
                return True
            if low in NO:
                return False
            raise AnswerError(qs.error_text("yes_no", lang))
        if t == "asin_list":
            return [p.upper() for p in _split(text)]
        if t == "order_list":
            return _split(text)
        if t == "list":
            lines = [_norm(line) for line in re.split(r"[\n;;]", raw)]
            return [line for line in lines if line]
        if t == "choice":
            return self._parse_choice(q, text)
        if t == "checklist":
            return self._parse_checklist(q, text)
        return text

    def _parse_choice(self, q: Question, text: str) -> str:
        opts = qs.options_for(q)
        norm = _norm(text)
        if norm.isdigit():
            n = int(norm)
            if 1 <= n <= len(opts):
                return opts[n - 1].value
            raise AnswerError(qs.error_text("choose_one", self.lang, n=len(opts)))
        for o in opts:
            if norm.lower() in (o.value.lower(), o.en.lower(), o.zh.lower()):
                return o.value
        if q.other:
            if q.english_only and has_cjk(norm):
                raise AnswerError(qs.error_text("english_only", self.lang))
            return norm
        raise AnswerError(qs.error_text("choose_one", self.lang, n=len(opts)))

    def _parse_checklist(self, q: Question, text: str) -> list[str]:
        opts = qs.options_for(q)
        chosen: list[str] = []
        tokens = _split(text)
        if tokens == ["0"] or [t.lower() for t in tokens] in (["none"], ["无"], ["都不是"]):
            if q.required and not q.other:
                raise AnswerError(qs.error_text("at_least_one", self.lang))
            return []
        for tok in tokens:
            if tok == "0":
                raise AnswerError(qs.error_text("none_with_others", self.lang))
            if tok.isdigit() and 1 <= int(tok) <= len(opts):
                value = opts[int(tok) - 1].value
            else:
                value = next((o.value for o in opts if o.value == tok), None)
                if value is None:
                    raise AnswerError(qs.error_text("choose_numbers", self.lang, value=tok, n=len(opts)))
            if value not in chosen:
                chosen.append(value)
        order = [o.value for o in opts]
        return sorted(chosen, key=order.index)

    def check(self, step: Step, value: Any) -> list[str]:
        """Reasons the Case model refuses this answer (empty when it is accepted)."""
        if step.kind == "own":
            parent = step.parent
            if parent is not None and parent.q.required and not self.p.answers.get(parent.key) and not value:
                return [qs.error_text("at_least_one", self.lang)]
        if step.kind == "translate" or step.q.type == "note":
            return []
        answers = dict(self.p.answers)
        answers[step.key] = value
        data, prov = self.build(answers)
        try:
            Case.model_validate(data)
            return []
        except ValidationError as exc:
            errors = _error_paths(exc)
        mine = prov.get(step.key, [])
        reasons: list[str] = []
        for path, raw, msg, etype, given in errors:
            if etype == "missing":
                continue
            inside = any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in mine)
            around = bool(raw) and raw.endswith("]") and any(p.startswith(raw + ".") or p == raw for p in mine)
            if not (inside or around):
                continue
            reason = qs.translate_reason(msg, self.lang)
            if isinstance(value, list) and given is not None and not isinstance(given, (dict, list)):
                reason = qs.error_text("bad_element", self.lang, value=str(given), reason=reason)
            if reason not in reasons:
                reasons.append(reason)
        return reasons

    # ---- asking -----------------------------------------------------------------------------

    def _prompt(self, step: Step, default: str | None) -> Prompt:
        q, lang = step.q, self.lang
        text = q.label(lang)
        if step.item is not None:
            label = step.item.label if len(step.item.label) <= 80 else step.item.label[:77] + "…"
            text = text.replace("{item}", label)
        if step.kind == "translate" and step.parent is not None:
            original = self.p.answers.get(step.parent.key)
            if step.item is not None and step.item.key.startswith("own"):
                original = step.item.label
            text = f"{text}\n  “{original}”"
        opts = qs.options_for(q)
        hint_key = {
            "choice": "hint_choice_other" if q.other else "hint_choice",
            "checklist": "hint_checklist",
            "list": "hint_list",
            "yes_no": "hint_yes_no",
            "date": "hint_date",
        }.get(q.type)
        hints = [qs.ui(hint_key, lang)] if hint_key else []
        if default is not None:
            hints.append(qs.ui("hint_default", lang, default=self._default_label(step, default)))
            if not q.required or step.kind != "question":
                hints.append(qs.ui("hint_clear", lang))
        elif not q.required or step.kind != "question":
            hints.append(qs.ui("hint_optional", lang))
        return Prompt(
            key=step.key,
            text=text,
            type=q.type,
            lang=lang,
            help=q.help.get(lang) if q.help else None,
            options=[o.label(lang) for o in opts],
            hint="; ".join(hints),
            required=q.required and step.kind == "question",
            default_label=self._default_label(step, default) if default is not None else None,
            multiline=q.type == "list",
        )

    def _default_label(self, step: Step, default: str) -> str:
        q = step.q
        if q.type == "choice":
            opt = next((o for o in qs.options_for(q) if o.value == default), None)
            return opt.label(self.lang) if opt else default
        if q.type == "yes_no":
            return qs.ui("word_yes" if default == "yes" else "word_no", self.lang)
        if q.type == "list":
            return "; ".join(default.splitlines())
        return default

    def default_text(self, step: Step, data: dict[str, Any] | None = None) -> str | None:
        """What Enter means: the current answer, else the prefilled case value, else the question's default."""
        if step.key in self.p.answers:
            return self.to_text(step, self.p.answers[step.key])
        q = step.q
        if step.kind == "question" and step.item is None and q.type != "checklist":
            data = data if data is not None else self.build()[0]
            if q.fills:
                value = _get(data, q.fills)
                if value not in (None, [], ""):
                    if q.type == "choice":
                        value = next((o.value for o in qs.options_for(q) if o.value == value or o.en == value), value)
                    return self.to_text(step, value)
            sets = [o for o in qs.options_for(q) if o.sets]
            for opt in sets:
                if all(_get(data, p) == v for p, v in opt.sets.items()):
                    return opt.value
        if q.default is not None:
            return self.to_text(step, q.default)
        return None

    def to_text(self, step: Step, value: Any) -> str | None:
        if value is None:
            return None
        q = step.q
        if q.type == "checklist":
            order = [o.value for o in qs.options_for(q)]
            nums = [str(order.index(v) + 1) for v in value if v in order]
            return ",".join(nums) if nums else "0"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return "\n".join(str(v) for v in value) if q.type == "list" or step.kind == "own" else ", ".join(str(v) for v in value)
        return str(value)

    def display(self, step: Step, value: Any) -> str:
        """An answer as the review screen shows it."""
        if value is None or value == []:
            return qs.ui("none", self.lang)
        q = step.q
        if q.type in {"choice", "checklist"}:
            labels = {o.value: o.label(self.lang) for o in qs.options_for(q)}
            vals = value if isinstance(value, list) else [value]
            return "; ".join(labels.get(v, str(v)) for v in vals)
        if isinstance(value, bool):
            return qs.ui("word_yes" if value else "word_no", self.lang)
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    def ask_step(self, step: Step) -> Any:
        """Ask until the answer parses and the Case model accepts it; store it and save."""
        if step.q.type == "note":
            self.asker.say(step.q.label(self.lang))
            self.store(step, True)
            return True
        default = self.default_text(step)
        prompt = self._prompt(step, default)
        while True:
            raw = self.asker.ask(prompt, default)
            if raw.strip() == "" and default is not None:
                raw = default
            try:
                value = self.parse(step, raw)
                reasons = self.check(step, value)
            except AnswerError as exc:
                reasons = [exc.reason]
            if not reasons:
                break
            reason = "; ".join(reasons)
            if not self.asker.interactive:
                raise InputError(f"{getattr(self.asker, 'source', 'answers')}: {step.key}: {reason}")
            self.asker.say(qs.ui("not_accepted", self.lang, reason=reason))
        self.store(step, value)
        if step.q.needs:
            self.say_needs(step.q)
        return value

    def store(self, step: Step, value: Any) -> None:
        if step.key == "violation_type":
            self._switch_type(value)
        self.p.answers[step.key] = value
        if step.key in self.p.answered:
            self.p.answered.remove(step.key)
        self.p.answered.append(step.key)
        self.save()

    def _switch_type(self, new: Any) -> None:
        """A changed violation type sets the old type's answers aside (kept in `stash`) and brings back any earlier ones."""
        old = self.violation_type()
        if old is None or new == old:
            return
        type_keys = {s.key for s in self.plan() if s.section == "type"}
        type_keys |= {k for k in self.p.answers if any(k.startswith(t + ".") for t in type_keys)}
        moved = {k: self.p.answers.pop(k) for k in list(self.p.answers) if k in type_keys}
        if moved:
            self.p.stash[str(old)] = moved
            self.asker.say(qs.ui("type_changed", self.lang))
        self.p.answers.update(self.p.stash.pop(str(new), {}))

    def save(self) -> None:
        self.p.pending = [s.key for s in self.pending()]
        if self._save is not None:
            self._save(self.case(), self.p)

    def run(self) -> Case:
        """Ask every unanswered question the answers lead to, in order."""
        while True:
            todo = self.pending()
            if not todo:
                return self.case()
            self.ask_step(todo[0])

    # ---- evidence and review ----------------------------------------------------------------

    def evidence_gaps(self, case: Case | None = None) -> list[str]:
        """What the type's `needs` lack, and documents older than the window, in the interview language."""
        case = case or self.case()
        q = next((q for q in self.type_set().questions if q.needs), None)
        if q is None:
            return []
        held = {e.kind for e in case.evidence}
        kinds = self.common.labels.get("evidence_kind", {})
        notes: list[str] = []
        missing = [n.zh if self.lang == "zh" else n.en for n in q.needs if not held & set(n.any_of)]
        if missing:
            notes.append(qs.ui("evidence_missing", self.lang, missing="; ".join(missing)))
        notice = case.notification.date
        for need in q.needs:
            if need.max_age_days and notice:
                for doc in case.evidence:
                    if doc.kind in need.any_of and doc.date and (notice - doc.date).days > need.max_age_days:
                        label = kinds.get(doc.kind.value)
                        notes.append(qs.ui("evidence_old", self.lang, kind=label.get(self.lang) if label else doc.kind.value,
                                           date=doc.date.isoformat(), days=need.max_age_days))
        return notes

    def say_needs(self, q: Question) -> None:
        gaps = self.evidence_gaps()
        self.asker.say("\n".join(gaps) if gaps else qs.ui("evidence_ok", self.lang))

    def answered_steps(self) -> list[Step]:
        return [s for s in self.plan() if s.key in self.p.answers and s.q.type != "note"]

    def review_table(self) -> Any:
        from rich.table import Table

        table = Table(title=qs.ui("review_title", self.lang), show_lines=False, expand=False)
        table.add_column("#", justify="right")
        table.add_column("id")
        table.add_column("question" if self.lang == "en" else "问题", overflow="fold", max_width=50)
        table.add_column("answer" if self.lang == "en" else "答案", overflow="fold", max_width=70)
        for n, step in enumerate(self.answered_steps(), start=1):
            text = self._prompt(step, None).text.splitlines()[0]
            table.add_row(str(n), step.key, text if len(text) <= 60 else text[:57] + "…", self.display(step, self.p.answers[step.key]))
        return table

    def review(self) -> Case:
        """Show every answer; the seller edits any by number until they press Enter."""
        prompt = Prompt(key="review", text=qs.ui("review_prompt", self.lang), type="text", lang=self.lang, required=False)
        while True:
            self.asker.say(self.review_table())
            case = self.case()
            missing = missing_for_draft(case)
            self.asker.say(qs.ui("review_missing", self.lang, missing=", ".join(missing)) if missing else qs.ui("review_complete", self.lang))
            for gap in self.evidence_gaps(case):
                self.asker.say(gap)
            raw = _norm(self.asker.ask(prompt, None))
            if not raw:
                self.p.complete = True
                self.save()
                return self.case()
            steps = self.answered_steps()
            if not raw.isdigit() or not 1 <= int(raw) <= len(steps):
                self.asker.say(qs.ui("review_bad_number", self.lang, n=raw))
                continue
            self.ask_step(steps[int(raw) - 1])
            self.run()


def new_progress(lang: str, base: Case | None = None, *, skip_filled: bool = False) -> Progress:
    """A fresh interview from an empty case, a notice's prefill or a hand-made case."""
    data = base.model_dump(mode="json", exclude_none=True) if base is not None else Case().model_dump(mode="json", exclude_none=True)
    if lang == "zh" and not data.get("explanation_language"):
        data["explanation_language"] = "zh"
    return Progress(lang="zh" if lang == "zh" else "en", base=data, skip_filled=skip_filled)
