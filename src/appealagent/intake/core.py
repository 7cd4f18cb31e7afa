"""Read an Amazon notice with rules and turn it into a partial `Case`.

Sellers start from an e-mail they only half understand. This module reads it the way a
reviewer would — which policy, which ASINs, which metric against which target, by when, which
documents — with deterministic rules kept as data in `data/intake/*.yaml`, so it works offline,
is testable, and says what it could not find instead of guessing. It is pure: text in,
`IntakeResult` out, no I/O beyond loading its own rule files once.

The flow of `parse_notice`: normalise the text (quote marks, quoted-printable, HTML, hard
wraps) → read mail headers → decide what kind of message it is (notice, newsletter, buyer
message…) → score each violation type → extract marketplace, IDs, metrics, dates, documents,
policies → assemble a `Case`, validating each value on its own so one bad value is reported
under `rejected` instead of sinking the rest.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import html
import math
import quopri
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.errors import InputError
from appealagent.model.case import (
    MARKETPLACE_DOMAINS,
    Asin,
    Case,
    Language,
    LetterKind,
    Marketplace,
    Metric,
    MetricName,
    Notification,
    Order,
    RightsOwner,
    Seller,
    ViolationType,
    has_cjk,
)

# --------------------------------------------------------------------------- result model


class Classification(BaseModel):
    """One candidate violation type, how sure the rules are, and the phrases that decided it."""

    model_config = ConfigDict(extra="forbid")

    violation_type: ViolationType
    confidence: float = Field(ge=0, le=1)
    phrases: list[str] = Field(default_factory=list)


class IntakeResult(BaseModel):
    """What the rules read from a notice: a partial case plus an account of how it was read."""

    model_config = ConfigDict(extra="forbid")

    case: Case
    classifications: list[Classification] = Field(default_factory=list)
    found: dict[str, Any] = Field(default_factory=dict)
    not_found: list[str] = Field(default_factory=list)
    masked: list[str] = Field(default_factory=list, description="Masked IDs (B0XXXXXXXX) seen and left out of the case.")
    rejected: list[str] = Field(default_factory=list, description="Values found but unusable, with the reason.")
    llm_assisted: bool = False
    notice_kind: str = Field("amazon_notice", description="amazon_notice, unclassified, newsletter, buyer_message, shipping_confirmation, unknown_language, empty.")
    message: str | None = Field(None, description="Why the notice could not be classified, when it could not.")

    @property
    def classified(self) -> bool:
        return self.case.violation_type is not None


# --------------------------------------------------------------------------- rules (data)

_I = re.IGNORECASE


@dataclass(frozen=True)
class _Phrase:
    rx: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class _TypeRule:
    scope: str
    expects: tuple[str, ...]
    subsumes: tuple[ViolationType, ...]
    phrases: tuple[_Phrase, ...]
    other_needs_metric: bool = False
    fallback: bool = False


@dataclass(frozen=True)
class _Rules:
    settings: dict[str, Any]
    types: dict[ViolationType, _TypeRule]
    enforcement: tuple[_Phrase, ...]
    not_a_notice: dict[str, tuple[str, tuple[_Phrase, ...]]]
    scope_account: tuple[_Phrase, ...]
    scope_listing: tuple[_Phrase, ...]
    status: dict[str, tuple[_Phrase, ...]]
    x: dict[str, Any]  # extraction.yaml, compiled where useful
    metrics: dict[str, Any]
    market: dict[str, Any]
    deadlines: dict[str, Any]
    documents: dict[str, Any]
    policies: dict[str, Any]
    months: dict[str, int]
    date_rx: dict[str, re.Pattern[str]] = field(default_factory=dict)
    families: dict[str, tuple[re.Pattern[str], tuple[ViolationType, ...], str]] = field(default_factory=dict)


def _load_yaml(name: str) -> Any:
    from appealagent.catalog.datafiles import load_yaml

    return load_yaml(f"intake/{name}")


def _phrases(items: list[dict[str, Any]]) -> tuple[_Phrase, ...]:
    return tuple(_Phrase(re.compile(p["re"], _I), float(p["w"])) for p in items)


def _alt(patterns: list[str]) -> str:
    return "(?:" + "|".join(patterns) + ")"


@functools.cache
def rules() -> _Rules:
    """All intake rules, loaded and compiled once per process (the CLI stays fast)."""
    v = _load_yaml("violations.yaml")
    s = _load_yaml("signals.yaml")
    x = _load_yaml("extraction.yaml")
    m = _load_yaml("metrics.yaml")
    mk = _load_yaml("marketplaces.yaml")
    d = _load_yaml("deadlines.yaml")
    docs = _load_yaml("documents.yaml")
    pol = _load_yaml("policies.yaml")
    months_data = _load_yaml("dates.yaml")["months"]
    settings = _load_yaml("settings.yaml")

    types = {
        ViolationType(name): _TypeRule(
            scope=spec.get("scope", "account"),
            expects=tuple(spec.get("expects") or ()),
            subsumes=tuple(ViolationType(t) for t in spec.get("subsumes") or ()),
            phrases=_phrases(spec["phrases"]),
            other_needs_metric=bool(spec.get("other_needs_metric")),
            fallback=bool(spec.get("fallback")),
        )
        for name, spec in v["types"].items()
    }
    x = dict(x)
    ids = x["ids"]
    x["rx"] = {k: re.compile(ids[k]) for k in ("asin_masked", "order_id", "order_id_masked", "email")}
    x["rx"]["asin"] = re.compile(ids["asin"], _I)
    x["rx"]["asin_isbn_labelled"] = re.compile(ids["asin_isbn_labelled"], _I)
    x["rx"]["complaint_inline"] = re.compile(x["complaint_inline"], _I)
    x["mask_rx"] = re.compile(f"[{re.escape(ids['mask_chars'])}]{{{int(ids['min_mask_chars'])},}}")
    x["label_rx"] = {
        key: re.compile(r"^\s*[*_]*\s*" + _alt(labels) + r"\s*[*_]*\s*[:：#]\s*(?P<v>.*?)\s*$", _I)
        for key, labels in x["labels"].items()
    }
    x["cell_label_rx"] = re.compile(_alt(["ASINs?", *[lab for labels in x["labels"].values() for lab in labels]]), _I)
    x["cell_title_rx"] = re.compile(_alt(x["labels"]["title"]), _I)
    x["any_label_rx"] = re.compile(
        r"\b" + _alt([lab for labels in x["labels"].values() for lab in labels]) + r"\s*[:：]", _I
    )
    x["value_rx"] = {k: re.compile(p) for k, p in x["values"].items()}
    x["inline_rx"] = [re.compile(p, _I) for p in x["rights_owner_inline"]]
    x["mention_rx"] = re.compile(x["rights_owner_mention"], _I)
    x["greeting_rx"] = re.compile(x["greeting"], _I)
    x["header_rx"] = re.compile(
        r"^\s*[*_]*\s*(?P<label>" + _alt([lab for labels in x["headers"].values() for lab in labels]) + r")\s*[*_]*\s*[:：]\s*(?P<v>.*?)\s*$",
        _I,
    )
    x["header_key"] = {lab.lower(): key for key, labels in x["headers"].items() for lab in labels}
    x["forward_rx"] = re.compile(_alt(x["forward_markers"]), _I)
    x["reply_rx"] = re.compile(x["reply_line"], _I)
    x["date_label_rx"] = re.compile(r"^\s*" + _alt(x["date_labels"]) + r"\s*[:：]\s*(?P<v>.+?)\s*$", _I)

    metrics = dict(m)
    metrics["alias_rx"] = [
        (name, re.compile(alias, _I)) for name, spec in m["metrics"].items() for alias in spec["aliases"]
    ]
    for key in ("percent", "window", "period", "period_joiner", "counts"):
        metrics[key + "_rx"] = re.compile(m[key], _I)
    metrics["target_before_rx"] = re.compile(r"(?:" + m["target_words"] + r")[^\d]{0,14}$", _I)
    metrics["comparator_rx"] = re.compile(r"(" + m["comparators"] + r")[^\d]{0,6}$", _I)
    metrics["target_after_rx"] = re.compile(r"\s*(" + m["target_after"] + r")\b", _I)
    metrics["counts_owner_rx"] = [(re.compile(o["re"], _I), o["metric"]) for o in m.get("counts_owner") or []]

    market = dict(mk)
    market["currency_rx"] = [(re.compile(c["re"]), [Marketplace(t) for t in c["to"]]) for c in mk["currencies"]]
    market["host_rx"] = re.compile(r"(?<![\w@-])(?:[a-z0-9-]+\.)*amazon(?:\.[a-z]{2,3}){1,2}(?![\w-])|@(?:[a-z0-9-]+\.)*amazon(?:\.[a-z]{2,3}){1,2}(?![\w-])", _I)
    market["explicit_rx"] = re.compile(mk["explicit"], _I)
    market["lang_words"] = {lang: {w.lower() for w in words} for lang, words in mk["languages"]["words"].items()}

    dl = dict(d)
    dl["duration"] = d["duration"].replace("{numbers}", "|".join(sorted(map(re.escape, d["number_words"]), key=len, reverse=True)))
    for key in ("duration", "window_before", "window_after", "review", "inventory", "funds", "respond", "by_date"):
        dl[key + "_rx"] = re.compile(dl[key], _I)

    dc = dict(docs)
    dc["refused_rx"] = re.compile(docs["refused"], _I)
    dc["window_rx"] = re.compile(docs["window"], _I)
    dc["window_before_rx"] = re.compile(docs["window_before"], _I) if docs.get("window_before") else None
    dc["request_rx"] = re.compile(docs["request"], _I)
    dc["doc_rx"] = {key: re.compile(spec["re"], _I) for key, spec in docs["documents"].items()}

    pl = dict(pol)
    pl["bsa_rx"] = re.compile(pol["bsa"]["re"], _I)
    pl["bsa_bare_rx"] = re.compile(pol["bsa"]["bare"], _I)
    pl["policy_rx"] = [(p["name"], re.compile(p["re"], _I)) for p in pol["policies"]]

    months = {name.lower(): int(num) for num, names in months_data.items() for name in names}
    month_alt = "|".join(sorted((re.escape(n) for n in months), key=len, reverse=True))
    mon = rf"(?<![^\W\d_])(?P<mon>{month_alt})(?![^\W\d_])\.?"
    date_rx = {
        "ymd": re.compile(r"(?<![\d.])(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?![\d])"),
        "mdy": re.compile(mon + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)", _I),
        "dmy": re.compile(r"(?<![\d.])(?P<d>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?" + mon + r",?\s+(?:de\s+)?(?P<y>\d{4})(?!\d)", _I),
        "num": re.compile(r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d]|[./-]\d)"),
    }
    return _Rules(
        settings=settings,
        types=types,
        enforcement=_phrases(s["enforcement"]),
        not_a_notice={k: (spec["message"], _phrases(spec["phrases"])) for k, spec in s["not_a_notice"].items()},
        scope_account=_phrases(s["scope"]["account"]),
        scope_listing=_phrases(s["scope"]["listing"]),
        status={name: _phrases(items) for name, items in s.get("status", {}).items()},
        x=x,
        metrics=metrics,
        market=market,
        deadlines=dl,
        documents=dc,
        policies=pl,
        months=months,
        date_rx=date_rx,
        families={
            name: (re.compile(f["re"], _I), tuple(ViolationType(c) for c in f["candidates"]), f["message"])
            for name, f in (v.get("families") or {}).items()
        },
    )


# --------------------------------------------------------------------------- text preparation

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f\u3000"}  # tabs stay: they separate table cells
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"', ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2212"): "-"}
_BULLET_RX = re.compile(r"^\s*(?:[-*•·▪◦–—]+|\d{1,2}[.)]|\(?[a-z][.)])\s+")
_LABEL_LINE_RX = re.compile(r"^\s*[*_]*[^\s:：][^:：]{0,40}[:：](?:\s|$)")
_SENT_SPLIT_RX = re.compile(r"(?<=[.!?])\s+(?=[^\s])|(?<=[。！？])\s*(?=[^\s])")


@dataclass
class _Text:
    """The notice in the shapes the rules need: lines for labels, flat text for phrases."""

    lines: list[str]
    flat: str
    starts: list[int]  # start offset of each sentence in `flat`
    ends: list[int]
    intros: list[str] = field(default_factory=list)  # for list items: the line that introduced the list
    records: list[str] = field(default_factory=list)  # 'Label: value' lines rebuilt from tables

    @property
    def label_lines(self) -> list[str]:
        """The lines plus the table cells as 'Label: value' lines, for labelled fields."""
        return self.lines + self.records

    def sentence(self, pos: int) -> str:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.flat[self.starts[i] : self.ends[i]]

    def intro(self, pos: int) -> str:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.intros[i] if i < len(self.intros) else ""

    def sentence_span(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.starts[i], self.ends[i]


_ENTITY_RX = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,5}|#[xX][0-9A-Fa-f]{2,4});")


def _decode_transfer_encodings(text: str) -> str:
    """Undo quoted-printable and HTML that some mail clients leave in a paste."""
    if len(re.findall(r"=\n", text)) >= 2 and len(re.findall(r"=[0-9A-F]{2}", text)) >= 1:
        try:
            text = quopri.decodestring(text.encode("utf-8")).decode("utf-8", errors="replace")
        except ValueError:
            pass
    if len(re.findall(r"</?(?:html|body|div|p|br|table|tr|td|span|li|ul)\b[^>]*>", text, _I)) >= 3:
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|tr|li|h\d|table)>", "\n", text)
        text = re.sub(r"(?i)</t[dh]>", "\t", text)
        text = re.sub(r"(?s)<!--.*?-->", "", text)
        text = html.unescape(re.sub(r"</?[A-Za-z][^<>]*>", "", text))  # not '< 1% … >' in a table
    else:
        # A paste with a few remnants: <br> line breaks, <b> tags, &nbsp; and &amp; entities.
        text = re.sub(r"(?i)<br\s*/?>", "\n", text)
        text = re.sub(r"(?i)</?(?:b|i|u|em|strong|span|font)(?:\s[^<>]*)?>", "", text)
        if _ENTITY_RX.search(text):
            text = html.unescape(text)
    return text


def normalise(text: str) -> str:
    """The notice as plain lines: one newline style, no zero-width characters, no quote marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _decode_transfer_encodings(text)
    text = text.translate(_ZERO_WIDTH).translate(_SPACES).translate(_QUOTES)
    text = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", text)
    text = re.sub(r"(\d)-\n[ \t]*(\d)", r"\1-\2", text)  # order IDs split at a hyphen
    text = re.sub(r"([A-Za-z])-\n[ \t]*([a-z])", r"\1-\2", text)  # pre-\nfulfilment
    return text


