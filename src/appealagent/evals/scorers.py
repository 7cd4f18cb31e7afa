"""Scorers: each grades one drafted letter against one eval sample, independently of the drafters.

A scorer is a plain function `(sample, output) -> Score`, registered by name.
None of them imports the drafting code (`offline`, `render`, `pipeline`,
`generate`, `grounding`): a grader that shared the drafter's heading finder or
fact extraction would agree with the drafter's mistakes. Section headings,
fact extraction and ROUGE-L are therefore written here, small and separate.
Scoring data (tolerances, headings, Amazon's published targets) lives in
`data/evals/scoring.yaml`. The deterministic checks are a separate module, so
the check scorers call `appealagent.checks.run_checks`. What a letter's parts are is
not the scorer's to decide: the structure scorer asks `model.kinds` (the one list of
letter kinds) which parts and headings each kind has, and finds them itself.

The grounding scorer keeps its own, independent fact extractor on purpose, apart
from the pipeline's facts layer (`appealagent.facts`, used by the LLM loop's
grounding, the checks, redaction and intake): it is a second opinion on the
pipeline's grounding. If both shared one extractor, a fact the layer misreads (a
date form it does not know, a reference it normalises wrongly) would be missed by
the drafter and the grader alike, and the eval would report a clean letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.checks import run_checks
from appealagent.checks.model import CheckReport
from appealagent.corpus.retrieval import retrieve
from appealagent.evals.dataset import Sample, case_json_text
from appealagent.model.enums import LetterKind
from appealagent.model.kinds import is_appeal
from appealagent.model.kinds import parts as kind_parts


@dataclass
class Score:
    """One scorer's verdict: a value (None = not applicable) and what lies behind it."""

    value: float | None
    explanation: str = ""
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "explanation": self.explanation, "details": self.details}


@dataclass
class Output:
    """What a solver produced for one sample: the letter and how it was made."""

    letter: str
    engine: str
    origin: str = ""  # offline, hand-written (replayed recording), live
    meta: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)


ScoreFn = Callable[[Sample, Output], Score]


@dataclass(frozen=True)
class ScorerSpec:
    name: str
    fn: ScoreFn
    label: str
    better: str  # higher | lower | target
    tolerance: float
    overall_tolerance: float
    fmt: str
    description: str
    target: float | None = None


SCORERS: dict[str, ScorerSpec] = {}


@cache
def scoring_data() -> dict[str, Any]:
    return load_yaml("evals/scoring.yaml")


def scorer(name: str) -> Callable[[ScoreFn], ScoreFn]:
    """Register a scoring function under `name`, with its label and tolerance from scoring.yaml."""

    def register(fn: ScoreFn) -> ScoreFn:
        data = scoring_data()
        info = data["scorers"][name]
        SCORERS[name] = ScorerSpec(
            name=name,
            fn=fn,
            label=info["label"],
            better=info["better"],
            tolerance=float(info["tolerance"]),
            overall_tolerance=float(data["overall_tolerance"].get(name, info["tolerance"])),
            fmt=info.get("format", "ratio"),
            description=info["description"],
            target=info.get("target"),
        )
        return fn

    return register


# ---- text helpers ----------------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ", "\u202f": " "})


def normalise(text: str) -> str:
    """Case-folded, NFKC, straight quotes and dashes, single spaces: how facts are compared."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


_WORD_RE = patterns.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.casefold())


# ---- structure -------------------------------------------------------------------------------

_HEADING_NOISE = patterns.compile(r"^[#*_\s]*(?:(?:\d+|[ivx]+|[a-c])[.)]\s*)?|[*_:\s]+$", re.I)


def heading_part(line: str) -> str | None:
    """The part ('root_cause', …) a line heads, or None when it is not a heading line."""
    stripped = line.strip()
    if not stripped or len(stripped) > 60:
        return None
    core = _HEADING_NOISE.sub("", stripped).strip().casefold()
    for part, names in scoring_data()["headings"].items():
        if core in names:
            return part
    return None


def find_sections(letter: str) -> list[tuple[str, str]]:
    """(part, body) for each heading line in the letter, in order; the text before the first is the opening."""
    found: list[tuple[str, list[str]]] = []
    for line in letter.splitlines():
        part = heading_part(line)
        if part is not None:
            found.append((part, []))
        elif found:
            found[-1][1].append(line)
    return [(part, "\n".join(body).strip()) for part, body in found]


PARTS = ("root_cause", "corrective_actions", "preventive_measures")


def _longest_ordered_run(indexes: list[int]) -> int:
    """Length of the longest increasing subsequence (at most three items, so a simple DP)."""
    best: list[int] = []
    for i, value in enumerate(indexes):
        best.append(1 + max((best[j] for j in range(i) if indexes[j] < value), default=0))
    return max(best, default=0)


def kind_sections(letter: str, kind: LetterKind | str) -> list[tuple[str, str]]:
    """(slot, body) for each line that is one of this kind's own headings (data/wording/kinds.yaml), in order."""
    names = {_HEADING_NOISE.sub("", heading).strip().casefold(): slot for slot, heading, _ in kind_parts(kind)}
    found: list[tuple[str, list[str]]] = []
    for line in letter.splitlines():
        stripped = line.strip()
        slot = names.get(_HEADING_NOISE.sub("", stripped).strip().casefold()) if stripped and len(stripped) <= 80 else None
        if slot is not None:
            found.append((slot, []))
        elif found:
            found[-1][1].append(line)
    return [(slot, "\n".join(body).strip()) for slot, body in found]


