"""The forecast's fast path: the plain path's figures, written the same way, and a plain sum's."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Context, Decimal, InvalidOperation, localcontext
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Funnel, LineItem, Opportunity, StageKind
from salesfunnel.calendar import FiscalCalendar
from salesfunnel.errors import UnknownStageError
from salesfunnel.forecasting import _tally, rollup
from salesfunnel.forecasting.buckets import time_bucket
from salesfunnel.forecasting.categories import forecast_category
from salesfunnel.forecasting.rollup import converted_lines, forecast
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.fx import MissingRateError
from tests import factories
from tests.strategies import (
    calendars,
    category_overrides,
    cutoffs,
    frame_rates,
    groupings,
    pipelines,
    reporting_currencies,
)

STAGES = [s.key for s in DEFAULT_FUNNEL] + [DEFAULT_FUNNEL.lost.key]

#: Amounts written every way an amount can be: whole, in cents, to ten places
#: and with a positive exponent (``Decimal("5E+3")``).
amounts = st.one_of(
    st.integers(0, 10**6).map(Decimal),
    st.decimals(min_value=0, max_value=10**5, places=2),
    st.decimals(min_value=0, max_value=10, places=10),
    st.integers(0, 999).map(lambda k: Decimal(k).scaleb(3)),
)

#: Probability overrides, equal values written differently among them.
probabilities = st.one_of(
    st.none(),
    st.sampled_from([Decimal("0.5"), Decimal("0.50"), Decimal(0), Decimal(1), Decimal("0.125")]),
    st.decimals(min_value=0, max_value=1, places=2),
)


def _edges(day: date) -> list[date]:
    """Month ends and fiscal-year starts around ``day``: the dates where periods turn."""
    first = day.replace(day=1)
    return [first - timedelta(days=1), first, (first + timedelta(days=32)).replace(day=1)]


#: Cutoffs on month ends, on the first of a month (a fiscal year's start for
#: some calendar) and anywhere.
edge_cutoffs = st.one_of(cutoffs, cutoffs.flatmap(lambda d: st.sampled_from(_edges(d))))


@st.composite
def deals(draw: st.DrawFn) -> list[Opportunity]:
    """1-12 deals in any stage and currency, with 1-3 lines (products may repeat), overrides."""
    out = []
    for i in range(draw(st.integers(1, 12))):
        stage = draw(st.sampled_from(STAGES))
        created = draw(st.dates(date(2024, 6, 1), date(2027, 3, 1)))
        close = draw(
            st.one_of(
                st.dates(created, date(2028, 6, 30)),
                st.sampled_from(_edges(created + timedelta(days=200))),
            )
        )
        opened = DEFAULT_FUNNEL[stage].kind is StageKind.OPEN
        # a won or lost deal without closed_on is dated by its history; an
        # open one may carry a closed_on the forecast ignores
        closed_on = draw(st.one_of(st.none(), st.dates(created, date(2027, 9, 30))))
        lines = draw(
            st.lists(
                st.builds(LineItem, st.sampled_from(["ERP", "CRM", "Support"]), amounts),
                min_size=1,
                max_size=3,
            )
        )
        out.append(
            factories.deal(
                id=f"D{i}",
                owner=draw(st.sampled_from(["Ann", "Bo", "Chen"])),
                stage=stage,
                created=created,
                expected_close=max(close, created),
                closed_on=closed_on,
                amount=None,
                line_items=lines,
                currency=draw(st.sampled_from(["CNY", "CNY", "USD", "EUR"])),
                probability=draw(probabilities) if opened else None,
                category_override=draw(category_overrides) if opened else None,
            )
        )
    return out


def written(result: rollup.Forecast) -> object:
    """Every figure of ``result`` as written (``repr``), so that exponents count too."""
    rows = []
    for row in (*result.rows, result.total):
        figures = [*row.cells.items(), *row.buckets.items(), *row.categories.items()]
        figures.append(("total", row.total))
        rows.append(
            (row.group, [(k, f.count, repr(f.amount), repr(f.weighted)) for k, f in figures])
        )
    return rows, result.not_yet_created, result.currency


def plain(deals: list[Opportunity], **options: object) -> rollup.Forecast:
    """The forecast of ``deals`` on the plain path, deal by deal."""
    with mock.patch.object(rollup, "tally", _tally.tally_each):
        return forecast(deals, **options)  # type: ignore[arg-type]


def reference(deals, *, cutoff, calendar, by, currency, period):
    """A plain sum over the deals with Decimal, from the one-deal functions."""
    sums: dict[tuple[str, ...], dict[object, list]] = defaultdict(dict)
    for deal in deals:
        then = at_cutoff(deal, cutoff)
        if then is None:
            continue
        kind = DEFAULT_FUNNEL[then.stage].kind
        if kind is not StageKind.OPEN:
            closed = then.closed_on if then.closed_on is not None else then.history[-1].on
            if not period.start <= closed <= min(period.end, cutoff):
                continue
        cell = (
            time_bucket(deal, cutoff=cutoff),
            forecast_category(deal, cutoff=cutoff, calendar=calendar),
        )
        probability = DEFAULT_FUNNEL.probability_of(then)
        on = cutoff if kind is StageKind.OPEN else (then.closed_on or cutoff)
        lines = converted_lines(then, currency, frame_rates, on, {})
        per_group: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
        for product, value in lines:
            names = {"owner": then.owner, "product": product}
            per_group[tuple(names[k] for k in by)] += value
        per_group[("total",)] = sum((v for _, v in lines), Decimal(0))
        for group, value in per_group.items():
            figures = sums[group].setdefault(cell, [0, Decimal(0), Decimal(0)])
            figures[0] += 1
            figures[1] += value
            figures[2] += value * probability
    return sums


def sums_of(result: rollup.Forecast) -> dict[tuple[str, ...], dict[object, list]]:
    out: dict[tuple[str, ...], dict[object, list]] = {}
    for row in result.rows:
        out[row.group] = {k: [f.count, f.amount, f.weighted] for k, f in row.cells.items()}
    if result.total.cells:
        out["total",] = {k: [f.count, f.amount, f.weighted] for k, f in result.total.cells.items()}
    return out


class TestFastPath:
    @given(pipelines(), cutoffs, calendars, groupings, reporting_currencies)
    def test_generated_pipelines_as_the_plain_path(self, deals, cutoff, calendar, by, currency):
        """On generated pipelines, every figure is the plain path's, written the same way."""
        options = {
            "cutoff": cutoff,
            "calendar": calendar,
            "by": by,
            "currency": currency,
            "rates": frame_rates,
        }
        assert written(forecast(deals, **options)) == written(plain(deals, **options))

    @given(
        deals(),
        edge_cutoffs,
        st.integers(1, 12),
        groupings,
        reporting_currencies,
        st.booleans(),
    )
    def test_a_plain_sum_over_the_deals(self, deals, cutoff, start, by, currency, yearly):
        """Each cell is the Decimal sum of its deals' lines, and the plain path's to the exponent."""
        calendar = FiscalCalendar(start_month=start)
        period = calendar.year_of(cutoff) if yearly else calendar.quarter_of(cutoff)
        options = {
            "cutoff": cutoff,
            "calendar": calendar,
            "by": by,
            "currency": currency,
            "rates": frame_rates,
            "period": period,
        }
        result = forecast(deals, **options)
        assert written(result) == written(plain(deals, **options))
        expected = reference(
            deals, cutoff=cutoff, calendar=calendar, by=by, currency=currency, period=period
        )
        if not by:
            expected = {k: v for k, v in expected.items() if k == ("total",)}
        assert sums_of(result) == expected

    def test_equal_probabilities_written_differently(self):
        """0.5 and 0.50 weigh the same but write the weighted amount as each one does."""
        deals = [
            factories.deal(id="A", probability=Decimal("0.5"), amount=Decimal("1E+3")),
            factories.deal(id="B", probability=Decimal("0.50"), amount=Decimal("1E+3")),
            factories.deal(id="C", probability=Decimal("0.50"), amount="7"),
        ]
        for by in ("", "owner", "product"):
            result = forecast(deals[:1], cutoff=date(2026, 8, 31), by=by)
            assert repr(result.total.total.weighted) == "Decimal('500')"
            options = {"cutoff": date(2026, 8, 31), "by": by}
            assert written(forecast(deals, **options)) == written(plain(deals, **options))
            assert repr(forecast(deals, **options).total.total.weighted) == "Decimal('1003.50')"

    def test_a_rounded_sum_takes_the_plain_path(self):
        """Were a sum rounded (past the money context's 60 digits), the plain path's order decides."""
        big = Decimal("999999999999999999.9999999999")
        deals = [
            factories.deal(id=f"D{i}", amount=big - i, probability=Decimal("0.37"))
            for i in range(4)
        ]
        options = {"cutoff": date(2026, 8, 31), "by": "owner,product"}
        # the bounds of amounts keep every sum within 60 digits: a context of
        # 28 makes the fast path's sums round, as far larger sums would
        narrow = Context(prec=28, traps=[InvalidOperation])
        with (
            mock.patch.object(_tally, "money_context", side_effect=lambda: localcontext(narrow)),
            mock.patch.object(_tally, "tally_each", wraps=_tally.tally_each) as each,
        ):
            result = forecast(deals, **options)
        each.assert_called_once()
        assert written(result) == written(plain(deals, **options))
        assert result.total.total.amount == Decimal("3999999999999999993.9999999996")

    def test_several_funnels(self):
        """Deals of a named pipeline are placed by its funnel, on both paths alike."""
        crm = Funnel.from_stage_names(
            ["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost", name="crm"
        )
        deals = [
            factories.deal(id="N1"),
            factories.deal(id="C1", stage="Engaging", facts={"pipeline": "crm"}),
            factories.deal(
                id="C2", stage="Won", closed_on=date(2026, 8, 3), facts={"pipeline": "crm"}
            ),
        ]
        options = {"cutoff": date(2026, 8, 31), "funnels": {"crm": crm}, "by": "owner"}
        result = forecast(deals, **options)
        assert written(result) == written(plain(deals, **options))
        assert result.total.total.count == 3

    def test_deals_after_the_cutoff(self):
        """A deal created after the cutoff is listed; one changed after it is taken as it was."""
        later = factories.deal(id="L", created=date(2026, 9, 2))
        moved = DEFAULT_FUNNEL.lose(
            factories.deal(id="M"), on=date(2026, 9, 5), reason="budget cut"
        )
        options = {"cutoff": date(2026, 8, 31), "by": "product"}
        result = forecast([later, moved], **options)
        assert result.not_yet_created == ("L",)
        assert result.total.total.count == 1
        assert written(result) == written(plain([later, moved], **options))

    @pytest.mark.parametrize("first", ["stage", "rate"])
    def test_the_first_bad_deal_raises_on_both_paths(self, first):
        """An unknown stage or a missing rate is raised for the first deal that has it."""
        stage = factories.deal(id="S", stage="nowhere")
        rate = factories.deal(id="R", currency="USD")
        deals = [factories.deal(), *((stage, rate) if first == "stage" else (rate, stage))]
        error = UnknownStageError if first == "stage" else MissingRateError
        options = {"cutoff": date(2026, 8, 31), "currency": "CNY", "by": "product"}
        with pytest.raises(error):
            forecast(deals, **options)
        with pytest.raises(error):
            plain(deals, **options)
