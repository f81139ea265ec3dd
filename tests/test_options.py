from __future__ import annotations

from datetime import date

import pytest

from salesfunnel import Funnel, Stage, StageChange, StageKind, Text
from salesfunnel.errors import OptionError
from salesfunnel.funnel import ChangeKind, SkipPolicy


class TestEnumOptions:
    def test_value_classes_take_enum_values(self):
        """Enum fields of value classes take a member or its value, and store the member."""
        change = StageChange(None, "a", date(2026, 1, 5), kind="create")
        assert change.kind is ChangeKind.CREATE
        won = Stage("won", Text("Won"), 1, kind="won")
        assert won.kind is StageKind.WON
        funnel = Funnel(
            stages=[Stage("a", Text("A"), "0.5"), won],
            lost=Stage("lost", Text("Lost"), 0, kind="lost"),
            skip_policy="keyword",
        )
        assert funnel.skip_policy is SkipPolicy.KEYWORD

    @pytest.mark.parametrize(
        "build",
        [
            lambda: StageChange(None, "a", date(2026, 1, 5), kind="advanced"),
            lambda: Stage("x", Text("X"), 0, kind="closed"),
        ],
    )
    def test_anything_else_is_an_option_error(self, build):
        """A value that is not one of the enum's is an OptionError (a ValueError) listing them."""
        with pytest.raises(OptionError, match="expected one of") as caught:
            build()
        assert isinstance(caught.value, ValueError)
