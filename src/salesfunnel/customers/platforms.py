"""The screening platforms (筛选过程) an account stands on, and the kinds of purchase."""

from __future__ import annotations

import enum

from salesfunnel.i18n import Lang, Text

__all__ = ["Platform", "PurchaseKind"]


class Platform(enum.Enum):
    """The screening platforms, lowest first."""

    #: 潜在市场: the market, no contact yet (or none known).
    POTENTIAL_MARKET = "potential_market"
    #: 市场平台: potential customers with a first contact, not past the wall.
    MARKET_PLATFORM = "market_platform"
    #: 销售平台: past the wall; in negotiation or actively developed, not bought yet.
    SALES_PLATFORM = "sales_platform"
    #: 购买平台: customers who have bought: new (first purchase) or existing.
    PURCHASE_PLATFORM = "purchase_platform"
    #: 重要客户工作平台: key customers who have bought.
    KEY_CUSTOMERS = "key_customers"

    def label(self, lang: Lang = "en") -> str:
        """The platform's name in ``lang``."""
        return _PLATFORM_TEXT[self](lang)

    @property
    def level(self) -> int:
        """0 for the potential market up to 4 for key customers."""
        return tuple(Platform).index(self)


_PLATFORM_TEXT = {
    Platform.POTENTIAL_MARKET: Text("Potential market", "潜在市场"),
    Platform.MARKET_PLATFORM: Text("Market platform (potential customers)", "市场平台（潜在客户）"),
    Platform.SALES_PLATFORM: Text("Sales platform", "销售平台"),
    Platform.PURCHASE_PLATFORM: Text("Purchase platform", "购买平台"),
    Platform.KEY_CUSTOMERS: Text("Key-customer platform", "重要客户工作平台"),
}


class PurchaseKind(enum.Enum):
    """Which kind of buying customer an account on the purchase platform is."""

    #: A new customer that has made its first purchase (新客户).
    NEW = "new"
    #: An existing customer being developed for more business (老客户).
    EXISTING = "existing"

    def label(self, lang: Lang = "en") -> str:
        """The kind's name in ``lang``."""
        text = (
            Text("new customer", "新客户")
            if self is PurchaseKind.NEW
            else Text("existing customer", "老客户")
        )
        return text(lang)