def _is_record_line(line: str) -> bool:
    """'ASIN: B0…', 'Complaint ID: …', 'From: …' — a line of its own, not part of a wrapped
    sentence (while 'Please note: you must submit…' wrapped over two lines stays one)."""
    m = _LABEL_LINE_RX.match(line)
    if not m:
        return False
    x = rules().x
    if x["any_label_rx"].match(line) or x["header_rx"].match(line):
        return True
    key = re.split(r"[:：]", line, maxsplit=1)[0]
    return len(line) <= 48 and len(key.split()) <= 4


def _units(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs; keep bullets, labels and headings apart."""
    units: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            units.append(" ".join(current))
            current.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            close()
            continue
        record = _is_record_line(line)
        if _BULLET_RX.match(line) or record:
            close()
        current.append(line)
        if line.endswith((":", "?", "：", "？")) or record:
            close()
    close()
    return units


_CELL_SPLIT_RX = re.compile(r"\t+| {2,}|\s*\|\s*")
_ROW_RX = re.compile(r"\t| {2,}\S|\S\s*\|\s*\S")
_ASIN_CELL_RX = re.compile(r"ASINs?", _I)


def _cells(line: str) -> list[str]:
    """A table row's cells, split at tabs, pipes or runs of spaces; [] for an ordinary line."""
    if not _ROW_RX.search(line.strip()):
        return []
    cells = [c.strip() for c in _CELL_SPLIT_RX.split(line.strip().strip("|"))]
    return cells if len(cells) >= 2 else []


def _table_records(lines: list[str]) -> list[str]:
    """Tables pasted from Seller Central ('ASIN<tab>Title<tab>Complaint ID') as 'Label: value'
    lines, so the labelled-field rules read a table cell like a 'Complaint ID: …' line.

    A header row is one whose cells are known labels (at least two, 'ASIN' counts); the rows
    under it with as many cells are read until a row that does not fit."""
    x = rules().x
    label_rx, title_rx = x["cell_label_rx"], x["cell_title_rx"]
    records: list[str] = []
    header: list[str] = []
    for line in lines:
        cells = _cells(line)
        if cells and sum(1 for c in cells if label_rx.fullmatch(c)) >= 2:
            header = cells
            continue
        if header and len(cells) == len(header):
            row = [(h, c) for h, c in zip(header, cells, strict=False) if c]
            # The ASIN first and its title right after, as in the 'ASIN: …' / 'Title: …' layout.
            row.sort(key=lambda hc: 0 if _ASIN_CELL_RX.fullmatch(hc[0]) else 1 if title_rx.fullmatch(hc[0]) else 2)
            records.extend(f"{h}: {c}" for h, c in row)
            continue
        if header and line.strip():
            header = []
    return records


def prepare(text: str) -> _Text:
    """Normalise and index the notice once; every rule reads this."""
    norm = normalise(text)
    lines = norm.split("\n")
    flat_parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    intros: list[str] = []
    pos = 0
    intro = ""
    after_intro = False
    for unit in _units(lines):
        unit = re.sub(r"\s+", " ", unit).strip()
        if not (after_intro or _BULLET_RX.match(unit)):
            intro = ""
        for sent in _SENT_SPLIT_RX.split(unit):
            if not sent:
                continue
            starts.append(pos)
            ends.append(pos + len(sent))
            intros.append(intro)
            flat_parts.append(sent)
            pos += len(sent) + 1
        after_intro = unit.endswith((":", "："))
        if after_intro:
            intro = unit
    flat = " ".join(flat_parts)
    if not starts:
        starts, ends = [0], [0]
    return _Text(lines=lines, flat=flat, starts=starts, ends=ends, intros=intros, records=_table_records(lines))


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class _DateHit:
    date: dt.date | None
    start: int
    end: int
    raw: str
    ambiguous: bool = False


def _mkdate(y: int, m: int, d: int) -> dt.date | None:
    if y < 100:
        y += 2000
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(s: str, order: str | None) -> list[_DateHit]:
    """Every date in `s`; `order` ('MDY', 'DMY', 'YMD' or None) settles 03/11/2026.

    With no order an ambiguous numeric date comes back with date=None and ambiguous=True,
    so the caller can say so instead of picking one reading.
    """
    r = rules()
    hits: list[_DateHit] = []
    for kind, rx in r.date_rx.items():
        for m in rx.finditer(s):
            g = m.groupdict()
            date: dt.date | None
            ambiguous = False
            if kind in ("mdy", "dmy"):
                date = _mkdate(int(g["y"]), r.months[g["mon"].lower().rstrip(".")], int(g["d"]))
            elif kind == "ymd":
                date = _mkdate(int(g["y"]), int(g["m"]), int(g["d"]))
            else:
                a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
                if g["sep"] == "." or a > 12:
                    date = _mkdate(y, b, a)
                elif b > 12 or a == b or order == "MDY":
                    date = _mkdate(y, a, b)
                elif order in ("DMY", "YMD"):
                    date = _mkdate(y, b, a)
                else:
                    date, ambiguous = None, True
            if date is None and not ambiguous:
                continue
            hits.append(_DateHit(date, m.start(), m.end(), m.group(0), ambiguous))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_DateHit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _date_order(marketplace: Marketplace | None) -> str | None:
    if marketplace is None:
        return None
    mk = rules().market
    if marketplace.value in mk["month_first"]:
        return "MDY"
    if marketplace.value in mk["year_first"]:
        return "YMD"
    return "DMY"


def _add(date: dt.date, n: int, unit: str) -> dt.date:
    if unit == "hour":
        return date + dt.timedelta(days=math.ceil(n / 24))
    if unit == "week":
        return date + dt.timedelta(weeks=n)
    if unit == "business_day":
        d = date
        while n > 0:
            d += dt.timedelta(days=1)
            if d.weekday() < 5:
                n -= 1
        return d
    if unit == "month":
        month = date.month - 1 + n
        year, month = date.year + month // 12, month % 12 + 1
        return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))
    return date + dt.timedelta(days=n)


