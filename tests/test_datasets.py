from __future__ import annotations

from collections import Counter
from datetime import date

from salesfunnel import DEFAULT_FUNNEL, ChangeKind
from salesfunnel.datasets import SAMPLE_AS_OF, generate, sample_pipeline


class TestSamplePipeline:
    def test_size_and_determinism(self):
        """The sample has 600 opportunities and is the same every time."""
        data = sample_pipeline()
        assert len(data) == 600
        assert generate(600, seed=2026) == data
        assert len({o.id for o in data}) == 600

    def test_realistic_mix(self):
        """Several owners, products and currencies; every stage and kind of move occurs."""
        data = sample_pipeline()
        assert len({o.owner for o in data}) >= 5
        assert {o.currency for o in data} == {"CNY", "USD", "EUR"}
        assert set(Counter(o.stage for o in data)) == set(DEFAULT_FUNNEL.keys())
        kinds = {c.kind for o in data for c in o.history}
        assert kinds == {
            ChangeKind.CREATE,
            ChangeKind.ADVANCE,
            ChangeKind.SKIP,
            ChangeKind.REGRESS,
            ChangeKind.LOSE,
            ChangeKind.REOPEN,
        }
        assert any(len(o.line_items) > 1 for o in data)
        assert any(o.revisions for o in data)
        assert any(o.probability is not None for o in data)

    def test_nothing_after_as_of(self):
        """No change in the sample is dated after its as-of date."""
        for o in sample_pipeline():
            assert o.last_change <= SAMPLE_AS_OF

    def test_open_deals_can_advance_with_their_facts(self):
        """A sample deal has the facts to pass the gate of the stage it is in."""
        for o in sample_pipeline():
            stage = DEFAULT_FUNNEL[o.stage]
            if DEFAULT_FUNNEL.kind_of(o).value == "open":
                assert stage.gate(o.facts).passed

    def test_other_seeds_and_dates(self):
        """Other seeds give other data within the requested dates."""
        data = generate(50, seed=1, start=date(2024, 1, 1), as_of=date(2024, 12, 31))
        assert data != generate(50, seed=2, start=date(2024, 1, 1), as_of=date(2024, 12, 31))
        assert all(date(2024, 1, 1) <= o.created <= date(2024, 12, 31) for o in data)
