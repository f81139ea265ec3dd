from __future__ import annotations

import csv
import importlib.util
import io
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from salesfunnel import DEFAULT_FUNNEL, ChangeKind
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, generate, sample_pipeline

DOCS = Path(__file__).resolve().parents[1] / "docs"


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


class TestOneStoryOnTheSample:
    """The demo, the tutorial and the notebook tell one story: the same rates, the same totals."""

    @staticmethod
    def _demo_totals(capsys) -> tuple[Decimal, Decimal]:
        from salesfunnel.cli import main

        assert main(["demo", "--format", "csv", "--table", "forecast-time"]) == 0
        total = list(csv.reader(io.StringIO(capsys.readouterr().out)))[-1][-1]
        assert main(["demo", "--format", "csv", "--table", "pipeline"]) == 0
        weighted = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1][2]
        return Decimal(total), Decimal(weighted)

    @staticmethod
    def _tutorial_totals() -> tuple[Decimal, Decimal]:
        text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
        total = re.search(r"TimeBucket\.LOST\]\.amount\n(Decimal\('[0-9.]+'\))", text)
        weighted = re.search(r"round\(dist\.mean\).*\n\('grid', ([0-9]+),", text)
        assert total is not None and weighted is not None
        return Decimal(total.group(1)[9:-2]), Decimal(weighted.group(1))

    @staticmethod
    def _notebook_totals() -> tuple[Decimal, Decimal]:
        spec = importlib.util.spec_from_file_location(
            "make_notebook", DOCS / "_ext" / "make_notebook.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        code = [text for kind, text in module.CELLS if kind == "code"]
        assert "RATES = SAMPLE_RATES" in "\n".join(code)
        assert "ExchangeRates" not in "\n".join(code)  # no second set of rates
        namespace: dict[str, object] = {}
        for cell in code:
            if "plot." in cell or "HTML(" in cell:
                continue
            source = "\n".join(line for line in cell.splitlines() if not line.startswith("%"))
            exec(source, namespace)  # noqa: S102  (the tour's own cells)
        total = eval(  # noqa: S307
            "fc.total.total.amount - fc.total.buckets[TimeBucket.LOST].amount", namespace
        )
        weighted = eval("weighted_value(open_deals, convert=in_cny)", namespace)  # noqa: S307
        return total, weighted

    def test_the_three_totals_agree(self, capsys):
        """The pipeline total (lost deals not added) and the weighted pipeline agree everywhere."""
        demo = self._demo_totals(capsys)
        assert demo == self._tutorial_totals()
        total, weighted = self._notebook_totals()
        assert (total, round(weighted)) == (demo[0], round(demo[1]))
        assert demo[0] == Decimal("101781770.00")

    def test_one_set_of_rates(self):
        """The demo converts at the sample's rates, the one set the tutorial uses too."""
        from salesfunnel.cli.common import DEMO_RATES

        assert DEMO_RATES is SAMPLE_RATES
        assert "SAMPLE_RATES" in (DOCS / "tutorial.md").read_text(encoding="utf-8")