# --------------------------------------------------------------------------- headers


@dataclass
class _Header:
    fields: dict[str, str]
    line: int

    @property
    def sender(self) -> str | None:
        m = re.search(rules().x["ids"]["email"], self.fields.get("from", ""))
        return m.group(0).lower() if m else None

    @property
    def from_amazon(self) -> bool:
        sender = self.sender or ""
        return bool(re.search(r"@(?:[\w-]+\.)*amazon\.", sender)) and "marketplace.amazon" not in sender


def find_headers(lines: list[str]) -> list[_Header]:
    """Mail header blocks (From/Date/Subject/To) of forwards, replies and pasted e-mails."""
    x = rules().x
    blocks: list[_Header] = []
    current: dict[str, str] = {}
    start = 0
    last_key: str | None = None
    for i, line in enumerate([*lines, ""]):
        m = x["header_rx"].match(line)
        if m:
            key = x["header_key"].get(m.group("label").lower())
            if not current:
                start = i
            if key and key not in current:
                current[key] = m.group("v")
            last_key = key
            continue
        if current and last_key and line[:1] in (" ", "\t") and line.strip():
            current[last_key] = f"{current[last_key]} {line.strip()}"  # a folded header line
            continue
        if len(current) >= 2 and ("from" in current or "date" in current):
            blocks.append(_Header(dict(current), start))
        current, last_key = {}, None
    for i, line in enumerate(lines):
        if x["reply_rx"].match(line.strip()):
            blocks.append(_Header({"from": line.strip(), "date": line.strip()}, i))
    blocks.sort(key=lambda h: h.line)
    return blocks


def _main_header(headers: list[_Header]) -> _Header | None:
    """The header of Amazon's own message: the innermost one from an Amazon address."""
    amazon = [h for h in headers if h.from_amazon]
    if amazon:
        return amazon[-1]
    return headers[-1] if headers else None


# --------------------------------------------------------------------------- classification


def _score(phrases: tuple[_Phrase, ...], flat: str) -> tuple[float, list[str]]:
    """Noisy-OR of the weights of the distinct phrases found, and the text they matched."""
    miss = 1.0
    hits: list[str] = []
    for p in phrases:
        m = p.rx.search(flat)
        if m:
            miss *= 1.0 - p.weight
            hits.append(m.group(0))
    return 1.0 - miss, hits


def score_types(flat: str) -> dict[ViolationType, tuple[float, list[str]]]:
    return {vt: _score(rule.phrases, flat) for vt, rule in rules().types.items()}


def _not_a_notice(flat: str) -> tuple[str | None, float, str | None, list[str]]:
    best: tuple[str | None, float, str | None, list[str]] = (None, 0.0, None, [])
    for kind, (message, phrases) in rules().not_a_notice.items():
        score, hits = _score(phrases, flat)
        if score > best[1]:
            best = (kind, score, message, hits)
    return best


def _scope(flat: str, vt: ViolationType | None) -> tuple[bool | None, list[str]]:
    r = rules()
    acc, acc_hits = max(((p.weight, m.group(0)) for p in r.scope_account if (m := p.rx.search(flat))), default=(0.0, ""))
    lst, lst_hits = max(((p.weight, m.group(0)) for p in r.scope_listing if (m := p.rx.search(flat))), default=(0.0, ""))
    if vt is None and max(acc, lst) < 0.8:
        return None, []  # with no violation, only an actual deactivation or removal says the level
    if acc > lst:
        return True, [acc_hits]
    if lst > acc:
        return False, [lst_hits]
    if vt is None:
        return None, []
    return r.types[vt].scope == "account", [h for h in (acc_hits, lst_hits) if h]


def _status(flat: str) -> tuple[str | None, str | None]:
    """What the notice did (deactivated, at risk, listings removed…) and the phrase that says so."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    for name, phrases in rules().status.items():
        for p in phrases:
            m = p.rx.search(flat)
            if m and p.weight > best[0]:
                best = (p.weight, name, m.group(0))
    return best[1], best[2]


def _script_of(text: str) -> str:
    """The most common non-Latin script among the letters, for an 'unknown language' message."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha() and not ("a" <= ch.lower() <= "z"):
            try:
                name = unicodedata.name(ch).split()[0]
            except ValueError:
                continue
            if name != "LATIN":
                counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__).title() if counts else "unknown"


@functools.lru_cache(maxsize=8)
def _latin_share(text: str) -> float:
    """Share of Latin letters; asked twice per notice (kind and language), computed once."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    latin = sum(1 for ch in letters if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"))
    return latin / len(letters)


# --------------------------------------------------------------------------- marketplace & language

_DOMAIN_TO_MARKET = {domain: mk for mk, domain in MARKETPLACE_DOMAINS.items()}


def _host_market(host: str) -> Marketplace | None:
    mk = rules().market
    host = host.lower().lstrip("@").rstrip(".")
    if host in mk["neutral_hosts"]:
        return None
    if host in mk["host_overrides"]:
        return Marketplace(mk["host_overrides"][host])
    m = re.search(r"amazon(?:\.[a-z]{2,3}){1,2}$", host)
    return _DOMAIN_TO_MARKET.get(m.group(0)) if m else None


def detect_language(flat: str) -> str:
    """The notice's main language: 'ja' with kana, 'zh' for Chinese only, else by common words."""
    if re.search(r"[\u3040-\u30ff]", flat):
        return "ja"
    latin = _latin_share(flat)
    if has_cjk(flat) and latin < 0.5:
        return "zh"
    mk = rules().market
    words = set(re.findall(r"[^\W\d_]+", flat.lower()))
    counts = {lang: len(words & vocab) for lang, vocab in mk["lang_words"].items()}
    lang = max(counts, key=counts.__getitem__)
    if counts[lang] < mk["languages"]["min_hits"]:
        return "en" if latin >= 0.5 else "unknown"
    return lang


