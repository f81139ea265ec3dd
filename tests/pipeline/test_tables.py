"""The neutral tables of a distribution and a simulation, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.weighted import simulate
from tests.pipeline.test_weighted import deal

D = Decimal


class TestOutcomeDistributionTable:
    @pytest.mark.parametrize(
        ("lang", "title", "note"),
        [
            ("en", "Outcome distribution (CNY)", "method: exact; error within 0 in amount"),
            ("zh", "成交结果分布（CNY）", "计算方法：exact；误差：金额不超过 0"),
        ],
    )
    def test_rows_and_note(self, lang, title, note):
        """The table lists the count, the certain part, the mean, the spread and the percentiles."""
        dist = distribution_of([(D(100), D("0.5")), (D(200), D(1))], currency="CNY")
        table = dist.table(lang)
        assert table.title == title
        assert table.note.startswith(note)
        values = [value for _label, value in table.rows]
        assert values[:3] == [1, D(200), D("250.0")]
        assert values[-1] == D(300)
        assert len(table.rows) == 9

    def test_without_currency(self):
        """Without a currency the title has no brackets."""
        assert distribution_of([(D(1), D("0.5"))]).table().title == "Outcome distribution"


class TestSimulationTable:
    @pytest.mark.parametrize(
        ("lang", "title"), [("en", "Simulated outcome (CNY)"), ("zh", "模拟成交结果（CNY）")]
    )
    def test_rows(self, lang, title):
        """The table lists the trials with the seed, the mean with its interval and the percentiles."""
        sim = simulate([deal(1), deal(2, amount="5000")], 200, 3)
        table = sim.table(lang)
        assert table.title == title
        assert table.rows[0][1] == "200 (3)"
        assert table.rows[1][1] == sim.mean
        assert len(table.rows) == 8
