"""Each module of the facts layer on its own: ids, e-mails, dates, numbers, references, scan, CaseFacts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appealagent.facts.case_facts import CaseFacts
from appealagent.facts.dates import DateIndex, dates, time_key
from appealagent.facts.emails import email_key, emails
from appealagent.facts.ids import ASIN_FIELD_RE, ORDER_ID_FIELD_RE, asins, order_ids
from appealagent.facts.numbers import numbers, parse_number, percentages, same_at_precision, word_numbers
from appealagent.facts.references import reference_key, references
from appealagent.facts.scan import scan
from appealagent.model.case import Case

from .conftest import ROOT

# ---- ids --------------------------------------------------------------------------------------


def test_ids_found_in_text_and_fields() -> None:
    text = "ASIN B0DK3M7Q2A, order 112-4471902-3385016; not B0dk3m7q2a, 1112-4471902-3385016 or B0DK3M7Q2AX."
    assert [f.text for f in asins(text)] == ["B0DK3M7Q2A"]
    assert [f.text for f in order_ids(text)] == ["112-4471902-3385016"]
    assert ASIN_FIELD_RE.match("B0DK3M7Q2A") and ASIN_FIELD_RE.match("038533348X") and not ASIN_FIELD_RE.match("B0DK3M7Q2")
    assert ORDER_ID_FIELD_RE.match("112-4471902-3385016") and not ORDER_ID_FIELD_RE.match("112-4471902-338501")


@given(st.from_regex(r"\A\d{3}-\d{7}-\d{7}\Z"), st.from_regex(r"\AB0[0-9A-Z]{8}\Z"))
def test_every_id_the_case_accepts_is_found_in_text(order: str, asin: str) -> None:
    text = f"Order {order} for {asin}."
    assert [f.text for f in order_ids(text)] == [order]
    assert [f.text for f in asins(text)] == [asin]


# ---- e-mails ----------------------------------------------------------------------------------


def test_emails() -> None:
    text = "Write to Ops.Team+uk@shop-1.example.co.uk. Not a@b, not @x.com, not user@host.c1; 名字@例子.中国 is one."
    assert [f.text for f in emails(text)] == ["Ops.Team+uk@shop-1.example.co.uk", "名字@例子.中国"]
    assert email_key(" Ops@Shop.Example ") == "ops@shop.example"


@given(st.from_regex(r"\A[a-z0-9]{1,10}(?:[._+-][a-z0-9]{1,5})?@[a-z0-9]{1,10}(?:-[a-z0-9]{1,5})?\.[a-z]{2,6}\Z"))
def test_an_address_between_words_is_found_whole(address: str) -> None:
    found = list(emails(f"mail {address}, please."))
    assert [f.text for f in found] == [address]


# ---- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["8 Sept 2026", "8th of September 2026", "Sept. 8, 2026", "September 8th, 2026", "2026-09-08", "2026/09/08", "08/09/2026", "8.9.2026"])
def test_every_written_form_of_a_date_is_the_same_day(written: str) -> None:
    index = DateIndex.of("The audit was on 2026-09-08.")
    [ref] = dates(f"On {written}, we acted.")
    assert index.supports(ref)
    assert not DateIndex.of("The audit was on 2026-09-09.").supports(ref)


def test_ranges_years_and_ambiguous_numeric_dates() -> None:
    assert [(d.month, d.day) for d in dates("between 1–14 March 2026")] == [(3, 1), (3, 14)]
    assert [(d.month, d.day) for d in dates("September 8-10, 2026")] == [(9, 8), (9, 10)]
    [undated] = dates("on 8 September we")
    assert undated.year is None and DateIndex.of("2026-09-08").supports(undated)
    [both] = dates("on 03/04/2026.")
    assert (both.month, both.day, both.alt) == (4, 3, (3, 4))
    assert DateIndex.of("March 4, 2026").supports(both)
    assert dates("on 31/02/2026 or 2026-13-01") == []
    assert DateIndex.of("4 May 2026").mentions(dt.date(2026, 5, 4))
    assert time_key("9:00") == time_key("09:00") == (9, "00")


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
@settings(max_examples=60)
def test_iso_and_long_forms_agree(day: dt.date) -> None:
    index = DateIndex.of(day.isoformat())
    for written in (f"{day.day} {day.strftime('%B')} {day.year}", f"{day.strftime('%b')}. {day.day}, {day.year}", f"{day.day:02d}/{day.month:02d}/{day.year}"):
        refs = dates(written)
        assert refs and all(index.supports(r) for r in refs), written


# ---- numbers ----------------------------------------------------------------------------------


def test_numbers_and_percentages() -> None:
    assert parse_number("1,150") == parse_number("1150") == 1150.0
    assert parse_number("6,8") == 6.8 and parse_number("12th") == 12.0 and parse_number("1,150,000") == 1150000.0
    assert [(p.value, p.raw) for p in percentages("6.8% then 6,80 % then 7 percent")] == [(6.8, "6.8"), (6.8, "6,80"), (7.0, "7")]
    assert [n.raw for n in numbers("1. We packed 1,150 units on the 3rd run.\n2) Then 12.5 more.")] == ["1,150", "3rd", "12.5"]
    assert word_numbers("Two packers, twice a week") == {2.0}
    assert same_at_precision(6.8, "7", {6.8}) and not same_at_precision(7.4, "7.4", {6.8})
    assert same_at_precision(6.8, "6.80", {6.8})


@given(st.integers(min_value=1000, max_value=999_999_999))
def test_thousands_separators_do_not_change_a_number(n: int) -> None:
    assert parse_number(f"{n:,}") == parse_number(str(n)) == float(n)
    assert [x.value for x in numbers(f"we sold {n:,} units")] == [float(n)]


# ---- references -------------------------------------------------------------------------------


def test_reference_forms_share_one_key() -> None:
    assert reference_key("INV 2291") == reference_key("INV-2291") == reference_key("inv2291") == reference_key("INV/2291") == "INV2291"


def test_references_found_by_prefix_cue_and_code() -> None:
    text = ("Invoice INV 2291 and PO-7781, registration number UK00003456789, complaint CN-7781234; "
            "not B0DK3M7Q2A, not 112-4471902-3385016, not the year 2026, not 2026-09-08.")
    assert [f.text for f in references(text)] == ["INV 2291", "PO-7781", "UK00003456789", "CN-7781234"]


# ---- scan -------------------------------------------------------------------------------------


def test_scan_gives_each_span_one_kind() -> None:
    text = ("On 8 Sept 2026 order 112-4471902-3385016 for B0DK3M7Q2A (invoice INV-2291, ops@shop.example) "
            "reached 6.8% at 16:30 with 1,150 units. [TO COMPLETE: 99 boxes] <ORDER_3>")
    found, rest = scan(text)
    assert [(f.kind, f.text) for f in found] == [
        ("date", "8 Sept 2026"), ("order_id", "112-4471902-3385016"), ("asin", "B0DK3M7Q2A"), ("reference", "INV-2291"),
        ("email", "ops@shop.example"), ("percentage", "6.8%"), ("time", "16:30"), ("number", "1,150"),
    ]
    assert len(rest) == len(text) and not any(c.isdigit() for c in rest)


# ---- CaseFacts --------------------------------------------------------------------------------


def test_case_facts_answer_for_each_kind() -> None:
    data = json.loads((ROOT / "tests" / "data" / "bad_letters" / "cases" / "lsr_us.json").read_text(encoding="utf-8"))
    data["context"] = "Invoice INV 2291 covers 1,150 lanterns; two packers; audit on 8 Sept 2026."
    facts = CaseFacts(Case.model_validate(data))
    assert facts.supports_asin("B0DK3M7Q2A") and not facts.supports_asin("B0DK3M7Q2Z")
    assert facts.supports_order_id("112-4471902-3385016") and not facts.supports_order_id("112-4471902-3385017")
    assert facts.supports_email("OPS@brightwell-outdoor.example.com") and not facts.supports_email("x@brightwell-outdoor.example.com")
    [audit] = dates("2026-09-08")
    assert facts.supports_date(audit) and not facts.supports_date(dates("2026-09-07")[0])
    assert facts.supports_number("1150") and facts.supports_number("2") and not facts.supports_number("1,151")
    assert facts.supports_number("30")  # the metric's window
    assert facts.supports_percentage(6.8, "6.80") and facts.supports_percentage(4.0, "4")  # the case's rate, Amazon's target
    assert facts.supports_percentage(6.8, "6.8") and not facts.supports_percentage(6.9, "6.9")
    assert facts.supports_reference("inv-2291") and not facts.supports_reference("INV-2292")
    assert facts.supports_time("16:00") and not facts.supports_time("17:00")


def test_twelve_hour_times_are_the_same_fact_as_the_24_hour_clock() -> None:
    from appealagent.facts.dates import time_key, times

    found = {f.text: time_key(f.text) for f in times("Cut-off moved to 15:00; a model may write 3 pm, 3:30 PM or 9 a.m.")}
    assert found == {"15:00": (15, "00"), "3 pm": (15, "00"), "3:30 PM": (15, "30"), "9 a.m.": (9, "00")}
    assert time_key("12 am") == (0, "00") and time_key("12 pm") == (12, "00")
    assert list(times("we packed 3 parcels; version 3.5")) == []