def detect_marketplace(flat: str, sender: str | None, language: str) -> tuple[Marketplace | None, list[str]]:
    """Weigh sender domain, Amazon hosts, currency and language; a tie means 'not found'."""
    mk = rules().market
    w = mk["weights"]
    scores: dict[Marketplace, float] = {}
    signals: list[str] = []

    def add(market: Marketplace, weight: float, why: str) -> None:
        scores[market] = scores.get(market, 0.0) + weight
        signals.append(f"{why} → {market.value}")

    explicit = {(next(g for g in m.groups() if g)).lower() for m in mk["explicit_rx"].finditer(flat)}
    for host in sorted(explicit):
        market = _host_market(host)
        if market:
            add(market, w["explicit"], f"named in the notice: {host}")
    if sender:
        market = _host_market(sender.split("@", 1)[1])
        if market:
            add(market, w["sender"], f"sender {sender}")
    seen: set[str] = set()
    for m in mk["host_rx"].finditer(flat):
        host = m.group(0).lower().lstrip("@")
        if host in seen:
            continue
        seen.add(host)
        market = _host_market(host)
        if market:
            add(market, w["host"], f"site {host}")
    for rx, markets in mk["currency_rx"]:
        m = rx.search(flat)
        if m:
            for market in markets:
                add(market, w["currency"] / len(markets), f"currency {m.group(0)}")
    for code in mk["language_marketplace"].get(language, []):
        market = Marketplace(code)
        add(market, w["language"] / len(mk["language_marketplace"][language]), f"language {language}")
    if not scores:
        return None, signals
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and math.isclose(ranked[0][1], ranked[1][1]):
        return None, signals
    return ranked[0][0], signals


# --------------------------------------------------------------------------- identifiers


def _is_masked(value: str) -> bool:
    return bool(rules().x["mask_rx"].search(value))


def find_asins(text: _Text) -> tuple[list[str], list[str]]:
    """Real ASINs in order of appearance, and masked ones (B0XXXXXXXX) kept apart."""
    rx = rules().x["rx"]
    asins: list[str] = []
    masked: list[str] = []
    for m in rx["asin"].finditer(text.flat):
        if _is_masked(m.group(0)):
            masked.append(m.group(0))
        else:
            asins.append(m.group(0).upper())
    for m in rx["asin_isbn_labelled"].finditer(text.flat):
        asins.append(m.group(1).upper())
    for m in rx["asin_masked"].finditer(text.flat):
        if _is_masked(m.group(0)):
            masked.append(m.group(0))
    return _dedupe(asins), _dedupe(masked)


def find_order_ids(text: _Text) -> tuple[list[str], list[str]]:
    rx = rules().x["rx"]
    orders = [m.group(0) for m in rx["order_id"].finditer(text.flat)]
    masked = [m.group(0) for m in rx["order_id_masked"].finditer(text.flat) if _is_masked(m.group(0))]
    return _dedupe(orders), _dedupe(masked)


