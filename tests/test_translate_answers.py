"""A translation of a seller's Chinese answer stands in for it only when every number, date, time and ID agrees."""

from __future__ import annotations

import pytest

from appealagent.engines.editor.translate import translation_problems
from appealagent.facts.ids import asins


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("调货车15:00从临时仓出发,在Royal Mail 15:30收件之后才到", "The transfer van left the overflow site at 3 pm and arrived after Royal Mail's 15:30 collection."),
        ("2026年3月23日至27日两名打包员休假期间,下午的打包班只有一名打包员", "While two packers were on leave from 23 to 27 March 2026, the afternoon shift had one packer."),
        ("迟发率在三周内从2.1%升到4.6%", "Our late shipment rate rose from 2.1% to 4.6% in three weeks."),
        ("我们把临时仓的全部1,860件货搬进Leicester仓库", "We moved all 1860 units from the overflow site into the Leicester warehouse."),
        ("23个延迟订单中有17个(全部是B0D4KX2PL7和B0D5MN8QR2)晚了一天", "17 of the 23 late orders (all B0D4KX2PL7 and B0D5MN8QR2) shipped a day late."),
        ("品牌方青云于2026年2月更换了包装盒和标志", "The brand owner Qingyun changed its box and logo in February 2026."),
        ("我们从2025年8月起向青云品牌方的授权工厂采购", "Since Aug. 2025 we have bought from the brand's authorised factory."),
    ],
)
def test_a_faithful_translation_passes(zh, en):
    assert translation_problems(zh, en) == []


@pytest.mark.parametrize(
    ("zh", "en", "expected"),
    [
        ("调货车15:00从临时仓出发", "The transfer van left the overflow site in the afternoon.", "'15:00' from the Chinese answer is missing"),
        ("我们取消了这46个订单并全额退款", "We cancelled these orders and refunded 46 buyers within 24 hours.", "'24' is not in the Chinese answer"),
        ("23个延迟订单中有17个(全部是B0D4KX2PL7)", "17 of the 23 late orders were for one ASIN.", "'B0D4KX2PL7' from the Chinese answer is missing"),
        ("我们取消了这46个订单", "我们 cancelled these 46 orders.", "still contains Chinese characters"),
        ("我们取消了这46个订单", "  ", "empty"),
    ],
)
def test_a_translation_that_changes_a_fact_fails(zh, en, expected):
    assert any(expected in p for p in translation_problems(zh, en))


def test_an_asin_beside_chinese_characters_is_an_asin():
    assert [f.text for f in asins("全部是B0D4KX2PL7和B0D5MN8QR2")] == ["B0D4KX2PL7", "B0D5MN8QR2"]
    assert list(asins("XB0D4KX2PL7")) == []


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("2026年3月6日至9日,我们的", "6–9 March 2026,我们的"),
        ("直到2026年3月9日订单", "直到9 March 2026订单"),
        ("3月30日至4月2日", "30 March – 2 April"),
        ("从2025年8月起", "从August 2025起"),
        ("下午3点,13月5日", "下午3点,13月5日"),
    ],
)
def test_chinese_dates_go_to_the_model_written_the_english_way(zh, en):
    from appealagent.facts.dates import zh_dates_in_english

    assert zh_dates_in_english(zh) == en


def test_chinese_dates_are_dates_to_the_facts_layer():
    from appealagent.facts.dates import DateIndex, dates

    index = DateIndex.of("2026年3月23日至27日两名打包员休假; 3月30日至4月2日")
    for english in ("23 March 2026", "March 27, 2026", "30 March", "2 April"):
        assert all(index.supports(d) for d in dates(english)), english
    assert not any(index.supports(d) for d in dates("24 March 2026"))
    assert [(d.year, d.month, d.day) for d in dates("从2025年8月起")] == []  # a month is no day