def _appeal_structure(letter: str) -> Score:
    """An appeal: Amazon's three parts, found under any of their usual headings (scoring.yaml)."""
    sections = [(p, b) for p, b in find_sections(letter) if len(words(b)) >= 3]
    seen: list[str] = []
    for part, _ in sections:
        if part not in seen:
            seen.append(part)
    in_order = _longest_ordered_run([PARTS.index(p) for p in seen])
    missing = [p for p in PARTS if p not in seen]
    details = [f"missing or empty: {p}" for p in missing]
    if not missing and in_order < 3:
        details.append("parts out of order: " + " → ".join(seen))
    return Score(in_order / 3, f"{in_order}/3 parts in order", details)


def _message_structure(letter: str, kind: LetterKind) -> Score:
    """A kind with no numbered parts (a buyer message): one plain message, no section headings."""
    headed = [line.strip() for line in letter.splitlines() if heading_part(line) is not None]
    body = len(words(letter))
    if headed:
        return Score(0.0, "section headings in a message", [f"heading in a {kind.value}: {h}" for h in headed])
    if body < 3:
        return Score(0.0, "empty message", ["missing or empty: message"])
    return Score(1.0, "one message without section headings")


def _kind_structure(letter: str, kind: LetterKind) -> Score:
    """Any other kind: its own headings (kinds.yaml), the required ones present, all non-empty and in order."""
    expected = kind_parts(kind)
    if not expected:
        return _message_structure(letter, kind)
    order = [slot for slot, _, _ in expected]
    label = {slot: heading for slot, heading, _ in expected}
    seen: list[str] = []
    for slot, body in kind_sections(letter, kind):
        if len(words(body)) >= 3 and slot not in seen:
            seen.append(slot)
    considered = [slot for slot, _, required in expected if required or slot in seen]
    in_order = _longest_ordered_run([order.index(s) for s in seen])
    details = [f"missing or empty: {label[s]}" for s in considered if s not in seen]
    if len(seen) == len(considered) and in_order < len(considered):
        details.append("parts out of order: " + " → ".join(label[s] for s in seen))
    return Score(in_order / len(considered), f"{in_order}/{len(considered)} parts in order", details)


@scorer("structure")
def structure(sample: Sample, output: Output) -> Score:
    kind = sample.case.letter_kind
    if is_appeal(kind):
        return _appeal_structure(output.letter)
    return _kind_structure(output.letter, kind)


# ---- facts -----------------------------------------------------------------------------------


@scorer("fact_recall")
def fact_recall(sample: Sample, output: Output) -> Score:
    letter = normalise(output.letter)
    facts = sample.expect.required_facts
    missing = [f for f in facts if normalise(f) not in letter]
    found = len(facts) - len(missing)
    return Score(found / len(facts), f"{found}/{len(facts)} required facts", [f"missing: {m}" for m in missing])


@scorer("forbidden_found")
def forbidden_found(sample: Sample, output: Output) -> Score:
    letter = normalise(output.letter)
    hits = [f for f in sample.expect.forbidden if normalise(f) in letter]
    return Score(float(len(hits)), f"{len(hits)} forbidden phrase(s)", [f"found: {h}" for h in hits])


# ---- grounding: specifics in the letter that the case does not hold --------------------------

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
            ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
            ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