def _dedupe(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _labelled(lines: list[str], key: str) -> list[str]:
    """Values of 'Label: value' lines for one field, cut at the next known label on the line."""
    x = rules().x
    values = []
    for line in lines:
        m = x["label_rx"][key].match(line)
        if not m:
            continue
        value = m.group("v")
        nxt = x["any_label_rx"].search(value)
        if nxt:
            value = value[: nxt.start()]
        value = value.strip(" \t-–|,;")
        if value:
            values.append(value)
    return values


def find_complaint_ids(text: _Text) -> tuple[list[str], list[str]]:
    rx = rules().x["value_rx"]["complaint_id"]
    ids: list[str] = []
    masked: list[str] = []
    for value in _labelled(text.label_lines, "complaint_id"):
        for m in rx.finditer(value):
            (masked if _is_masked(m.group(1)) else ids).append(m.group(1))
    for m in rules().x["rx"]["complaint_inline"].finditer(text.flat):
        ids.extend(re.findall(r"\d{6,15}", m.group(1)))
    return _dedupe(ids), _dedupe(masked)


def find_rights_owner(text: _Text, exclude_emails: set[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Name, e-mail, brand and registration the complaint names; notes say how each was found;
    masked registration numbers come back apart."""
    x = rules().x
    owner: dict[str, str] = {}
    notes: list[str] = []
    masked: list[str] = []
    email_rx = re.compile(x["ids"]["email"])
    for key, field_name in (("rights_owner_name", "name"), ("rights_owner_email", "email"), ("brand", "brand"), ("ip_reference", "ip_reference")):
        values = _labelled(text.label_lines, key)
        if not values:
            continue
        value = values[0]
        if field_name == "name":
            em = email_rx.search(value)
            if em:
                owner.setdefault("email", em.group(0))
                value = value[: em.start()].strip(" (<,;-")
            if not value or email_rx.fullmatch(value):
                continue
        if field_name == "email":
            em = email_rx.search(value)
            if not em:
                continue
            value = em.group(0)
        if field_name == "ip_reference":
            if _is_masked(value):
                masked.append(value)
                continue
            vm = x["value_rx"]["ip_reference"].search(value)
            value = vm.group(0).strip() if vm else value
        owner.setdefault(field_name, value[:200])
    if "name" not in owner or "email" not in owner:
        for rx in x["inline_rx"]:
            m = rx.search(text.flat)
            if m:
                owner.setdefault("name", m.group("name").strip())
                owner.setdefault("email", m.group("email"))
                break
    if "email" not in owner:
        for mention in x["mention_rx"].finditer(text.flat):
            window = text.flat[mention.end() : mention.end() + x["rights_owner_email_reach"]]
            for em in email_rx.finditer(window):
                address = em.group(0)
                if address.lower() in exclude_emails or re.search(r"@(?:[\w-]+\.)*amazon\.", address, _I):
                    continue
                owner["email"] = address
                notes.append("rights_owner.email: the first non-Amazon address after the rights owner is mentioned")
                break
            if "email" in owner:
                break
    return owner, notes, masked


def _looks_like_title(value: str) -> bool:
    """A product title, not 'Complaint count: 3', 'order 111-…' or another label's value."""
    if rules().x["any_label_rx"].match(value) or re.match(r"^[\w ]{2,30}[:：]\s", value):
        return False
    if rules().x["rx"]["order_id"].search(value) or rules().x["rx"]["order_id_masked"].search(value):
        return False
    return len(re.findall(r"[^\W\d_]{2,}", value)) >= 2


def find_asin_details(lines: list[str], asins: list[str]) -> dict[str, dict[str, str]]:
    """Title (or a note such as 'Complaint count: 3') written next to an ASIN, or a 'Title:'
    line right after it."""
    details: dict[str, dict[str, str]] = {}
    wanted = set(asins)
    x = rules().x
    for i, line in enumerate(lines):
        found = [a for a in re.findall(r"B0[A-Z0-9]{8}", line) if a in wanted]
        if len(found) != 1:
            continue
        asin = found[0]
        if len([c for c in _cells(line) if re.search(r"\w", c)]) >= 3:
            continue  # a table row: read from its 'ASIN: …' / 'Title: …' records instead
        rest = line[line.index(asin) + len(asin) :]
        m = re.match(r"\s*[-–|,:)]*\s*(?:" + _alt(x["labels"]["title"]) + r"\s*[:：]\s*)?(?P<t>[^\s].{2,150}?)\s*$", rest, _I)
        if m and _looks_like_title(m.group("t")):
            details[asin] = {"title": m.group("t")}
            continue
        if m and re.match(r"^[\w ]{2,30}[:：]\s*\S", m.group("t")) and not x["any_label_rx"].match(m.group("t")):
            details[asin] = {"note": m.group("t")}
            continue
        for nxt in lines[i + 1 : i + 3]:
            t = x["label_rx"]["title"].match(nxt)
            if t and t.group("v"):
                details[asin] = {"title": t.group("v")[:150]}
                break
            if nxt.strip() and re.search(r"B0[A-Z0-9]{8}", nxt):
                break
    return details


# --------------------------------------------------------------------------- metrics


def _number(s: str) -> float:
    return float(s.replace(",", "."))


def _fmt(value: float) -> str:
    return f"{value:g}"


def find_metrics(text: _Text, date_spans: list[tuple[int, int]], order: str | None) -> list[dict[str, Any]]:
    """Each metric the notice quotes with its value, stated target, window and counts."""
    m = rules().metrics
    flat = text.flat
    hits = sorted({(mm.start(), mm.end(), name) for name, rx in m["alias_rx"] for mm in rx.finditer(flat)})
    found: dict[str, dict[str, Any]] = {}
    for i, (start, end, name) in enumerate(hits):
        if name in found:
            continue
        spec = m["metrics"][name]
        nxt = next((h[0] for h in hits[i + 1 :] if h[2] != name and h[0] >= end), len(flat))
        window = flat[end : min(nxt, end + m["reach"])]
        value, target, used = _value_and_target(window, end, spec.get("percent", True), date_spans)
        if value is None:
            continue
        sent_start, _ = text.sentence_span(start)
        region = flat[sent_start : min(nxt, end + m["reach"])]
        entry: dict[str, Any] = {"name": name, "value": value, "phrase": flat[start : end + used].strip()}
        if target:
            entry["target"] = target
        wm = m["window_rx"].search(region)
        if wm:
            entry["window_days"] = int(next(g for g in wm.groups() if g))
        period = _find_period(region, order)
        if period:
            entry["period_start"], entry["period_end"] = period
            entry.setdefault("window_days", (period[1] - period[0]).days + 1)
        cm = m["counts_rx"].search(region)
        if cm:
            entry["defects"] = int(cm.group(1).replace(",", ""))
            entry["orders"] = int(cm.group(2).replace(",", ""))
            entry["_counts_at"] = sent_start + cm.start()
        found[name] = entry
    _assign_owned_counts(flat, found)
    return list(found.values())


def _assign_owned_counts(flat: str, found: dict[str, dict[str, Any]]) -> None:
    """'Orders with defects: 14 of 449 orders' under a table belongs to the ODR, not to the
    row (chargebacks) it happens to follow: counts whose own words name a metric go there."""
    m = rules().metrics
    for cm in m["counts_rx"].finditer(flat):
        before = flat[max(0, cm.start() - int(m.get("counts_before", 60))) : cm.start()]
        owner = next((metric for rx, metric in m["counts_owner_rx"] if rx.search(before)), None)
        if owner not in found:
            continue
        for name, entry in found.items():
            if name != owner and entry.get("_counts_at") == cm.start():
                for key in ("defects", "orders", "_counts_at"):
                    entry.pop(key, None)
        target = found[owner]
        if "defects" not in target:
            target["defects"] = int(cm.group(1).replace(",", ""))
            target["orders"] = int(cm.group(2).replace(",", ""))
    for entry in found.values():
        entry.pop("_counts_at", None)


def _find_period(region: str, order: str | None) -> tuple[dt.date, dt.date] | None:
    """'between September 4, 2026 and November 2, 2026' / 'from 2026-09-04 to 2026-11-02'."""
    m = rules().metrics
    for lead in m["period_rx"].finditer(region):
        dates = find_dates(region[lead.end() : lead.end() + 90], order)
        if len(dates) < 2 or dates[0].start != 0 or not (dates[0].date and dates[1].date):
            continue
        gap = region[lead.end() + dates[0].end : lead.end() + dates[1].start]
        if m["period_joiner_rx"].fullmatch(gap) and dates[0].date <= dates[1].date:
            return dates[0].date, dates[1].date
    return None


def _value_and_target(window: str, offset: int, percent: bool, date_spans: list[tuple[int, int]]) -> tuple[float | None, str | None, int]:
    """The first plain number is the value; one led by 'target/under/above…' (or followed by
    'or higher') is the target. Also returns how far into the window they were read."""
    m = rules().metrics
    if percent:
        numbers = [(mm.start(), mm.end(), _number(mm.group(1))) for mm in m["percent_rx"].finditer(window)]
    else:
        numbers = [
            (mm.start(), mm.end(), float(mm.group(1)))
            for mm in re.finditer(r"(?<![\d.,])(\d{1,4})(?![\d.,]*\d)(?!\s?%)", window)
            if not any(a <= offset + mm.start() < b for a, b in date_spans)
        ]
    value: float | None = None
    target: str | None = None
    used = 0
    prev = 0
    unit = "%" if percent else ""
    for start, end, number in numbers:
        before = window[max(prev, start - 40) : start]
        prev = end
        after = m["target_after_rx"].match(window[end:])
        if m["target_before_rx"].search(before) or after:
            if target is None:
                comp = m["comparator_rx"].search(before)
                if comp:
                    target = f"{comp.group(1).lower()} {_fmt(number)}{unit}"
                elif after:
                    target = f"{_fmt(number)}{unit} {after.group(1).lower()}"
                    end += after.end()
                else:
                    target = f"{_fmt(number)}{unit}"
                used = max(used, end)
        elif value is None:
            value = number
            used = max(used, end)
        if value is not None and target is not None:
            break
    return value, target, used


def _breach(metric: dict[str, Any]) -> bool | None:
    """Whether the value misses the target (stated, else Amazon's usual one from the data)."""
    spec = rules().metrics["metrics"][metric["name"]]
    limit = spec.get("target")
    if metric.get("target"):
        nm = re.search(r"\d+(?:\.\d+)?", metric["target"])
        limit = float(nm.group(0)) if nm else limit
    if limit is None:
        return None
    return metric["value"] > limit if spec["direction"] == "max" else metric["value"] < limit


# --------------------------------------------------------------------------- deadlines


_UNITS = [
    ("business_day", r"business|working|工作日|営業日"),
    ("hour", r"hour|stunden|heures|horas|\bore\b|時間|小时"),
    ("week", r"week"),
    ("month", r"month"),
    ("day", r"."),
]


def _unit(raw: str) -> str:
    return next(name for name, rx in _UNITS if re.search(rx, raw, _I))


def find_periods(text: _Text) -> dict[str, list[dict[str, Any]]]:
    """Every 'N days/hours' sorted into respond / funds / inventory by the sentence around it."""
    d = rules().deadlines
    out: dict[str, list[dict[str, Any]]] = {"respond": [], "funds": [], "inventory": []}
    flat = text.flat
    for m in d["duration_rx"].finditer(flat):
        if d["window_before_rx"].search(flat[max(0, m.start() - 25) : m.start()]) or d["window_after_rx"].search(flat[m.end() : m.end() + 20]):
            continue
        sentence = text.sentence(m.start())
        if d["review_rx"].search(sentence):
            continue
        raw_n = m.group("n").lower()
        n = int(raw_n) if raw_n.isdigit() else int(d["number_words"][raw_n])
        unit = _unit(m.group("unit") or m.group("cjk"))
        lead = re.search(r"(?:within|in the next|in|after|for up to|up to|for|of)\s+$", flat[max(0, m.start() - 16) : m.start()], _I)
        phrase = (lead.group(0) if lead else "") + m.group(0)
        item = {"n": n, "unit": unit, "text": phrase.strip(), "sentence": sentence[:300]}
        if d["inventory_rx"].search(sentence):
            out["inventory"].append(item)
        elif d["funds_rx"].search(sentence):
            out["funds"].append(item)
        elif d["respond_rx"].search(sentence):
            out["respond"].append(item)
    return out


def find_dated_deadline(text: _Text, order: str | None) -> _DateHit | None:
    """A deadline written as a date: 'submit … by November 20, 2026'."""
    d = rules().deadlines
    for m in d["by_date_rx"].finditer(text.flat):
        sentence = text.sentence(m.start())
        if not d["respond_rx"].search(sentence) or d["review_rx"].search(sentence):
            continue
        dates = find_dates(text.flat[m.end() : m.end() + 40], order)
        if dates and dates[0].start == 0:
            d = dates[0]
            return _DateHit(d.date, m.start(), m.end() + d.end, text.flat[m.start() : m.end() + d.end].strip(), d.ambiguous)
    return None


# --------------------------------------------------------------------------- documents & policies


def _doc_window(s: str) -> int | None:
    m = rules().documents["window_rx"].search(s)
    if not m:
        return None
    groups = [g for g in m.groups() if g]
    n = int(groups[0])
    unit = groups[1].lower() if len(groups) > 1 else "days"
    if unit.startswith("month"):
        return {12: 365, 6: 180, 3: 90}.get(n, n * 30)
    if unit.startswith("year"):
        return 365 * n
    return n


# What may stand between two alternatives of one list: "or", "/", ", receipts, or " — not "and",
# which joins separate requests ("a passport and a bank statement issued within 180 days").
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:[\w-]+ ?){1,4})*,?\s*(?:or|/)\s*(?:an? )?\s*", _I)
_CJK_LIST_GAP = re.compile(r"\s*(?:或者|或|、|/)\s*")


def find_documents(text: _Text) -> list[dict[str, Any]]:
    """What the notice asks for, with the time window it sets for each, in the data's order.

    A window ('dated within the last 365 days') belongs to the document named before it in
    the same sentence, or to both of a pair ('credit card or bank statement, issued …').
    """
    dc = rules().documents
    mentions: list[tuple[int, int, str]] = []
    for key, rx in dc["doc_rx"].items():
        for m in rx.finditer(text.flat):
            sentence = text.sentence(m.start())
            if dc["refused_rx"].search(sentence) and not re.search(r"(?:provide|submit|send|include|upload)[^.]{0,80}" + re.escape(m.group(0)), sentence, _I):
                continue
            if key != "plan_of_action" and not (dc["request_rx"].search(sentence) or dc["request_rx"].search(text.intro(m.start()))):
                continue  # named, but not asked for ("packing slips and invoices that identify…")
            mentions.append((m.start(), m.end(), key))
    mentions.sort()
    windows: dict[int, int | None] = {}
    ahead: set[int] = set()  # windows read before their document ("过去 180 天内的银行对账单")
    for i, (start, end, key) in enumerate(mentions):
        s_end = text.sentence_span(start)[1]
        nxt = next((ms for ms, _, k in mentions[i + 1 :] if ms >= end and k != key), s_end)
        windows[i] = _doc_window(text.flat[end : min(nxt, s_end)])
        if windows[i] is None and dc["window_before_rx"] is not None:  # "过去 365 天内…的发票"
            s_start = text.sentence_span(start)[0]
            prev = max([me for _, me, k in mentions[:i] if me <= start] + [s_start])
            wb = dc["window_before_rx"].search(text.flat[prev:start])
            if wb:
                n, unit = int(wb.group(1)), wb.group(2)
                windows[i] = {12: 365, 6: 180, 3: 90}.get(n, n * 30) if unit in ("个月", "か月", "ヶ月") else n
                ahead.add(i)
    for i in range(len(mentions) - 2, -1, -1):  # "credit card or bank statement, issued in the last 180 days"
        gap = text.flat[mentions[i][1] : mentions[i + 1][0]]
        if windows[i] is None and _LIST_GAP.fullmatch(gap):  # "Invoices, receipts, or letters of authorization dated …"
            windows[i] = windows[i + 1]
    for i in range(len(mentions) - 1):  # "过去 180 天内的银行对账单或信用卡账单": forward, too
        gap = text.flat[mentions[i][1] : mentions[i + 1][0]]
        if i in ahead and windows[i + 1] is None and _CJK_LIST_GAP.fullmatch(gap):
            windows[i + 1] = windows[i]
            ahead.add(i + 1)
    out: list[dict[str, Any]] = []
    for key, spec in dc["documents"].items():
        idx = [i for i, (_, _, k) in enumerate(mentions) if k == key]
        if not idx:
            continue
        window = next((windows[i] for i in idx if windows[i]), None)
        first = mentions[idx[0]]
        entry: dict[str, Any] = {"key": key, "label": spec["label"], "evidence_kind": spec["evidence_kind"], "phrase": text.flat[first[0] : first[1]]}
        if window and key not in ("plan_of_action", "retraction", "counter_notice"):
            entry["window_days"] = window
        out.append(entry)
    return out


def find_policies(text: _Text) -> list[str]:
    pl = rules().policies
    found: list[str] = []
    for m in pl["bsa_rx"].finditer(text.flat):
        found.append(f"{pl['bsa']['name']}, Section {m.group(1) or m.group(2)}")
    if not found and pl["bsa_bare_rx"].search(text.flat):
        found.append(pl["bsa"]["name"])
    for name, rx in pl["policy_rx"]:
        if rx.search(text.flat):
            found.append(name)
    return _dedupe(found)


# --------------------------------------------------------------------------- notice date


def find_notice_date(text: _Text, headers: list[_Header], order: str | None) -> tuple[_DateHit | None, str | None, list[str]]:
    """The date Amazon sent the notice, and where it was read; ambiguous dates are reported."""
    problems: list[str] = []
    candidates: list[tuple[str, str]] = []
    main = _main_header(headers)
    if main and main.fields.get("date"):
        candidates.append((main.fields["date"], "mail header from Amazon" if main.from_amazon else "mail header (not from an Amazon address)"))
    x = rules().x
    for line in text.lines:
        m = x["date_label_rx"].match(line)
        if m:
            candidates.append((m.group("v"), "labelled date in the text"))
    for line in [ln for ln in text.lines if ln.strip()][:8]:
        stripped = line.strip()
        hits = find_dates(stripped, order)
        if hits and len(stripped) - len(hits[0].raw) <= 24 and hits[0].start <= 12:
            candidates.append((stripped, "date line at the top of the notice"))
    for value, source in candidates:
        hits = find_dates(value, order)
        if not hits:
            continue
        if hits[0].ambiguous:
            problems.append(f"notification.date: {hits[0].raw!r} could be day/month or month/day and the marketplace is unknown")
            continue
        return hits[0], source, problems
    return None, None, problems


# --------------------------------------------------------------------------- assembling the case


def _validate_dropping(model: type[BaseModel], data: dict[str, Any], prefix: str, rejected: list[str]) -> BaseModel:
    """Validate, dropping each field that fails (and saying why) until the rest validates."""
    data = dict(data)
    for _ in range(len(data) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            dropped = False
            for err in exc.errors(include_url=False):
                key = err["loc"][0] if err["loc"] else None
                if key in data:
                    msg = err["msg"].removeprefix("Value error, ")
                    rejected.append(f"{prefix}{key}: {data[key]!s:.80} — {msg}")
                    del data[key]
                    dropped = True
            if not dropped:
                raise
    return model.model_validate({})


def _try_item(model: type[BaseModel], data: dict[str, Any], label: str, rejected: list[str]) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors(include_url=False))
        rejected.append(f"{label}: {msg}")
        return None


def _classify(flat: str, metrics: list[dict[str, Any]]) -> list[Classification]:
    """Score every type, let quoted metrics confirm or weaken their type, rank."""
    st = rules().settings
    scores = {vt: [conf, hits] for vt, (conf, hits) in score_types(flat).items()}
    for metric in metrics:
        vt_name = rules().metrics["metrics"][metric["name"]].get("violation")
        if not vt_name:
            continue
        vt = ViolationType(vt_name)
        breach = metric.get("breach")
        if breach is True:
            scores[vt][0] = 1 - (1 - scores[vt][0]) * (1 - st["metric_breach_weight"])
            scores[vt][1].append(f"{metric['name']} {_fmt(metric['value'])} misses its target")
        elif breach is False:
            scores[vt][0] *= st["metric_within_factor"]
    ranked = sorted(
        (Classification(violation_type=vt, confidence=round(conf, 3), phrases=_dedupe(hits)) for vt, (conf, hits) in scores.items() if conf >= st["report_above"]),
        key=lambda c: c.confidence,
        reverse=True,
    )
    fallback = {vt for vt, rule in rules().types.items() if rule.fallback}
    if any(c.violation_type not in fallback and c.confidence >= st["min_confidence"] for c in ranked):
        # "other" gives way to any specific type that is sure enough, whatever its own score.
        ranked = [c for c in ranked if c.violation_type not in fallback] + [c for c in ranked if c.violation_type in fallback]
    return ranked


def _pick(classes: list[Classification], metrics: list[dict[str, Any]], cjk_counts: bool = True) -> tuple[ViolationType | None, list[ViolationType]]:
    """The main type, and further types that are strong, not part of it, (for metric types)
    backed by a quoted metric that misses its target, and — when the notice is not itself in
    Chinese or Japanese — found in the notice's own language, not only in a forum's Chinese
    sidebar or translation."""
    r = rules()
    st = r.settings
    if not classes or classes[0].confidence < st["min_confidence"]:
        return None, []
    main = classes[0].violation_type
    subsumed = set(r.types[main].subsumes)
    breached = {r.metrics["metrics"][m["name"]].get("violation") for m in metrics if m.get("breach")}
    others = [
        c.violation_type
        for c in classes[1:]
        if c.confidence >= st["min_other"]
        and c.violation_type not in subsumed
        and not r.types[c.violation_type].fallback
        and (not r.types[c.violation_type].other_needs_metric or c.violation_type.value in breached)
        and (cjk_counts or any(not has_cjk(p) for p in c.phrases))
    ]
    return main, others


@dataclass
class _Reading:
    """What one run has read so far; the steps of `parse_notice` fill it in."""

    tx: _Text
    today: dt.date
    found: dict[str, Any] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)


