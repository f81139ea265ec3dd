from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given

from salesfunnel import (
    DEFAULT_FUNNEL,
    Criterion,
    Funnel,
    Stage,
    StageKind,
    Text,
    UnknownStageError,
)
from salesfunnel.errors import FunnelDefinitionError, InvalidProbabilityError
from salesfunnel.funnel import ROLES
from salesfunnel.funnel.gates import DEFAULT_RULES
from tests import strategies as sst

KEYS = ["target_segment", "potential", "intent", "project", "recognition", "negotiation", "closed"]


def _stage(key, p, kind=StageKind.OPEN):
    return Stage(key, Text(key.upper()), p, kind=kind)


LOST = _stage("lost", 0, StageKind.LOST)


class TestDefaultFunnel:
    def test_seven_stages_in_order(self):
        """The default funnel has the course's seven stages, in order."""
        assert [s.key for s in DEFAULT_FUNNEL] == KEYS
        assert len(DEFAULT_FUNNEL) == 7
        assert DEFAULT_FUNNEL.keys() == (*KEYS, "lost")

    def test_labels_in_both_languages(self):
        """Stages carry English and Chinese labels."""
        assert DEFAULT_FUNNEL["recognition"].label("zh") == "赢得客户认可"
        assert DEFAULT_FUNNEL["recognition"].label() == "Win customer recognition"
        assert DEFAULT_FUNNEL["lost"].label("zh") == "丢单"
        for stage in DEFAULT_FUNNEL:
            assert stage.definition is not None
            assert stage.definition("zh") != stage.definition("en")

    def test_probabilities_from_the_domain(self):
        """Default probabilities are those of domain.md; recognition is above 0.5."""
        probs = [s.probability for s in DEFAULT_FUNNEL]
        assert probs == [Decimal(x) for x in ("0", "0.1", "0.2", "0.4", "0.6", "0.8", "1")]
        assert DEFAULT_FUNNEL["recognition"].probability > Decimal("0.5")

    def test_won_and_lost(self):
        """closed is the won stage; lost is the lost outcome beside the ladder."""
        assert DEFAULT_FUNNEL.won is DEFAULT_FUNNEL["closed"]
        assert DEFAULT_FUNNEL["closed"].kind is StageKind.WON
        assert DEFAULT_FUNNEL.lost.kind is StageKind.LOST
        assert DEFAULT_FUNNEL.index("lost") == -1
        assert DEFAULT_FUNNEL.entry_stage.key == "target_segment"

    def test_owners(self):
        """Owners are the course's roles, with Chinese names."""
        owners = DEFAULT_FUNNEL["negotiation"].owners
        assert [r.key for r in owners] == [
            "project_manager",
            "sales_supervisor",
            "senior_management",
        ]
        assert ROLES["finance_supervisor"].label("zh") == "财务主管"

    def test_gates_are_the_default_rules(self):
        """Every stage from potential on has its default gate; target_segment has none."""
        assert DEFAULT_FUNNEL["target_segment"].rule is None
        for key, rule in DEFAULT_RULES.items():
            assert DEFAULT_FUNNEL[key].rule is rule
        assert DEFAULT_FUNNEL["target_segment"].gate({}).passed

    def test_rebuilt_from_its_stages_equals_it(self):
        """A funnel built from the default one's stages equals it."""
        again = Funnel(tuple(DEFAULT_FUNNEL), DEFAULT_FUNNEL.lost, name="default")
        assert again == DEFAULT_FUNNEL
        assert hash(again) == hash(DEFAULT_FUNNEL)

    def test_unknown_key(self):
        """Indexing by an unknown key raises a KeyError subclass listing the keys."""
        with pytest.raises(UnknownStageError, match="target_segment") as info:
            DEFAULT_FUNNEL["won"]
        assert isinstance(info.value, KeyError)
        assert "won" not in DEFAULT_FUNNEL
        assert "intent" in DEFAULT_FUNNEL

    def test_html(self):
        """The funnel renders as an HTML table for notebooks."""
        html = DEFAULT_FUNNEL._repr_html_()
        assert "赢得客户认可" in html and "60%" in html


class TestFunnelVariations:
    def test_with_rule_swaps_one_gate(self):
        """Swapping one stage's rule leaves the others and the original untouched."""
        nda = Criterion.fact("nda", "NDA signed")
        mine = DEFAULT_FUNNEL.with_rule("intent", nda)
        assert mine["intent"].rule == nda
        assert DEFAULT_FUNNEL["intent"].rule is DEFAULT_RULES["intent"]
        assert [s.key for s in mine] == KEYS
        assert all(mine[k] == DEFAULT_FUNNEL[k] for k in KEYS if k != "intent")

    def test_with_stage_replaces_the_lost_outcome(self):
        """The lost outcome can be replaced too."""
        dropped = attrs.evolve(DEFAULT_FUNNEL.lost, text=Text("Dropped", "放弃"))
        assert DEFAULT_FUNNEL.with_stage(dropped).lost.label() == "Dropped"

    def test_paths_and_successors(self):
        """Forward paths follow the edges; the shortest one is chosen."""
        assert DEFAULT_FUNNEL.successors("intent") == ("project",)
        assert DEFAULT_FUNNEL.path("intent", "recognition") == ("intent", "project", "recognition")
        assert DEFAULT_FUNNEL.path("recognition", "intent") is None

    def test_branching_funnel(self):
        """A funnel with a fast lane picks the shortest path."""
        a, b, c, w = (
            _stage("a", 0),
            _stage("b", "0.3"),
            _stage("c", "0.5"),
            _stage("w", 1, StageKind.WON),
        )
        f = Funnel((a, b, c, w), LOST, edges=[("a", "b"), ("b", "c"), ("a", "c"), ("c", "w")])
        assert f.path("a", "w") == ("a", "c", "w")
        assert f.successors("a") == ("b", "c")

    def test_ladder_without_won_stage(self):
        """A ladder without a won stage is allowed (e.g. a relationship lifecycle)."""
        f = Funnel((_stage("x", 0), _stage("y", "0.5")), LOST)
        assert f.won is None


