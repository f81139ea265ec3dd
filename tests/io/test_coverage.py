"""Every public value class has a JSON document kind, is written inside one, or says why not.

A new ``@attrs.frozen`` class exported from :mod:`salesfunnel` fails these
tests until it gets a document kind (see :mod:`salesfunnel.io.results`) or an
entry below with its reason.
"""

from __future__ import annotations

import importlib
import re
import typing
from pathlib import Path

import attrs
import pytest

from salesfunnel import ExchangeRates, Forecast, Funnel, KeyAccount, Opportunity
from salesfunnel.analytics import Backtest, Calibration, LearnedProbabilities
from salesfunnel.analytics.conversion import ConversionTable
from salesfunnel.customers import AbcResult, Scorecard, ScoredAccount
from salesfunnel.forecasting import QuotaResult, SubmissionReview, Waterfall
from salesfunnel.forecasting.categories import CategoryPolicy
from salesfunnel.io import DEFAULT_SCHEMAS
from salesfunnel.key_accounts import LoyaltyModel, Playbook
from salesfunnel.pipeline import OutcomeDistribution

#: Written inside the document of another class (reachable through its fields).
PARTS: dict[str, type] = {
    "Activity": Playbook,
    "BacktestRow": Backtest,
    "ReliabilityBin": Calibration,
    "StageEstimate": LearnedProbabilities,
    "SubmissionRow": SubmissionReview,
    "ActivityRecord": KeyAccount,
    "CategoryRule": CategoryPolicy,
    "Change": Waterfall,
    "ComputedLimits": AbcResult,
    "Contribution": ScoredAccount,
    "ErrorBound": OutcomeDistribution,
    "Facts": Opportunity,
    "Figures": Forecast,
    "FiscalQuarter": Forecast,
    "FiscalYear": QuotaResult,
    "ForecastRow": Forecast,
    "LimitPoint": AbcResult,
    "LineItem": Opportunity,
    "Rate": ExchangeRates,
    "Reprice": Opportunity,
    "Reschedule": Opportunity,
    "Override": Opportunity,
    "Role": Funnel,
    "Scale": Scorecard,
    "ScoreCriterion": Scorecard,
    "Stage": Funnel,
    "StageChange": Opportunity,
    "StageConversion": ConversionTable,
    "Text": Funnel,
    "YearProfit": LoyaltyModel,
}

#: Computed by another class from what its document holds, so not written themselves.
COMPUTED: dict[str, type] = {
    "AbcRow": AbcResult,  # an ABC result's rows: from its figures and cuts
    "ClassSummary": AbcResult,  # its classes: from the rows
    "CurvePoint": AbcResult,  # its Pareto and Lorenz curves: from the figures
}

#: Deliberately not documents.
NOT_DOCUMENTS: dict[str, str] = {
    "ImportMapping": "how to read an export; a CLI --mapping file holds it, not a document",
    # A rendering for people; render() already writes it as text, markdown,
    # HTML, CSV or JSON.
    "Table": "a rendered table",
    # The outcome of reading a file: the validate command prints it as its
    # own salesfunnel/validation document.
    "Problem": "a problem found while reading a file",
    "ReadResult": "the records and problems of a lenient read",
    # Fixed reference data of the library (LIFECYCLE, SIGNALS): documents name
    # lifecycle stages and signals by key.
    "KamStageProfile": "the description of a lifecycle stage",
    "Signal": "an entry of the signal catalogue",
    # The tests inside criteria: rules are written by reference (the rule
    # registry) or through their criteria's own fields.
    "FactIs": "the test of a yes/no criterion",
    "Threshold": "the test of a numeric criterion",
    "Below": "the test of a numeric criterion",
    # Computed on demand from a verdict (Verdict.finding).
    "Finding": "how one node of a rule evaluated",
    # Data for a chart, computed from a distribution or a simulation.
    "HistogramBin": "a bar of a histogram",
    # The machinery and by-products of reading files.
    "DocumentSchema": "a document kind of the JSON codec",
    "RuleRegistry": "the rules documents may name by reference",
    "Preset": "a CRM export's layout",
    "HistoryRow": "one row of a stage-history table being read",
    "UnmappedStage": "a stage name an export uses with no mapping",
}