def _message_kind(flat: str, found: dict[str, Any]) -> tuple[str, str | None]:
    """A notice, or something else (newsletter, buyer message, claim, unknown language)?"""
    r = rules()
    st = r.settings
    enforcement, _ = _score(r.enforcement, flat)
    found["enforcement_score"] = round(enforcement, 3)
    neg_kind, neg_score, neg_message, neg_hits = _not_a_notice(flat)
    if not has_cjk(flat) and _latin_share(flat) < st["min_latin_share"]:
        return "unknown_language", (
            f"the text is not in a language the rules read (mostly {_script_of(flat)} script); "
            "paste the notice as Amazon sent it, in English or the marketplace's language"
        )
    if neg_kind and neg_score >= st["min_not_a_notice"] and neg_score > enforcement:
        found["not_a_notice_phrases"] = neg_hits
        return neg_kind, neg_message
    if enforcement < st["min_enforcement"]:
        return "unclassified", (
            "this does not read like a notice from Amazon about your account or listings "
            "(no wording about deactivation, removal, a policy or a plan of action)"
        )
    return "amazon_notice", None


def _classify_notice(
    flat: str, kind: str, metrics: list[dict[str, Any]], found: dict[str, Any]
) -> tuple[str, str | None, list[Classification], ViolationType | None, list[ViolationType]]:
    """The violation types of a notice; when none is sure, say what the notice is about."""
    r = rules()
    if kind == "unclassified":
        return kind, None, [c for c in _classify(flat, metrics) if c.confidence >= r.settings["min_confidence"]], None, []
    if kind != "amazon_notice":
        return kind, None, [], None, []
    classifications = _classify(flat, metrics)
    violation, others = _pick(classifications, metrics, cjk_counts=found.get("language") in ("zh", "ja"))
    if violation is not None:
        return kind, None, classifications, violation, others
    message = "the rules could not tell which violation this notice is about"
    judged = [m["breach"] for m in metrics if m.get("breach") is not None]
    if judged and not any(judged):
        found["all_metrics_within_target"] = True
        return "unclassified", "every metric the notice quotes meets its target: this reads like a status summary, not a warning", classifications, None, []
    for name, (rx, candidates, family_message) in r.families.items():
        if rx.search(flat):
            found["family"] = name
            found["candidates"] = [c.value for c in candidates]
            message = family_message
            break
    return "unclassified", message, classifications, None, []