class TestFunnelValidation:
    def _ok(self):
        return [_stage("a", 0), _stage("b", "0.5"), _stage("w", 1, StageKind.WON)]

    def check(self, rule, **kwargs):
        kwargs.setdefault("stages", self._ok())
        kwargs.setdefault("lost", LOST)
        with pytest.raises(FunnelDefinitionError) as info:
            Funnel(**kwargs)
        assert info.value.rule == rule
        assert isinstance(info.value, ValueError)
        return info.value

    def test_duplicate_key(self):
        """Duplicate stage keys are refused, naming the key."""
        err = self.check("unique-keys", stages=[_stage("a", 0), _stage("a", 0)])
        assert err.stages == ("a",)
        self.check("unique-keys", lost=_stage("a", 0, StageKind.LOST))

    def test_unreachable_stage(self):
        """A stage no edge leads into is unreachable and refused by name."""
        stages = [*self._ok()[:2], _stage("c", "0.6"), _stage("w", 1, StageKind.WON)]
        err = self.check("reachable", stages=stages, edges=[("a", "c"), ("c", "w"), ("b", "w")])
        assert err.stages == ("b",)

    def test_dead_end(self):
        """A stage that cannot reach the top is refused."""
        stages = [*self._ok()[:2], _stage("c", "0.6"), _stage("w", 1, StageKind.WON)]
        self.check("no-dead-end", stages=stages, edges=[("a", "b"), ("a", "c"), ("c", "w")])

    def test_entry(self):
        """The entry must be one open stage of the ladder."""
        self.check("one-entry", entry="nope")
        self.check("one-entry", entry="w")
        self.check("one-entry", stages=[])

    def test_won_stage_rules(self):
        """At most one won stage, last; lost must be of kind lost and not on the ladder."""
        self.check("won-stage", stages=[_stage("w", 1, StageKind.WON), _stage("a", 1)])
        self.check("won-stage", lost=_stage("lost", 0))
        self.check("won-stage", stages=[_stage("a", 0), _stage("x", 0, StageKind.LOST)])

    def test_edges(self):
        """Edges must name known stages and go up the ladder."""
        self.check("edges", edges=[("a", "zz")])
        self.check("edges", edges=[("b", "a"), ("a", "b"), ("b", "w")])

    def test_terminal(self):
        """No edge leaves the won stage."""
        stages = [_stage("a", 0), _stage("w", 1, StageKind.WON), _stage("z", 1)]
        with pytest.raises(FunnelDefinitionError):
            Funnel(stages, LOST, edges=[("a", "w"), ("w", "z")])

    def test_probability_order_and_range(self):
        """Probabilities never fall up the ladder; won is 1 and lost is 0."""
        self.check(
            "probability-order",
            stages=[_stage("a", "0.5"), _stage("b", "0.4"), _stage("w", 1, StageKind.WON)],
        )
        self.check("probability-range", stages=[_stage("a", 0), _stage("w", "0.9", StageKind.WON)])
        self.check("probability-range", lost=_stage("lost", "0.1", StageKind.LOST))
        with pytest.raises(InvalidProbabilityError):
            _stage("a", "1.5")

    def test_bad_stage_objects(self):
        """Stages must be Stage objects with non-empty keys."""
        self.check("unique-keys", stages=["a"])
        with pytest.raises(FunnelDefinitionError):
            _stage(" ", 0)

    def test_win_needs_a_won_stage(self):
        """Winning in a funnel without a won stage is refused."""
        from datetime import date

        f = Funnel((_stage("x", 0), _stage("y", "0.5")), LOST)
        with pytest.raises(FunnelDefinitionError, match="no won stage"):
            f.win(object(), on=date(2026, 1, 1))  # type: ignore[arg-type]


@given(sst.funnels())
def test_generated_funnels_rebuild_equal(funnel):
    """Any valid funnel rebuilt from its parts equals itself."""
    again = Funnel(tuple(funnel), funnel.lost, name=funnel.name, edges=funnel.edges)
    assert again == funnel
    assert [funnel.index(s.key) for s in funnel] == list(range(len(funnel)))


class TestDefinitionEdges:
    def test_unhashable_key_is_not_contained(self):
        """An unhashable key is simply not a stage key."""
        assert [] not in DEFAULT_FUNNEL

    def test_no_stages_and_a_lost_that_is_no_stage(self):
        """A funnel needs stages, and its lost outcome must be a Stage."""
        lost = DEFAULT_FUNNEL.lost
        with pytest.raises(FunnelDefinitionError, match="no stages"):
            Funnel(stages=[], lost=lost)
        with pytest.raises(FunnelDefinitionError, match="is not a Stage"):
            Funnel(stages=DEFAULT_FUNNEL.stages, lost="lost")  # type: ignore[arg-type]


def test_the_funnel_table_left_aligns_its_text():
    """In a notebook the stage names sit on the left, the probabilities on the right."""
    import re

    from salesfunnel import DEFAULT_FUNNEL

    html = DEFAULT_FUNNEL._repr_html_()
    assert re.search(r"text-align:left[^>]*>定位目标客户群<", html)
    assert re.search(r"text-align:right[^>]*>100%<", html)
    assert DEFAULT_FUNNEL.table("zh").headers[-2:] == ("概率", "负责人")
