"""Fuzzing the JSON documents: only FunnelError escapes loads; what loads reads round-trips."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.errors import FunnelError
from salesfunnel.io import dumps, loads
from tests import strategies as gen

FUZZ = settings(
    max_examples=300,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Valid documents of several kinds, as JSON text.
documents = st.one_of(
    gen.abc_results().map(dumps),
    gen.assessments.map(dumps),
    gen.backtests().map(dumps),
    gen.calendars.map(dumps),
    gen.calibrations().map(dumps),
    gen.combined_abc_results().map(dumps),
    gen.conversion_tables().map(dumps),
    gen.customer_profiles.map(dumps),
    gen.distributions().map(dumps),
    gen.exchange_rates().map(dumps),
    gen.forecasts().map(dumps),
    gen.funnel_summaries().map(dumps),
    gen.funnels().map(dumps),
    gen.key_accounts().map(dumps),
    gen.learned_probabilities().map(dumps),
    gen.loyalty_models.map(dumps),
    gen.next_steps.map(dumps),
    gen.opportunity_sets().map(dumps),
    gen.quota_results().map(dumps),
    gen.retention_effects().map(dumps),
    gen.scorecards().map(dumps),
    gen.scored_accounts.map(dumps),
    gen.simulations().map(dumps),
    gen.slippages().map(dumps),
    gen.verdicts.map(dumps),
    gen.waterfalls().map(dumps),
    st.just(dumps(DEFAULT_FUNNEL)),
)

_HOSTILE = [
    "NaN",
    "-Infinity",
    "9" * 5000,
    "1e999999",
    '"\\ud800"',
    '"1_000"',
    '"１００"',
    "[" * 200,
]


def _mutate_value(value: object, data: st.DataObject) -> object:
    """``value`` with one nested value renamed, swapped or replaced."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))
        action = data.draw(st.sampled_from(["rename", "drop", "recurse", "swap"]))
        if action == "rename":
            value[key + data.draw(st.sampled_from(["x", "_", ""]))] = value.pop(key)
        elif action == "drop":
            del value[key]
        elif action == "swap":
            value[key] = data.draw(
                st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
            )
        else:
            value[key] = _mutate_value(value[key], data)
    elif isinstance(value, list) and value:
        i = data.draw(st.integers(0, len(value) - 1))
        value[i] = _mutate_value(value[i], data)
    return value


def _text_edit(text: str, data: st.DataObject) -> str:
    kind = data.draw(st.sampled_from(["truncate", "insert", "delete", "hostile"]))
    at = data.draw(st.integers(0, len(text)))
    if kind == "truncate":
        return text[:at]
    if kind == "delete":
        return text[:at] + text[at + 1 :]
    piece = (
        data.draw(st.sampled_from(_HOSTILE))
        if kind == "hostile"
        else data.draw(st.text(max_size=3))
    )
    return text[:at] + piece + text[at:]


def _only_typed(text: str) -> None:
    try:
        value = loads(text)
    except FunnelError:
        return
    assert value == value  # noqa: PLR0124  (equal to itself, no NaN inside)
    assert loads(dumps(value)) == value


@FUZZ
@given(documents, st.data())
def test_text_mutations(text, data):
    """Random character edits, truncations and hostile pieces give a typed error or a value."""
    for _ in range(data.draw(st.integers(1, 3))):
        text = _text_edit(text, data)
    _only_typed(text)


@FUZZ
@given(documents, st.data())
def test_value_mutations(text, data):
    """Renamed keys, dropped keys and swapped values give a typed error or a value."""
    doc = json.loads(text)
    _only_typed(json.dumps(_mutate_value(doc, data)))


@FUZZ
@given(documents, st.integers(1, 3000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting(text, depth, opener):
    """A deep value anywhere in a document is a typed error, never a RecursionError."""
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + "1" + closer * depth
    _only_typed(text.replace("null", deep, 1))


@FUZZ
@given(documents)
def test_round_trip(text):
    """Every document salesfunnel writes reads back equal, and equal to itself."""
    value = loads(text)
    assert value == value  # noqa: PLR0124
    assert loads(dumps(value)) == value
