"""snapshot_ok says of a deal's dates and stage what the constructor and Funnel.check say."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.machine import snapshot_ok
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel

_DAYS = st.integers(-3, 3).map(lambda d: date(2026, 1, 5) + timedelta(days=d))
_SMALL = Funnel.from_stage_names(["Lead", "Won", "Lost"], won="Won", lost="Lost")


def builds(funnel: Funnel, stage: str, created, expected, closed, lost: str | None) -> bool:
    try:
        funnel.check(
            Opportunity(
                id="D1",
                name="n",
                account="a",
                owner="o",
                stage=stage,
                created=created,
                expected_close=expected,
                amount="1",
                currency="EUR",
                closed_on=closed,
                lost_reason=lost,
            )
        )
    except FunnelError:
        return False
    return True


@given(
    st.sampled_from([DEFAULT_FUNNEL, _SMALL]).flatmap(
        lambda f: st.tuples(st.just(f), st.sampled_from(list(f.keys())))
    ),
    _DAYS,
    _DAYS,
    st.one_of(st.none(), _DAYS),
    st.sampled_from([None, "price", " "]),
)
def test_same_as_building_the_record(funnel_stage, created, expected, closed, lost):
    funnel, stage = funnel_stage
    assert snapshot_ok(funnel, stage, created, expected, closed, lost=lost is not None) == builds(
        funnel, stage, created, expected, closed, lost
    )