DATE_RES = (
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + _YEAR + r"\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _YEAR + r"\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<mon>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日"),
)
NUMERIC_DATE_RE = patterns.compile(r"\b(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<year>(?:19|20)\d\d)\b")
# ASCII boundaries, not \b: in a Chinese answer ("是B0D4KX2PL7和", "对照2%的") the characters around
# a fact are word characters to Python's \b, which would hide the fact from the grader.
ASIN_RE = patterns.compile(r"(?<![A-Za-z0-9_])B0[0-9A-Z]{8}(?![A-Za-z0-9_])")
ORDER_RE = patterns.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
PERCENT_RE = patterns.compile(r"(?<![A-Za-z0-9_.])(\d+(?:[.,]\d+)?)\s?(?:%|per ?cent\b)", re.I)
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_CODES = r"USD|EUR|GBP|CAD|AUD|JPY|CNY|RMB|MXN|INR|SEK|PLN|TRY|AED|SAR|SGD|BRL"
MONEY_RES = (
    re.compile(r"(?:US|CA|C|A|AU|MX|S)?[$€£¥]\s?" + _AMOUNT),
    re.compile(r"\b(?:" + _CODES + r")\s?" + _AMOUNT),
    re.compile(_AMOUNT + r"\s?(?:" + _CODES + r"|yuan|dollars|euros|pounds)\b", re.I),
)

Date = tuple[int, int, int | None]


def _month(value: str) -> int | None:
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else None
    return MONTHS.get(value.casefold().rstrip("."))