def _notice_date(rd: _Reading, headers: list[_Header], order: str | None) -> dt.date | None:
    hit, source, problems = find_notice_date(rd.tx, headers, order)
    rd.rejected.extend(problems)
    if not (hit and hit.date):
        return None
    if hit.date > rd.today:
        rd.rejected.append(f"notification.date: {hit.date.isoformat()} — is after today ({rd.today.isoformat()})")
        return None
    rd.found["notice_date"] = hit.date.isoformat()
    rd.found["notice_date_source"] = source
    return hit.date


def _deadlines(rd: _Reading, notice_date: dt.date | None, order: str | None) -> tuple[dt.date | None, str | None, int | None]:
    """Deadline to respond (as worded and as a date), funds hold, inventory removal."""
    periods = find_periods(rd.tx)
    dated = find_dated_deadline(rd.tx, order)
    deadline: dt.date | None = None
    deadline_text: str | None = None
    if periods["respond"]:
        first = periods["respond"][0]
        deadline_text = first["text"]
        if notice_date:
            deadline = _add(notice_date, first["n"], first["unit"])
    if dated and dated.date:
        deadline = dated.date
        deadline_text = deadline_text or dated.raw
    if deadline_text:
        rd.found["deadline_text"] = deadline_text
    if deadline:
        rd.found["deadline"] = deadline.isoformat()
    funds_days: int | None = None
    if periods["funds"]:
        f0 = periods["funds"][0]
        funds_days = f0["n"] * {"day": 1, "business_day": 1, "week": 7, "month": 30, "hour": 0}[f0["unit"]] or None
        if funds_days:
            rd.found["funds_hold_days"] = funds_days
    if periods["inventory"]:
        i0 = periods["inventory"][0]
        rd.found["inventory_removal_text"] = i0["text"]
        if i0["unit"] == "day":
            rd.found["inventory_removal_days"] = i0["n"]
        if notice_date:
            rd.found["inventory_removal_deadline"] = _add(notice_date, i0["n"], i0["unit"]).isoformat()
    return deadline, deadline_text, funds_days


def _seller_details(rd: _Reading, main: _Header | None, is_notice: bool) -> tuple[str | None, str | None, str | None]:
    """Store name from Amazon's greeting, merchant token, and the subject line."""
    x = rules().x
    store_name = None
    first = main.line if main and main.from_amazon else 0
    if not is_notice:
        first = len(rd.tx.lines)  # a buyer's or a newsletter's greeting does not name the seller
    for line in rd.tx.lines[first : first + 60]:
        gm = x["greeting_rx"].match(line.strip())
        if gm:
            name = gm.group("name").strip()
            if name.lower() not in x["generic_salutations"] and not re.search(r"\d{3}|@", name):
                store_name = name
                rd.notes.append("seller.store_name: taken from the greeting of the notice")
            break
    tokens = [t for v in _labelled(rd.tx.label_lines, "merchant_token") for t in x["value_rx"]["merchant_token"].findall(v)]
    if main and main.fields.get("to"):
        em = re.search(x["ids"]["email"], main.fields["to"])
        if em:
            rd.found["recipient_email"] = em.group(0)
    subject = None
    if main and main.fields.get("subject"):
        subject = re.sub(r"^(?:\[[^\]]{1,20}\]\s*|(?:Re|Fwd?|FW|AW|WG|TR|回复|转发)\s*[:：]\s*)+", "", main.fields["subject"], flags=_I)
    return store_name, tokens[0] if tokens else None, subject


def _case_items(rd: _Reading, asins: list[str], order_ids: list[str], metrics: list[dict[str, Any]]) -> tuple[list[Asin], list[Order], list[Metric]]:
    """ASINs, orders and metrics, each validated on its own so one bad value is only rejected."""
    details = find_asin_details(rd.tx.lines + rd.tx.records, asins)
    case_asins = [a for asin in asins if (a := _try_item(Asin, {"asin": asin, **details.get(asin, {})}, f"asins: {asin}", rd.rejected))]
    case_orders = []
    for oid in order_ids:
        line = next((ln for ln in rd.tx.lines if oid in ln), "")
        am = re.search(r"B0[A-Z0-9]{8}", line)
        data = {"order_id": oid, "asin": am.group(0) if am and am.group(0) in asins else None}
        if item := _try_item(Order, data, f"orders: {oid}", rd.rejected):
            case_orders.append(item)
    case_metrics = []
    for metric in metrics:
        data = {k: metric[k] for k in ("value", "target", "window_days", "period_start", "period_end", "defects", "orders") if metric.get(k) is not None}
        data["name"] = MetricName(metric["name"])
        if item := _try_item(Metric, data, f"metrics: {metric['name']} {_fmt(metric['value'])}", rd.rejected):
            case_metrics.append(item)
    return case_asins, case_orders, case_metrics  # type: ignore[return-value]


