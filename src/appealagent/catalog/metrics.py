"""Amazon's account-health metrics: the one typed catalogue (data/metrics.yaml) every part reads.

Drafting words a metric with its label and target, the checks compare a stated target
with Amazon's and find which metric a sentence names, grounding lets a letter state
Amazon's own figures, and intake reads a notice's figures with the multilingual
patterns. They used to read two files that drifted apart; now they all call here:

    metric("late_shipment_rate").target        # 4.0
    catalogue()                                 # name -> Metric, in file order
    amazon_targets()                            # {1.0, 4.0, 2.5, 95.0, 90.0}
    figure_texts()                              # every target and window as text, for grounding
    intake_metrics()                            # intake's view: patterns, direction, breach type

Names are MetricName values (model/case.py); this module does not import the model so
that the data layer stays at the bottom of the import graph (a test checks the names).
"""

from __future__ import annotations

from functools import cache
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, model_validator

from appealagent.catalog.loader import load_data

Comparator = Literal["<", "<=", ">", ">="]
Direction = Literal["max", "min"]


class Metric(BaseModel):
    """One metric as Amazon reports it (see the field notes at the top of data/metrics.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    short: str | None = None
    aliases: tuple[str, ...]
    notice_patterns: tuple[str, ...]
    direction: Direction
    comparator: Comparator | None
    target: float | None
    unit: Literal["%", "points"]
    target_text: str
    window_days: tuple[int, ...]
    window: str
    violation_types: tuple[str, ...]
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Metric:
        if (self.comparator is None) != (self.target is None):
            raise ValueError(f"{self.name}: a target needs a comparator and a comparator a target")
        if self.comparator is not None and (self.comparator in ("<", "<=")) != (self.direction == "max"):
            raise ValueError(f"{self.name}: comparator {self.comparator} contradicts direction {self.direction}")
        return self

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def breach_supports(self) -> str | None:
        """The violation type a missed target supports: the first cited type, when Amazon sets a target."""
        return self.violation_types[0] if self.target is not None and self.violation_types else None


class MetricInfo(TypedDict):
    """A metric as a plain mapping, for code that formats it into text (`info["label"]`)."""

    label: str
    short: str | None
    unit: str
    comparator: str | None
    target: float | None
    target_text: str
    window_days: list[int]
    window: str
    source: str
    note: str | None


class CountsOwner(TypedDict):
    re: str
    metric: str


class IntakeMetric(TypedDict):
    """What intake needs of one metric (the shape of the old data/intake/metrics.yaml entries)."""

    label: str
    aliases: list[str]
    direction: str
    target: float | None
    violation: str | None
    percent: bool


class IntakeMetrics(TypedDict):
    """Intake's view: its metrics plus the rules for reading their figures from a notice."""

    metrics: dict[str, IntakeMetric]
    reach: int
    target_words: str
    target_after: str
    comparators: str
    percent: str
    window: str
    period: str
    period_joiner: str
    counts: str
    counts_before: int
    counts_owner: list[CountsOwner]


@cache
def catalogue() -> dict[str, Metric]:
    """Every metric by name, in the file's order (parsed and validated once per process)."""
    raw = load_data("metrics.yaml")["metrics"]
    return {name: Metric(name=name, **spec) for name, spec in raw.items()}


def metric(name: str) -> Metric:
    """One metric; a KeyError names an unknown metric."""
    return catalogue()[name]


def metric_info(name: str) -> MetricInfo:
    """Label, unit and Amazon target of a metric as a mapping (the drafting engines' wording)."""
    m = metric(name)
    return MetricInfo(
        label=m.label,
        short=m.short,
        unit=m.unit,
        comparator=m.comparator,
        target=m.target,
        target_text=m.target_text,
        window_days=list(m.window_days),
        window=m.window,
        source=m.source,
        note=m.note,
    )


@cache
def amazon_targets() -> frozenset[float]:
    """Amazon's own targets in percent (1, 4, 2.5, 95, 90): a letter may always state them."""
    return frozenset(m.target for m in catalogue().values() if m.target is not None and m.is_percent)


@cache
def figure_texts() -> tuple[str, ...]:
    """Every target and window of the catalogue as text ("4", "under 4%", "10", "10 and 30 days"…).

    Grounding extracts its numbers from these with its own number reader, so a letter may
    state Amazon's figures although the case does not hold them.
    """
    out: list[str] = []
    for m in catalogue().values():
        if m.target is not None:
            out.append(f"{m.target:g}")
        out.extend(str(d) for d in m.window_days)
        out.extend((m.target_text, m.window))
    return tuple(out)


@cache
def intake_metrics() -> IntakeMetrics:
    """What intake reads: each metric's notice patterns, direction, target and the type a breach supports,
    plus `notice_reading` (how far after a name the value stands, target words, periods, counts)."""
    reading = load_data("metrics.yaml")["notice_reading"]
    metrics = {
        name: IntakeMetric(label=m.label, aliases=list(m.notice_patterns), direction=m.direction, target=m.target, violation=m.breach_supports, percent=m.is_percent)
        for name, m in catalogue().items()
    }
    return IntakeMetrics(
        metrics=metrics,
        reach=int(reading["reach"]),
        target_words=reading["target_words"],
        target_after=reading["target_after"],
        comparators=reading["comparators"],
        percent=reading["percent"],
        window=reading["window"],
        period=reading["period"],
        period_joiner=reading["period_joiner"],
        counts=reading["counts"],
        counts_before=int(reading["counts_before"]),
        counts_owner=[CountsOwner(re=o["re"], metric=o["metric"]) for o in reading["counts_owner"]],
    )
