"""ABC classes by several criteria at once: each customer's class per criterion and its code (AA, AB …)."""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

import attrs

from salesfunnel.customers._abc_result import AbcResult
from salesfunnel.customers._invariants import check_combined
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.tables import Cell, Table, Tabular

__all__ = ["CombinedAbc"]

K = TypeVar("K", bound=Hashable)


@attrs.frozen
class CombinedAbc(Tabular, Generic[K]):
    """ABC classes of the same customers by several criteria, and combined codes.

    A customer's code has one letter per criterion, in the criteria's order:
    ``"AB"`` is A by the first criterion and B by the second. A customer that
    has no figure for a criterion gets ``"-"`` in that place and is listed in
    :attr:`missing`. Combined results compare and hash by value, like their
    :class:`AbcResult` parts.

    Attributes:
        criteria: The criteria names, in order.
        results: One :class:`AbcResult` per criterion, in the same order.
    """

    criteria: tuple[str, ...]
    results: tuple[AbcResult[K], ...]

    __attrs_post_init__ = check_combined

    def result(self, criterion: str) -> AbcResult[K]:
        """Return the analysis by ``criterion``.

        Raises:
            KeyError: For a criterion that was not analysed.
        """
        if criterion not in self.criteria:
            raise KeyError(
                f"no criterion {criterion!r}; the criteria are {', '.join(self.criteria)}"
            )
        return self.results[self.criteria.index(criterion)]

    @functools.cached_property
    def customers(self) -> tuple[K, ...]:
        """Every customer of any criterion, best code first (then by first appearance)."""
        seen: dict[K, None] = {}
        for res in self.results:
            seen.update(dict.fromkeys(res.ranking))
        codes = self.codes
        return tuple(sorted(seen, key=lambda k: codes[k].replace("-", "~")))

    @functools.cached_property
    def codes(self) -> Mapping[K, str]:
        """Each customer's combined code, e.g. ``{"Huaxin": "AA", "Orion": "BA"}``."""
        seen: dict[K, None] = {}
        for res in self.results:
            seen.update(dict.fromkeys(res.ranking))
        return {k: self.code(k) for k in seen}

    def code(self, key: K) -> str:
        """Return the combined code of customer ``key`` (``"-"`` where a figure is missing)."""
        return "".join(res.class_of(key) if key in res else "-" for res in self.results)

    @property
    def missing(self) -> Mapping[str, tuple[K, ...]]:
        """Per criterion, the customers that have a figure for another criterion but not it."""
        everyone = tuple(self.codes)
        out: dict[str, tuple[K, ...]] = {}
        for name, res in zip(self.criteria, self.results, strict=True):
            absent = tuple(k for k in everyone if k not in res)
            if absent:
                out[name] = absent
        return out

    def count_by_code(self) -> tuple[tuple[str, int], ...]:
        """How many customers have each code, codes in order (``"AA"`` first)."""
        counts: dict[str, int] = {}
        for code in self.codes.values():
            counts[code] = counts.get(code, 0) + 1
        return tuple(sorted(counts.items()))

    def table(self, lang: Lang = "en", *, limit: int | None = None) -> Table:
        """Customers with their class per criterion and combined code."""
        zh = check_lang(lang) == "zh"
        headers = ("客户" if zh else "customer", *self.criteria, "代码" if zh else "code")
        rows: list[tuple[Cell, ...]] = []
        for key in self.customers[:limit]:
            code = self.codes[key]
            rows.append((str(key), *code, code))
        title = "多指标 ABC 分类" if zh else "ABC classes by several criteria"
        counts = ", ".join(f"{c}: {k}" for c, k in self.count_by_code())
        return Table(title, headers, rows, counts)
