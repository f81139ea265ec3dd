"""Dated overrides of probability and category, and forecast calls reviewed against outcomes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salesfunnel import (
    DEFAULT_FUNNEL,
    UNRECORDED_STAGE,
    ChangeKind,
    Funnel,
    InvalidOpportunityError,
    Stage,
    StageKind,
    Text,
    forecast_category,
    override,
    reprice,
    snapshot,
)
from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import FunnelDefinitionError, InvalidProbabilityError
from salesfunnel.forecasting.submissions import ForecastSubmission, review_submissions
from salesfunnel.funnel import Override
from salesfunnel.funnel.opportunity import default_history
from tests import factories

D = date(2026, 1, 5)


_deal = factories.deal_maker(
    created=D, expected_close=date(2026, 3, 20), amount="50000", currency="EUR"
)


def deal(stage="project", **kw):
    return _deal(stage=stage, **kw)


class TestOverride:
    def test_records_a_dated_revision(self):
        """Setting a probability and a category appends one Override with the old values."""
        called = override(deal(), on=date(2026, 2, 1), probability="0.9", category="commit")
        assert called.probability == Decimal("0.9")
        assert called.category_override == "commit"
        assert called.revisions == (
            Override(date(2026, 2, 1), None, Decimal("0.9"), None, "commit"),
        )

    def test_none_clears_and_a_missing_option_keeps(self):
        """None clears an override; leaving an option out keeps it as it is."""
        called = override(deal(), on=date(2026, 2, 1), probability="0.9", category="commit")
        cleared = override(called, on=date(2026, 2, 3), probability=None, reason="manager")
        assert cleared.probability is None
        assert cleared.category_override == "commit"
        assert cleared.revisions[-1].reason == "manager"

    def test_a_past_snapshot_uses_the_old_values(self):
        """The record as of a date before the override has the values of that date."""
        called = override(deal(), on=date(2026, 2, 1), probability="0.9", category="commit")
        later = override(called, on=date(2026, 2, 10), category="upside")
        before = snapshot(later, date(2026, 1, 31))
        between = snapshot(later, date(2026, 2, 5))
        assert before is not None
        assert between is not None
        assert (before.probability, before.category_override) == (None, None)
        assert (between.probability, between.category_override) == (Decimal("0.9"), "commit")
        assert DEFAULT_FUNNEL.probability_of(before) == Decimal("0.4")
        assert DEFAULT_FUNNEL.probability_of(between) == Decimal("0.9")

    def test_a_past_forecast_category_is_rebuilt(self):
        """forecast_category at a cutoff before the override gives the policy's category."""
        called = override(deal(), on=date(2026, 2, 1), category="commit")
        assert forecast_category(called, cutoff=date(2026, 2, 15)).value == "commit"
        assert forecast_category(called, cutoff=date(2026, 1, 31)).value != "commit"

    def test_mixed_with_other_revisions(self):
        """Overrides interleave with reprices; each rolls back on its own."""
        first = override(deal(), on=date(2026, 2, 1), probability="0.7")
        priced = reprice(first, "60000", on=date(2026, 2, 2))
        then = snapshot(priced, date(2026, 2, 1))
        assert then is not None
        assert (then.amount, then.probability) == (Decimal(50000), Decimal("0.7"))

    def test_refusals(self):
        """Nothing changed, a closed deal, a date before the last revision, a bad probability."""
        with pytest.raises(InvalidOpportunityError, match="unchanged"):
            override(deal(), on=date(2026, 2, 1))
        won = deal("closed", closed_on=date(2026, 2, 1))
        with pytest.raises(InvalidOpportunityError, match="reopen it first"):
            override(won, on=date(2026, 2, 2), probability="0.5")
        called = override(deal(), on=date(2026, 2, 1), probability="0.5")
        with pytest.raises(InvalidOpportunityError, match="comes before"):
            override(called, on=date(2026, 1, 20), probability="0.6")
        with pytest.raises(InvalidProbabilityError):
            override(deal(), on=date(2026, 2, 1), probability="1.5")
        with pytest.raises(InvalidOpportunityError, match="category override"):
            Override(D, None, None, None, 3)  # type: ignore[arg-type]

    def test_repr_of_the_default(self):
        """The 'leave it' default shows as UNCHANGED in help()."""
        from salesfunnel.funnel import UNCHANGED

        assert repr(UNCHANGED) == "UNCHANGED"


class TestDefaultHistory:
    def test_open_deal_is_created_in_its_stage(self):
        """An open deal without a history was created in its stage."""
        assert [c.to_stage for c in deal().history] == ["project"]
        assert deal().history_is_default

    def test_closed_deal_is_open_until_closed_on(self):
        """A closed deal without a history closes on closed_on with its lost reason."""
        lost = deal("lost", closed_on=date(2026, 2, 1), lost_reason="price")
        assert [(c.to_stage, c.on, c.kind, c.reason) for c in lost.history] == [
            (UNRECORDED_STAGE, D, ChangeKind.CREATE, None),
            ("lost", date(2026, 2, 1), ChangeKind.CLOSE, "price"),
        ]
        assert lost.history_is_default
        assert DEFAULT_FUNNEL.check(lost) is lost

    def test_a_recorded_history_is_not_default(self):
        """A deal moved by the machine no longer has the default history."""
        lost = DEFAULT_FUNNEL.lose(deal(), on=date(2026, 2, 1), reason="price")
        assert not lost.history_is_default
        assert lost.history != default_history("lost", D, date(2026, 2, 1), "price")

    def test_sample_pipeline_keeps_its_histories(self):
        """The machine-built sample keeps recorded histories (no deal looks like a snapshot)."""
        closed = [d for d in sample_pipeline() if d.closed_on is not None]
        assert closed
        assert not any(d.history_is_default for d in closed)


