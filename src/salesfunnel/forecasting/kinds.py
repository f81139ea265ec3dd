"""What a forecast sorts open deals into: the forecast categories (按销售预测) and close windows."""

from __future__ import annotations

import enum
from datetime import date

from salesfunnel.calendar import FiscalQuarter
from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Lang, Text

__all__ = ["CloseWindow", "ForecastCategory", "InvalidCategoryError"]


class InvalidCategoryError(FunnelError, ValueError):
    """A forecast category that cannot be used where it was given.

    An override that names no category, ``booked`` for a deal that is not won,
    or a policy rule that would book an open deal. Subclasses
    :class:`ValueError`: the value is a string or category, just not one that
    fits.

    Attributes:
        value: The value that was rejected.
        opportunity_id: The opportunity it was given for, or ``None`` (a policy).
    """

    def __init__(self, message: str, *, value: object, opportunity_id: str | None) -> None:
        super().__init__(message)
        self.value = value
        self.opportunity_id = opportunity_id


class ForecastCategory(enum.Enum):
    """How sure an opportunity is, for the cutoff's quarter (按销售预测).

    Each member has an English and a Chinese label (:meth:`label`) and the
    equivalent Salesforce / HubSpot forecast category (:attr:`crm_name`).
    """

    #: Won on or before the cutoff (已落单). CRM: Closed.
    BOOKED = "booked"
    #: Guaranteed this quarter (本季度保证实现). CRM: Commit.
    COMMIT = "commit"
    #: Has a good chance this quarter (本季度有希望实现). CRM: Best Case.
    UPSIDE_THIS_QUARTER = "upside_this_quarter"
    #: Has a good chance next quarter (下季度有希望实现). CRM: Best Case.
    UPSIDE_NEXT_QUARTER = "upside_next_quarter"
    #: Has intent, no date to count on yet (有意向的). CRM: Pipeline.
    PIPELINE = "pipeline"
    #: Lost, or not yet an opportunity; left out of the forecast. CRM: Omitted.
    OMITTED = "omitted"

    @property
    def text(self) -> Text:
        """The category's name in English and Chinese."""
        return _CATEGORY_TEXT[self]

    def label(self, lang: Lang = "en") -> str:
        """Return the category's name in ``lang``."""
        return _CATEGORY_TEXT[self](lang)

    @property
    def crm_name(self) -> str:
        """The Salesforce / HubSpot forecast category name."""
        return _CRM_NAME[self]

    @classmethod
    def parse(cls, value: str, *, next_quarter: bool = False) -> ForecastCategory:
        """Return the category ``value`` names: a value, a member name or a CRM name.

        The CRM name ``"Best Case"`` means upside this quarter, or upside next
        quarter when ``next_quarter`` is true.

        Raises:
            InvalidCategoryError: For a string that names no category.

        >>> ForecastCategory.parse("Best Case", next_quarter=True)
        <ForecastCategory.UPSIDE_NEXT_QUARTER: 'upside_next_quarter'>
        """
        key = (
            value.strip().lower().replace(" ", "_").replace("-", "_")
            if isinstance(value, str)
            else ""
        )
        if key == "best_case":
            return cls.UPSIDE_NEXT_QUARTER if next_quarter else cls.UPSIDE_THIS_QUARTER
        if key == "closed":
            return cls.BOOKED
        try:
            return cls(key)
        except ValueError:
            known = ", ".join(c.value for c in cls)
            raise InvalidCategoryError(
                f"{value!r} is not a forecast category; use one of {known} "
                "(or a CRM name: Closed, Commit, Best Case, Pipeline, Omitted)",
                value=value,
                opportunity_id=None,
            ) from None


_CATEGORY_TEXT = {
    ForecastCategory.BOOKED: Text("Booked", "已落单"),
    ForecastCategory.COMMIT: Text("Commit this quarter", "本季度保证实现"),
    ForecastCategory.UPSIDE_THIS_QUARTER: Text("Upside this quarter", "本季度有希望实现"),
    ForecastCategory.UPSIDE_NEXT_QUARTER: Text("Upside next quarter", "下季度有希望实现"),
    ForecastCategory.PIPELINE: Text("Pipeline", "有意向的"),
    ForecastCategory.OMITTED: Text("Omitted", "不计入"),
}


_CRM_NAME = {
    ForecastCategory.BOOKED: "Closed",
    ForecastCategory.COMMIT: "Commit",
    ForecastCategory.UPSIDE_THIS_QUARTER: "Best Case",
    ForecastCategory.UPSIDE_NEXT_QUARTER: "Best Case",
    ForecastCategory.PIPELINE: "Pipeline",
    ForecastCategory.OMITTED: "Omitted",
}


class CloseWindow(enum.Enum):
    """Where an expected close date falls relative to the cutoff's fiscal quarter."""

    #: Before the quarter the cutoff is in (overdue since an earlier quarter).
    EARLIER = "earlier"
    #: In the cutoff's quarter (also when on or before the cutoff).
    THIS_QUARTER = "this_quarter"
    #: In the quarter after the cutoff's.
    NEXT_QUARTER = "next_quarter"
    #: After the next quarter.
    LATER = "later"

    @classmethod
    def of(cls, expected_close: date, quarter: FiscalQuarter) -> CloseWindow:
        """Return the window ``expected_close`` falls in, for the cutoff's ``quarter``."""
        if expected_close < quarter.start:
            return cls.EARLIER
        if expected_close <= quarter.end:
            return cls.THIS_QUARTER
        if expected_close <= quarter.next().end:
            return cls.NEXT_QUARTER
        return cls.LATER

    def label(self, lang: Lang = "en") -> str:
        """Return the window's name in ``lang`` (``"this quarter"``, ``"本季度"``)."""
        return _WINDOW_TEXT[self](lang)


_WINDOW_TEXT = {
    CloseWindow.EARLIER: Text("before this quarter", "本季度之前"),
    CloseWindow.THIS_QUARTER: Text("this quarter", "本季度"),
    CloseWindow.NEXT_QUARTER: Text("next quarter", "下季度"),
    CloseWindow.LATER: Text("after next quarter", "下季度之后"),
}
