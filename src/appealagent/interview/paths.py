"""Case paths as the question files write them: "seller.login_email", "asins[].asin", "metrics[name=x].value".

Resolved against the `Case` model when a set is checked, so a typo in a data file fails
the test suite instead of silently dropping a seller's answer; read and written on the
plain case data the interview builds before the model judges it.
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any, TypeAlias, Union

from pydantic import BaseModel

from appealagent.catalog import patterns
from appealagent.interview.schema import QuestionDataError, Scalar
from appealagent.model.case import Case

CaseData: TypeAlias = dict[str, Any]
"""Plain JSON case data, built from the answers before the Case model judges it."""

SEGMENT_RE = patterns.compile(r"^([a-z_][a-z0-9_]*)(\[\]|\[([a-z_]+)=([A-Za-z0-9_.-]+)\])?$")

Segment: TypeAlias = tuple[str, str | None, str | None, str | None]


def parse_path(path: str) -> list[Segment]:
    """Split a fills path into (field, selector, key, key_value) segments; selector is None, '[]' or '[k=v]'."""
    out: list[Segment] = []
    for part in path.split("."):
        m = SEGMENT_RE.match(part)
        if not m:
            raise QuestionDataError(f"fills path {path!r}: bad segment {part!r}")
        out.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    return out


def _unwrap(annotation: object) -> tuple[object, bool]:
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


def field_info(path: str, root: type[BaseModel] = Case) -> tuple[type[BaseModel], str, object, bool]:
    """(owning model, field name, inner type, is a list) for a fills path; raises QuestionDataError when it does not exist."""
    model: type[BaseModel] = root
    segments = parse_path(path)
    for i, (name, selector, key, _value) in enumerate(segments):
        if name not in model.model_fields:
            raise QuestionDataError(f"fills path {path!r}: {model.__name__} has no field {name!r}")
        inner, is_list = _unwrap(model.model_fields[name].annotation)
        if i == len(segments) - 1:
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


def is_enum_target(path: str, root: type[BaseModel] = Case) -> bool:
    """Whether the path ends in an enum field (a choice then stores its value, not its English label)."""
    _owner, _name, inner, _is_list = field_info(path, root)
    return isinstance(inner, type) and issubclass(inner, Enum)


def get_path(data: CaseData, path: str) -> object:
    """The value at a fills path in plain case data (lists of keys for `x[].k`), or None."""
    cur: Any = data
    segs = parse_path(path)
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


def set_path(data: CaseData, path: str, value: Scalar | list[str] | None) -> str:
    """Write a value at a fills path (creating objects and keyed list elements); returns the concrete path.

    Clearing (None) never creates anything: an empty `rights_owner: {}` would only clutter the case."""
    segs = parse_path(path)
    if value is None and get_path(data, ".".join(path.split(".")[:-1])) is None and len(segs) > 1:
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