class TestUnrecordedStage:
    def test_every_funnel_answers_for_it(self):
        """The unrecorded stage is open, counts as the first stage worth a probability."""
        stage = DEFAULT_FUNNEL[UNRECORDED_STAGE]
        assert stage.kind is StageKind.OPEN
        assert stage is DEFAULT_FUNNEL.unrecorded
        assert DEFAULT_FUNNEL.unrecorded_as == "potential"
        assert stage.probability == DEFAULT_FUNNEL["potential"].probability
        assert DEFAULT_FUNNEL.index(UNRECORDED_STAGE) == DEFAULT_FUNNEL.index("potential")
        assert UNRECORDED_STAGE in DEFAULT_FUNNEL
        assert UNRECORDED_STAGE not in DEFAULT_FUNNEL.keys()  # noqa: SIM118  (keys() is a tuple here)
        assert stage.label("zh") == "进行中（阶段未记录）"

    def test_a_funnel_of_zero_probabilities_counts_it_as_the_entry(self):
        """When no open stage has a probability, the unrecorded stage counts as the entry."""
        flat = Funnel.from_stage_names(
            ["a", "b", "won"], won="won", lost="lost", probabilities={"a": 0, "b": 0}
        )
        assert flat.unrecorded_as == "a"
        assert flat.unrecorded.probability == 0

    def test_the_key_is_reserved(self):
        """No funnel may name a stage like the unrecorded one."""
        with pytest.raises(FunnelDefinitionError, match="reserved"):
            Funnel(
                stages=[Stage(UNRECORDED_STAGE, Text("x", "x"), 0)],
                lost=Stage("lost", Text("Lost", "丢单"), 0, kind=StageKind.LOST),
            )


class TestFromStageNames:
    def test_builds_a_linear_funnel(self):
        """Names become keys and labels; open stages get evenly spaced probabilities."""
        f = Funnel.from_stage_names(
            ["Lead", "Demo", "Won", "Lost"], won="Won", lost="Lost", name="sales"
        )
        assert [s.key for s in f] == ["Lead", "Demo", "Won"]
        assert [s.kind for s in f] == [StageKind.OPEN, StageKind.OPEN, StageKind.WON]
        assert f["Lead"].probability == Decimal("0.3333333333")
        assert f.lost.key == "Lost"
        assert f.name == "sales"
        assert f["Demo"].label("zh") == "Demo"

    def test_given_probabilities_and_no_won_stage(self):
        """Probabilities can be given; without won= the ladder has no won stage."""
        f = Funnel.from_stage_names(["a", "b"], lost="gone", probabilities={"a": "0.2"})
        assert f.won is None
        assert f["a"].probability == Decimal("0.2")
        assert f["b"].probability == Decimal("0.6666666667")

    def test_duplicates_are_refused(self):
        """A name given twice is a definition error naming it."""
        with pytest.raises(FunnelDefinitionError, match="duplicate stage name"):
            Funnel.from_stage_names(["a", "a"], lost="lost")


class TestReviewSubmissions:
    def test_call_against_system_and_outcome(self):
        """A call is set against the forecast of its day and what was booked by as_of."""
        a = deal("negotiation", id="A", expected_close=date(2026, 3, 15))
        b = deal("closed", id="B", amount="20000", closed_on=date(2026, 2, 20))
        calls = [
            ForecastSubmission("Ann", "2026Q1", "60000", on=date(2026, 2, 1)),
            ForecastSubmission("Ann", "2026Q1", "30000", on=date(2026, 3, 1), note="slipping"),
        ]
        review = review_submissions(calls, [a, b], as_of=date(2026, 3, 10))
        first, second = review.rows
        # on 1 Feb: B was open in the unrecorded stage (10 %), A in negotiation (80 %)
        assert first.booked_then == 0
        assert first.system == Decimal("40000.0") + Decimal("2000.0")
        assert first.actual == Decimal(20000)
        assert not first.complete
        assert second.booked_then == Decimal(20000)
        assert first.error == Decimal(-40000)
        assert first.system_error == Decimal(20000) - first.system
        assert second.accuracy == pytest.approx(2 / 3)
        assert list(review) == [first, second]
        assert review.currency == "EUR"

    def test_table_in_both_languages(self):
        """The review renders with its note, in English and Chinese."""
        b = deal("closed", id="B", closed_on=date(2026, 2, 20))
        review = review_submissions(
            [ForecastSubmission("Ann", "2026Q1", "0", on=date(2026, 2, 1))],
            [b],
            as_of=date(2026, 4, 1),
        )
        (row,) = review.rows
        assert row.complete
        assert row.accuracy is None
        en, zh = review.table("en"), review.table("zh")
        assert en.rows[0][-1] == "final"
        assert zh.headers[0] == "负责人"
        assert "<table" in review._repr_html_()
