from __future__ import annotations

from decimal import Decimal

import pytest

from salesfunnel import evaluate
from salesfunnel.funnel import WALL_RULE
from salesfunnel.funnel.gates import (
    CLOSED_RULE,
    DEFAULT_RULES,
    INTENT_RULE,
    NEGOTIATION_RULE,
    POTENTIAL_RULE,
    PROJECT_RULE,
    RECOGNITION_RULE,
)
from salesfunnel.qualification import Outcome


def all_true(rule, **override):
    facts = {c.key: True for c in rule.criteria()}
    facts.update(override)
    return facts


class TestDefaultRules:
    @pytest.mark.parametrize("key", list(DEFAULT_RULES))
    def test_every_criterion_is_bilingual(self, key):
        """Every default criterion has distinct English and Chinese text."""
        for c in DEFAULT_RULES[key].criteria():
            assert c.text("en") and c.text("zh") and c.text("en") != c.text("zh")

    def test_potential_needs_all_information_and_three_of_four(self):
        """Potential: all information obtained and three of the four evaluation criteria."""
        facts = all_true(POTENTIAL_RULE, current_solution_poor=False)
        assert evaluate(POTENTIAL_RULE, facts).passed
        assert not evaluate(POTENTIAL_RULE, {**facts, "sound_finances": False}).passed
        assert not evaluate(POTENTIAL_RULE, {**facts, "credit_checked": False}).passed

    def test_intent(self):
        """Intent: interest, preliminary requirements and talks with suppliers."""
        assert evaluate(INTENT_RULE, all_true(INTENT_RULE)).passed
        assert not evaluate(INTENT_RULE, all_true(INTENT_RULE, interested=False)).passed

    def test_project_five_of_six(self):
        """Project: both start conditions and five of the six characteristics."""
        facts = all_true(PROJECT_RULE, third_party_involved=False)
        assert evaluate(PROJECT_RULE, facts).passed
        assert not evaluate(PROJECT_RULE, {**facts, "schedule_exists": False}).passed
        assert not evaluate(PROJECT_RULE, {**facts, "project_requested": False}).passed

    def test_recognition_needs_more_than_half(self):
        """Recognition needs a quote and strictly more than 50 % odds."""
        facts = {**all_true(RECOGNITION_RULE), "sign_probability_3m": Decimal("0.51")}
        assert evaluate(RECOGNITION_RULE, facts).passed
        assert not evaluate(RECOGNITION_RULE, {**facts, "sign_probability_3m": 0.5}).passed
        assert not evaluate(RECOGNITION_RULE, {**facts, "quote_submitted": False}).passed

    def test_negotiation_sole_or_shortlisted(self):
        """Negotiation: sole *or* shortlisted vendor, and a timetable."""
        base = all_true(NEGOTIATION_RULE)
        assert evaluate(NEGOTIATION_RULE, {**base, "sole_vendor": False}).passed
        assert not evaluate(
            NEGOTIATION_RULE, {**base, "sole_vendor": False, "shortlisted": False}
        ).passed
        assert (
            evaluate(NEGOTIATION_RULE, {**base, "timetable_set": None}).outcome is Outcome.UNDECIDED
        )

    def test_closed(self):
        """Closed: signed, paid and shipped."""
        assert evaluate(CLOSED_RULE, all_true(CLOSED_RULE)).passed
        assert not evaluate(CLOSED_RULE, all_true(CLOSED_RULE, shipped=False)).passed


class TestWall:
    def test_wall_gate_on_a_lead(self):
        """A lead passes the wall with fit, need, contact and sound finances."""
        lead = all_true(WALL_RULE)
        assert evaluate(WALL_RULE, lead).passed
        verdict = evaluate(WALL_RULE, {**lead, "first_contact_made": None})
        assert [c.key for c in verdict.missing] == ["first_contact_made"]
        assert "围墙" in verdict.explain("zh")
