"""The labels of a distribution's and a simulation's neutral tables, in English and Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from salesfunnel.i18n import Lang, Text
from salesfunnel.tables import Cell

__all__ = ["LABELS", "Quantiles", "quantile_rows", "titled"]


#: The labels of a distribution's and a simulation's tables.
LABELS = {
    "title": Text("Outcome distribution", "成交结果分布"),
    "simulated": Text("Simulated outcome", "模拟成交结果"),
    "count": Text("Open deals (uncertain)", "未决商机数"),
    "certain": Text("Already won", "已成交"),
    "mean": Text("Expected total (weighted pipeline)", "期望值（加权管道）"),
    "stdev": Text("Standard deviation", "标准差"),
    "p10": Text("P10 (10th percentile)", "P10（第10百分位）"),
    "p50": Text("P50 (median)", "P50（中位数）"),
    "p90": Text("P90 (90th percentile)", "P90（第90百分位）"),
    "sure": Text("90 % sure of at least", "有 90% 把握至少达到"),
    "maximum": Text("Largest possible", "最大可能"),
    "trials": Text("Trials (seed)", "模拟次数（种子）"),
    "interval": Text("Mean, 95 % interval", "均值的 95% 置信区间"),
}


def titled(text: Text, currency: str | None, lang: Lang) -> str:
    """``text`` in ``lang``, with the currency in brackets when there is one."""
    if not currency:
        return text(lang)
    return f"{text(lang)} ({currency})" if lang == "en" else f"{text(lang)}（{currency}）"


class Quantiles(Protocol):
    """What :func:`quantile_rows` reads: a distribution or a simulation."""

    def percentile(self, k: float) -> Decimal:
        """The ``k``-th percentile."""

    def at_least_with(self, probability: Decimal | float | str) -> Decimal:
        """The largest total reached with ``probability``."""


def quantile_rows(dist: Quantiles, lang: Lang) -> list[tuple[str, Cell]]:
    """The P10, P50, P90 and "90 % sure of at least" rows of a distribution's table."""
    return [
        (LABELS["p10"](lang), dist.percentile(10)),
        (LABELS["p50"](lang), dist.percentile(50)),
        (LABELS["p90"](lang), dist.percentile(90)),
        (LABELS["sure"](lang), dist.at_least_with("0.9")),
    ]