def extract_dates(text: str) -> list[tuple[str, list[Date]]]:
    """(as written, possible (day, month, year) readings) for each date with a day in `text`."""
    found: list[tuple[str, list[Date]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_RES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            mon = _month(m.group("mon"))
            day = int(m.group("day"))
            year = int(m.group("year")) if m.group("year") else None
            if mon and 1 <= day <= 31:
                taken.append(m.span())
                found.append((m.group(0), [(day, mon, year)]))
    for m in NUMERIC_DATE_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        readings: list[tuple[int, int, int | None]] = [(d, mo, year) for d, mo in ((a, b), (b, a)) if 1 <= d <= 31 and 1 <= mo <= 12]
        if readings:
            found.append((m.group(0), readings))
    return found


def _num(value: str) -> Decimal | None:
    try:
        return Decimal(value.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _percent_value(raw: str) -> Decimal | None:
    # "7,8 %" is a European decimal comma; "1,180" would not be followed by %.
    return _num(raw.replace(",", ".")) if re.fullmatch(r"\d+,\d{1,2}", raw) else _num(raw)


def extract_money(text: str) -> list[tuple[str, Decimal]]:
    found: list[tuple[str, Decimal]] = []
    taken: list[tuple[int, int]] = []
    for pattern in MONEY_RES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            value = _num(m.group("amount"))
            if value is not None:
                taken.append(m.span())
                found.append((m.group(0).strip(), value))
    return found


@dataclass
class CaseSpecifics:
    """Every ASIN, order ID, percentage, date and amount the case holds, in comparable form."""

    text: str
    asins: set[str]
    orders: set[str]
    percents: set[Decimal]
    dates: set[Date]
    day_months: set[tuple[int, int]]
    amounts: set[Decimal]

    @classmethod
    def of(cls, sample: Sample) -> CaseSpecifics:
        text = case_json_text(sample.case)
        percents = {v for v in (_percent_value(p) for p in PERCENT_RE.findall(text)) if v is not None}
        known = [repr(m.value) for m in sample.case.metrics] + [str(p) for p in scoring_data()["published_percentages"]]
        percents |= {v for v in map(_num, known) if v is not None}
        dates = {reading for _, readings in extract_dates(text) for reading in readings}
        amounts = {v for _, v in extract_money(text)}
        amounts |= {v for v in (_num(n) for n in re.findall(r"\d+\.\d+", text)) if v is not None}
        return cls(
            text=text,
            asins=set(ASIN_RE.findall(text)),
            orders=set(ORDER_RE.findall(text)),
            percents=percents,
            dates=dates,
            day_months={(d, m) for d, m, _ in dates},
            amounts=amounts,
        )

    def date_known(self, readings: list[Date]) -> bool:
        for day, month, year in readings:
            if year is None and (day, month) in self.day_months:
                return True
            if (day, month, year) in self.dates or (day, month, None) in self.dates:
                return True
        return False


def ungrounded_specifics(sample: Sample, letter: str) -> list[str]:
    """'kind: value' for each specific in the letter that the case does not contain."""
    facts = CaseSpecifics.of(sample)
    out: list[str] = []
    out += [f"ASIN {a}" for a in dict.fromkeys(ASIN_RE.findall(letter)) if a not in facts.asins]
    out += [f"order {o}" for o in dict.fromkeys(ORDER_RE.findall(letter)) if o not in facts.orders]
    for raw in dict.fromkeys(PERCENT_RE.findall(letter)):
        if _percent_value(raw) not in facts.percents:
            out.append(f"percentage {raw}%")
    seen: set[str] = set()
    for written, readings in extract_dates(letter):
        if written not in seen and not facts.date_known(readings):
            out.append(f"date {written}")
        seen.add(written)
    for written, value in extract_money(letter):
        if written not in seen and value not in facts.amounts:
            out.append(f"amount {written}")
        seen.add(written)
    return out


@scorer("grounding_errors")
def grounding_errors(sample: Sample, output: Output) -> Score:
    bad = ungrounded_specifics(sample, output.letter)
    return Score(float(len(bad)), f"{len(bad)} specific(s) not in the case", [f"not in the case: {b}" for b in bad])


# ---- deterministic checks (a separate module from the drafters) ------------------------------


def _check_report(sample: Sample, output: Output) -> CheckReport:
    if "checks" not in output.cache:
        output.cache["checks"] = run_checks(output.letter, case=sample.case)
    return output.cache["checks"]


def _count(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple)) else int(value or 0)


def _check_score(sample: Sample, output: Output, severity: str) -> Score:
    report = _check_report(sample, output)
    if report is None:
        return Score(None, "checks not installed")
    n = _count(getattr(report, "errors" if severity == "error" else "warnings", 0))
    findings = [f for f in getattr(report, "findings", []) if getattr(f, "severity", "") == severity]
    return Score(float(n), f"{n} {severity}(s)", [f"{f.rule_id}: {f.message}" for f in findings])


@scorer("check_errors")
def check_errors(sample: Sample, output: Output) -> Score:
    return _check_score(sample, output, "error")


@scorer("check_warnings")
def check_warnings(sample: Sample, output: Output) -> Score:
    return _check_score(sample, output, "warning")


# ---- similarity to the reference -------------------------------------------------------------


def lcs_length(a: list[str], b: list[str]) -> int:
    """Longest common subsequence of two token lists (bit-parallel, Hyyrö 2004): O(len(b)) big-int steps."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, tok in enumerate(a):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for tok in b:
        match = row & masks.get(tok, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - bin(row).count("1")


def rouge_l_f1(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over lower-cased word tokens (Lin 2004, beta = 1)."""
    cand, ref = words(candidate), words(reference)
    lcs = lcs_length(ref, cand)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(cand), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


@scorer("rouge_l")
def rouge_l(sample: Sample, output: Output) -> Score:
    value = rouge_l_f1(output.letter, sample.reference)
    return Score(value, f"ROUGE-L F1 {value:.3f}")


@scorer("length_ratio")
def length_ratio(sample: Sample, output: Output) -> Score:
    n, ref = len(words(output.letter)), len(words(sample.reference))
    return Score(n / ref if ref else None, f"{n} words vs {ref} in the reference")


# ---- retrieval ------------------------------------------------------------------------------


@scorer("retrieval_hit")
def retrieval_hit(sample: Sample, output: Output) -> Score:
    want = sample.expect.retrieval_type
    if want is None:
        return Score(None, "no retrieval_type in expect.yaml")
    hits = retrieve(sample.case, k=1)
    if not hits:
        return Score(0.0, "no letter retrieved", [f"expected {want.value}"])
    got = getattr(hits[0].letter, "violation_type", None)
    got_value = getattr(got, "value", got)
    letter_id = getattr(hits[0].letter, "id", "?")
    ok = got_value == want.value
    return Score(1.0 if ok else 0.0, f"top hit {letter_id} ({got_value})", [] if ok else [f"expected {want.value}, top hit {letter_id} is {got_value}"])


@scorer("judge")
def judge_unavailable(sample: Sample, output: Output) -> Score:
    """Placeholder: the judge needs a model, so `evals.judge.make_judge` builds it for live runs."""
    return Score(None, "the judge runs only in live runs with --judge")


# ---- running them ---------------------------------------------------------------------------

DEFAULT_SCORERS = (
    "structure",
    "fact_recall",
    "grounding_errors",
    "forbidden_found",
    "check_errors",
    "check_warnings",
    "rouge_l",
    "length_ratio",
    "retrieval_hit",
)


def score_all(sample: Sample, output: Output, names: tuple[str, ...] | list[str] = DEFAULT_SCORERS, extra: dict[str, ScoreFn] | None = None) -> dict[str, Score]:
    """Every named scorer's verdict on one output; `extra` adds scorers built at run time (the judge)."""
    scores = {name: SCORERS[name].fn(sample, output) for name in names}
    for name, fn in (extra or {}).items():
        scores[name] = fn(sample, output)
    return scores


def spec(name: str) -> ScorerSpec:
    return SCORERS[name]


def format_value(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    info = SCORERS.get(name)
    if info is not None and info.fmt == "count" and float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def describe() -> str:
    """One line per scorer, for --help and the README."""
    return "\n".join(f"{s.name}: {s.description}" for s in SCORERS.values())


__all__ = [
    "SCORERS",
    "DEFAULT_SCORERS",
    "Output",
    "Score",
    "ScorerSpec",
    "find_sections",
    "lcs_length",
    "rouge_l_f1",
    "score_all",
    "ungrounded_specifics",
]