#: The public namespaces: the package and its subpackages.
_NAMESPACES = (
    "salesfunnel",
    "salesfunnel.qualification",
    "salesfunnel.calendar",
    "salesfunnel.fx",
    "salesfunnel.tables",
    "salesfunnel.funnel",
    "salesfunnel.forecasting",
    "salesfunnel.pipeline",
    "salesfunnel.analytics",
    "salesfunnel.customers",
    "salesfunnel.key_accounts",
    "salesfunnel.io",
)


def _public() -> dict[str, object]:
    """Every public name of the package and its subpackages."""
    found: dict[str, object] = {}
    for namespace in _NAMESPACES:
        module = importlib.import_module(namespace)
        for name in module.__all__:
            found.setdefault(name, getattr(module, name))
    return found


def _exported_value_classes() -> dict[str, type]:
    return {
        name: obj for name, obj in _public().items() if isinstance(obj, type) and attrs.has(obj)
    }


def _has_document(cls: type) -> bool:
    return any(issubclass(cls, schema.type) for schema in DEFAULT_SCHEMAS)


def _types_in(t: object) -> set[type]:
    """The classes a type hint mentions (``tuple[Stage, ...] | None`` gives Stage)."""
    found: set[type] = set()
    if isinstance(t, type):
        found.add(t)
    for arg in typing.get_args(t):
        found |= _types_in(arg)
    return found


def _reachable(owner: type) -> set[type]:
    """Every attrs class reachable from ``owner`` through its fields' types."""
    seen: set[type] = set()
    todo = [owner]
    while todo:
        cls = todo.pop()
        if cls in seen or not attrs.has(cls):
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            todo.extend(_types_in(hints.get(field.name, object)))
    return seen


class TestEveryValueClass:
    def test_has_a_document_or_a_reason(self):
        """Every public attrs class has a document kind, is part of one, or is listed as not one."""
        listed = PARTS.keys() | COMPUTED.keys() | NOT_DOCUMENTS.keys()
        forgotten = sorted(
            name
            for name, cls in _exported_value_classes().items()
            if not _has_document(cls) and name not in listed
        )
        assert forgotten == [], (
            f"give {forgotten} a document kind in salesfunnel.io.results, or list them in "
            "tests/io/test_coverage.py with the reason"
        )

    def test_lists_are_current(self):
        """Every listed class is exported, a value class, and has no document kind of its own."""
        classes = _exported_value_classes()
        for name in PARTS.keys() | COMPUTED.keys() | NOT_DOCUMENTS.keys():
            assert name in classes, f"{name} is not an exported attrs class"
            assert not _has_document(classes[name]), f"{name} has a document kind now"
        assert not PARTS.keys() & COMPUTED.keys()
        assert not (PARTS.keys() | COMPUTED.keys()) & NOT_DOCUMENTS.keys()

    @pytest.mark.parametrize(("name", "owner"), sorted(PARTS.items()))
    def test_parts_are_written_inside_their_owner(self, name, owner):
        """A part is reachable through the fields of a class that has a document kind."""
        assert _has_document(owner)
        assert _public()[name] in _reachable(owner)

    @pytest.mark.parametrize(("name", "owner"), sorted(COMPUTED.items()))
    def test_computed_parts_have_a_documented_owner(self, name, owner):
        """A computed part comes from a class that has a document kind."""
        assert _has_document(owner)
        assert _public()[name] not in _reachable(owner)


class TestDocumentKinds:
    def test_names_and_keys(self):
        """Document kinds are salesfunnel/<name> at version 1 with unique names and keys."""
        names = [s.name for s in DEFAULT_SCHEMAS]
        keys = [s.key for s in DEFAULT_SCHEMAS]
        assert len(set(names)) == len(names)
        assert len(set(keys)) == len(keys)
        for schema in DEFAULT_SCHEMAS:
            assert re.fullmatch(r"salesfunnel/[a-z]+(-[a-z]+)*", schema.name), schema.name
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*", schema.key), schema.key
            assert schema.version == 1

    def test_every_kind_is_documented(self):
        """The data-formats page lists every document kind with its payload key."""
        page = (Path(__file__).parents[2] / "docs" / "data-formats.md").read_text("utf-8")
        missing = [s.name for s in DEFAULT_SCHEMAS if f"| `{s.name}` | `{s.key}` |" not in page]
        assert missing == []