def parse_notice(text: str, today: dt.date | None = None) -> IntakeResult:
    """Read one Amazon notice into a partial Case; never raises for odd text, only for huge text.

    `today` decides which dates are in the future (a notice cannot be dated after today).
    """
    r = rules()
    if len(text) > r.settings["max_chars"]:
        raise InputError(
            f"the text is {len(text) / 1_000_000:.1f} million characters; an Amazon notice is a few thousand — paste only the notice"
        )
    stripped = text.strip()
    if not stripped:
        return IntakeResult(case=Case(), notice_kind="empty", message="the notice is empty", not_found=["violation type"])

    rd = _Reading(tx=prepare(text), today=today or dt.date.today())
    flat, found = rd.tx.flat, rd.found
    headers = find_headers(rd.tx.lines)
    main = _main_header(headers)
    sender = main.sender if main else None
    language = detect_language(flat)
    found["language"] = language
    if sender:
        found["sender"] = sender
    if r.x["forward_rx"].search("\n".join(rd.tx.lines)) or len(headers) > 1:
        found["forwarded"] = True
    if has_cjk(flat):
        found["contains_chinese" if language != "ja" else "contains_japanese"] = True

    kind, message = _message_kind(flat, found)
    # The marketplace comes first: it decides how 03/11/2026 is read.
    marketplace, signals = detect_marketplace(flat, sender, language)
    if signals:
        found["marketplace_signals"] = signals
    order = _date_order(marketplace)
    metrics = find_metrics(rd.tx, [(h.start, h.end) for h in find_dates(flat, order)], order)
    for metric in metrics:
        metric["breach"] = _breach(metric)
    kind, class_message, classifications, violation, others = _classify_notice(flat, kind, metrics, found)
    message = message or class_message
    is_notice = kind in ("amazon_notice", "unclassified")
    account_level, scope_phrases = _scope(flat, violation) if is_notice else (None, [])
    status, status_phrase = _status(flat) if is_notice else (None, None)

    asins, masked_asins = find_asins(rd.tx)
    order_ids, masked_orders = find_order_ids(rd.tx)
    complaint_ids, masked_complaints = find_complaint_ids(rd.tx)
    rd.masked.extend(masked_asins + masked_orders + masked_complaints)
    header_emails = {h.sender for h in headers if h.sender} | {
        em.lower() for h in headers for em in re.findall(r.x["ids"]["email"], h.fields.get("to", ""))
    }
    owner, owner_notes, masked_refs = find_rights_owner(rd.tx, header_emails)
    rd.masked.extend(masked_refs)
    rd.notes.extend(owner_notes)

    notice_date = _notice_date(rd, headers, order)
    # Deadlines and requests only from a text with enforcement wording: "within 60 days" in an
    # FBA shipment report or a stranded-inventory e-mail is not a deadline to appeal.
    asks = kind == "amazon_notice" or (is_notice and found["enforcement_score"] >= r.settings["min_enforcement"])
    deadline, deadline_text, funds_days = _deadlines(rd, notice_date, order) if asks else (None, None, None)
    documents = find_documents(rd.tx) if asks else []
    policies = find_policies(rd.tx) if asks else []
    store_name, token, subject = _seller_details(rd, main, is_notice)
    case_asins, case_orders, case_metrics = _case_items(rd, asins, order_ids, metrics)

    rights_owner = _validate_dropping(RightsOwner, owner, "notification.rights_owner.", rd.rejected) if owner else None
    notification = _validate_dropping(
        Notification,
        {
            "date": notice_date,
            "subject": subject,
            "text": stripped,
            "deadline": deadline,
            "deadline_text": deadline_text,
            "account_level": account_level,
            "status": status,
            "complaint_ids": complaint_ids,
            "rights_owner": rights_owner,
            "policies": policies,
            "requested_documents": [_doc_label(doc) for doc in documents],
            "funds_hold_days": funds_days,
        },
        "notification.",
        rd.rejected,
    )
    seller = _validate_dropping(Seller, {"store_name": store_name, "merchant_token": token}, "seller.", rd.rejected)
    case = _validate_dropping(
        Case,
        {
            "marketplace": marketplace,
            "letter_kind": LetterKind.listing_appeal if account_level is False else LetterKind.account_appeal,
            "violation_type": violation,
            "other_violations": others,
            "seller": seller,
            "notification": notification,
            "metrics": case_metrics,
            "asins": case_asins,
            "orders": case_orders,
            "explanation_language": Language.zh if has_cjk(flat) and language != "ja" else None,
        },
        "",
        rd.rejected,
    )
    assert isinstance(case, Case)

    report = {
        "violation_type": violation.value if violation else None,
        "violation_phrases": classifications[0].phrases if violation else None,
        "other_violations": [o.value for o in others],
        "account_level": account_level,
        "account_level_phrases": scope_phrases,
        "status": status,
        "status_phrase": status_phrase,
        "marketplace": marketplace.value if marketplace else None,
        "subject": subject,
        "store_name": store_name,
        "merchant_token": token,
        "asins": [a.asin for a in case_asins],
        "order_ids": [o.order_id for o in case_orders],
        "complaint_ids": complaint_ids,
        "rights_owner": owner,
        "metrics": metrics,
        "documents": documents,
        "policies": policies,
        "notes": rd.notes,
    }
    found.update({k: v for k, v in report.items() if v not in (None, [], {})})
    return IntakeResult(
        case=case,
        classifications=classifications,
        found=found,
        not_found=_not_found(case, violation, documents, deadline_text) if is_notice else ["violation type"],
        masked=rd.masked,
        rejected=rd.rejected,
        notice_kind=kind,
        message=message if kind != "amazon_notice" else None,
    )


def _doc_label(doc: dict[str, Any]) -> str:
    if doc.get("window_days"):
        return f"{doc['label']} (dated within the last {doc['window_days']} days)"
    return doc["label"]


_EXPECT_LABELS = {
    "metrics": "metrics (value and target)",
    "asins": "ASINs",
    "order_ids": "order IDs",
    "complaint_ids": "complaint IDs",
    "rights_owner": "rights owner",
}


def _not_found(case: Case, violation: ViolationType | None, documents: list[dict[str, Any]], deadline_text: str | None) -> list[str]:
    """What a notice of this type usually names but this one did not (or the rules missed)."""
    missing: list[str] = []
    n = case.notification
    if violation is None:
        missing.append("violation type")
    if case.marketplace is None:
        missing.append("marketplace")
    if n.date is None:
        missing.append("notice date")
    if n.account_level is None:
        missing.append("account or listing level")
    if not deadline_text:
        missing.append("deadline to respond")
    elif n.deadline is None:
        missing.append("deadline date (the notice date is unknown)")
    if not documents:
        missing.append("documents requested")
    have = {
        "metrics": bool(case.metrics),
        "asins": bool(case.asins),
        "order_ids": bool(case.orders),
        "complaint_ids": bool(n.complaint_ids),
        "rights_owner": bool(n.rights_owner and (n.rights_owner.name or n.rights_owner.email)),
    }
    if violation is not None:
        for key in rules().types[violation].expects:
            if not have.get(key, True):
                missing.append(_EXPECT_LABELS[key])
    return missing


def needs_llm_assist(result: IntakeResult) -> bool:
    """True when the rules are unsure and a configured LLM may help read the notice.

    Not for texts the rules recognised as something else (a newsletter, a buyer message) or
    could not read at all; only for notices whose type is missing, weak, or close to another.
    The call itself lives with the LLM code; intake only says when it is worth asking.
    """
    if result.llm_assisted or result.notice_kind not in ("amazon_notice", "unclassified"):
        return False
    st = rules().settings
    if result.case.violation_type is None:
        # Only a text that reads like a notice (enforcement wording) whose type is unclear.
        return result.found.get("enforcement_score", 0) >= st["min_enforcement"] and not result.found.get("all_metrics_within_target")
    top = result.classifications[0].confidence
    if top < st["llm_assist_below"]:
        return True
    accepted = {result.case.violation_type, *result.case.other_violations}
    runner = next((c for c in result.classifications[1:] if c.violation_type not in accepted), None)
    return bool(runner and top - runner.confidence < st["llm_assist_margin"])


def summary(result: IntakeResult) -> dict[str, Any]:
    """The facts a reviewer checks first, flattened to plain values (tests, bench, prefill)."""
    case = result.case
    n = case.notification
    owner = n.rights_owner
    docs = result.found.get("documents", [])
    return {
        "kind": result.notice_kind,
        "violation_type": case.violation_type.value if case.violation_type else None,
        "other_violations": [v.value for v in case.other_violations],
        "marketplace": case.marketplace.value if case.marketplace else None,
        "account_level": n.account_level,
        "asins": [a.asin for a in case.asins],
        "order_ids": [o.order_id for o in case.orders],
        "complaint_ids": list(n.complaint_ids),
        "masked": list(result.masked),
        "metrics": [m.model_dump(mode="json", exclude_none=True) for m in case.metrics],
        "notice_date": n.date.isoformat() if n.date else None,
        "deadline": n.deadline.isoformat() if n.deadline else None,
        "deadline_text": n.deadline_text,
        "funds_hold_days": n.funds_hold_days,
        "inventory_removal_days": result.found.get("inventory_removal_days"),
        "documents": [d["key"] for d in docs],
        "document_windows": {d["key"]: d["window_days"] for d in docs if d.get("window_days")},
        "policies": list(n.policies),
        "rights_owner": owner.model_dump(exclude_none=True) if owner else None,
        "store_name": case.seller.store_name,
        "subject": n.subject,
    }


def metric_label(name: str) -> str:
    """The metric's display name from the data ('Order Defect Rate')."""
    spec = rules().metrics["metrics"].get(name, {})
    return spec.get("label", name.replace("_", " "))
