"""The results of ABC analysis: rows, class summaries, curves and combined codes.

Private module: the names are public through :mod:`salesfunnel.customers.abc_classes`.
"""

from __future__ import annotations

import enum
import functools
import itertools
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

import attrs

from salesfunnel.customers._abc_rank import (
    LETTERS,
    Figure,
    Ranking,
    apportion,
    check_places,
    check_thresholds,
    downsample,
    round_ratio,
    to_decimal_units,
)
from salesfunnel.errors import InvalidResultError
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.tables import Cell, Table, Tabular

__all__ = [
    "LETTERS",
    "AbcResult",
    "AbcRow",
    "Basis",
    "Boundary",
    "ClassSummary",
    "ComputedLimits",
    "CurvePoint",
    "LimitPoint",
    "Method",
    "percent_text",
]

K = TypeVar("K", bound=Hashable)


class Method(enum.Enum):
    """How the class limits were found."""

    #: Fixed thresholds given by the user (:func:`abc_classify`).
    FIXED = "fixed"
    #: Limits computed from the data's ABC curve (:func:`computed_abc`).
    COMPUTED = "computed"


class Basis(enum.Enum):
    """What the fixed thresholds are shares of."""

    #: Shares of the total figure: A holds the customers that make the first
    #: 80 % of revenue (default thresholds 0.8, 0.95).
    VALUE = "value"
    #: Shares of the number of customers: A is the top 20 %, B the next 30 %,
    #: C the rest (default thresholds 0.2, 0.5).
    COUNT = "count"


class Boundary(enum.Enum):
    """Which class gets the customer that crosses a threshold.

    With thresholds ``(0.8, 0.95)`` and a customer whose running share goes
    from 70 % before it to 85 % with it, the conventions disagree:
    """

    #: The customer is in a class while the share *before* it is below the
    #: threshold (``before < t``): the customer that crosses 80 % is still A.
    #: The default: the largest customer is always in A, even when it alone
    #: makes more than 80 %.
    BEFORE = "before"
    #: The customer is in a class while its cumulative share *including*
    #: itself is at most the threshold (``cumulative <= t``): the customer
    #: that crosses 80 % is B. This is what ``pandas.cut`` of the cumulative
    #: share at ``[0, 0.8, 0.95, 1]`` gives.
    INCLUSIVE = "inclusive"


@attrs.frozen
class AbcRow(Generic[K]):
    """One customer's place in an ABC analysis.

    Attributes:
        key: The customer.
        value: Its figure, as given.
        rank: Its position, 1 for the largest figure (ties ordered by key).
        abc_class: Its class, ``"A"``, ``"B"``, ``"C"`` ...
        share: Its share of the total (Decimal for exact figures, rounded so
            that all shares add up to exactly 1; float for float figures).
        cumulative_share: The share of all customers ranked up to and
            including it.
    """

    key: K
    value: Figure
    rank: int
    abc_class: str
    share: Decimal | float
    cumulative_share: Decimal | float


@attrs.frozen
class ClassSummary:
    """One class of an ABC analysis.

    Attributes:
        label: ``"A"``, ``"B"`` ...
        count: The number of customers in it.
        customer_share: ``count`` as a share of all customers (Decimal; the
            classes' shares add up to exactly 1).
        value: The class's total figure.
        value_share: Its share of the total figure.
    """

    label: str
    count: int
    customer_share: Decimal
    value: Figure
    value_share: Decimal | float


@attrs.frozen
class CurvePoint:
    """A point of a Pareto (ABC) or Lorenz curve, both coordinates in [0, 1].

    Attributes:
        customers: The share of customers (x).
        value: The share of the total figure they make (y).
    """

    customers: float
    value: float


@attrs.frozen
class LimitPoint:
    """A point of the ABC curve that :func:`computed_abc` uses as a limit.

    Attributes:
        count: The number of top-ranked customers up to the point.
        customers: ``count`` as a share of all customers.
        value: The share of the total they make.
    """

    count: int
    customers: float
    value: float


@attrs.frozen
class ComputedLimits:
    """The three points of the computed ABC analysis.

    Attributes:
        pareto: The curve point nearest to the ideal point (0, 1).
        break_even: Where the curve's slope falls to 1: the last customer
            whose figure is at least the mean ("yield equals effort").
        submarginal: The curve point nearest to (x, 1), where x is the later
            of the first two points; it starts class C.
        swapped: ``True`` when the break-even point comes before the Pareto
            point and so is the A|B limit.
    """

    pareto: LimitPoint
    break_even: LimitPoint
    submarginal: LimitPoint
    swapped: bool


def percent_text(share: Decimal | float) -> str:
    return f"{Decimal(str(share)) * 100:.0f}"


def _figures(ranking: Ranking[K]) -> tuple[object, ...]:
    """What a ranking is: the type of its figures, the customers in order and their figures."""
    return (ranking.kind, ranking.keys, ranking.source)


@attrs.frozen(repr=False)
class AbcResult(Tabular, Generic[K]):
    """The result of an ABC analysis: a class, rank and share for every customer.

    Iterate for :class:`AbcRow` in rank order; index by customer key for one
    row. Rows, shares and curves are computed when asked for, so a result over
    a million customers is cheap to build.

    Results compare by value: the same options, cuts and limits over the
    same customers in the same order with equal figures (of the same kind:
    money, counts or measures). Rows and shares are computed from those, so
    they are not compared. The hash covers the options and the customers in
    rank order, not the figures (equal results still hash alike).

    Attributes:
        method: Fixed thresholds or computed limits.
        basis: What fixed thresholds are shares of (``VALUE`` for computed).
        boundary: The convention for a customer that crosses a threshold
            (``None`` for computed ABC).
        thresholds: The fixed thresholds (empty for computed ABC).
        keep_ties: Whether customers with equal figures always share a class.
        cuts: For each class, how many top-ranked customers are in it or a
            better class; the last is the number of customers.
        limits: The curve points of a computed ABC analysis, else ``None``.
        places: The decimal places of exact shares.
        measure: What the figure is, for :meth:`summary`.
    """

    method: Method
    basis: Basis
    boundary: Boundary | None
    thresholds: tuple[Decimal, ...]
    keep_ties: bool
    cuts: tuple[int, ...]
    limits: ComputedLimits | None
    places: int
    measure: Text
    _ranking: Ranking[K] = attrs.field(alias="ranking", eq=_figures, hash=False)

    def __attrs_post_init__(self) -> None:
        """Refuse options, thresholds and cuts that do not fit each other or the customers.

        Raises:
            InvalidThresholdsError: For ``places`` or fixed thresholds out of range.
            InvalidResultError: For a missing boundary, or cuts that do not fit.
        """
        check_places(self.places)
        fixed = self.method is Method.FIXED
        if fixed:
            check_thresholds(self.thresholds)
            if self.boundary is None:
                why = 'is null; fixed ABC has "before" or "inclusive"'
                raise InvalidResultError("AbcResult", "boundary", why, "give a Boundary")
        cuts, n = self.cuts, self._ranking.n
        classes = len(self.thresholds) + 1 if fixed else 3
        if len(cuts) != classes:
            why = f"has {len(cuts)} entries; this analysis has {classes} classes"
            raise InvalidResultError("AbcResult", "cuts", why, "give one count per class")
        if cuts[0] < 0 or cuts[-1] != n or any(a > b for a, b in itertools.pairwise(cuts)):
            raise InvalidResultError(
                "AbcResult",
                "cuts",
                f"are not counts of customers rising to the {n} customers",
                "give, per class, how many top-ranked customers are in it or a better class",
            )

    def __hash__(self) -> int:
        """Hash the options and the customers in rank order (figures may be unhashable mappings)."""
        return hash(
            (
                self.method,
                self.basis,
                self.boundary,
                self.thresholds,
                self.keep_ties,
                self.cuts,
                self.limits,
                self.places,
                self.measure,
                self._ranking.keys,
            )
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """The class labels, best first: ``("A", "B", "C")`` for two thresholds."""
        return tuple(LETTERS[: len(self.cuts)])

    @property
    def total(self) -> Figure:
        """The total figure (int, Decimal or float, as the input)."""
        return self._ranking.figure(self._ranking.total_num)

    @property
    def ranking(self) -> tuple[K, ...]:
        """The customer keys in rank order."""
        return self._ranking.keys

    def __len__(self) -> int:
        """Return the number of customers."""
        return self._ranking.n

    def __iter__(self) -> Iterator[AbcRow[K]]:
        """Yield every customer's row, best rank first."""
        return (self._row(i) for i in range(self._ranking.n))

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is one of the customers."""
        return key in self._index

    def __getitem__(self, key: K) -> AbcRow[K]:
        """Return the row of customer ``key``.

        Raises:
            KeyError: If ``key`` is not a customer of this analysis.
        """
        return self._row(self._index[key])

    def __repr__(self) -> str:
        """Summarise the result."""
        counts = ", ".join(f"{c.label}={c.count}" for c in self.classes)
        return f"AbcResult(method={self.method.value}, customers={len(self)}, {counts})"

    @functools.cached_property
    def _index(self) -> Mapping[K, int]:
        return dict(zip(self._ranking.keys, range(self._ranking.n), strict=True))

    @functools.cached_property
    def _rounded(self) -> Callable[[int], int]:
        r = self._ranking
        return apportion(r.cum_at, int(r.total_num), self.places)  # type: ignore[arg-type]

    def _label_at(self, index: int) -> str:
        return LETTERS[bisect_right(self.cuts, index)]

    def _row(self, i: int) -> AbcRow[K]:
        r = self._ranking
        share: Decimal | float
        cumulative: Decimal | float
        if r.exact:
            before, upto = self._rounded(i), self._rounded(i + 1)
            share = to_decimal_units(upto - before, self.places)
            cumulative = to_decimal_units(upto, self.places)
        else:
            total = float(r.total_num)
            share = r.nums[i] / total if total else 0.0
            cumulative = r.cum[i] / total if total else 0.0
        key = r.keys[i]
        return AbcRow(key, r.source[key], i + 1, self._label_at(i), share, cumulative)

    def rank_of(self, key: K) -> int:
        """Return the rank of customer ``key`` (1 for the largest figure)."""
        return self._index[key] + 1

    def class_of(self, key: K) -> str:
        """Return the class of customer ``key``."""
        return self._label_at(self._index[key])

    def members(self, label: str) -> tuple[K, ...]:
        """Return the customers of class ``label`` in rank order.

        Raises:
            KeyError: For a label this analysis does not have.
        """
        if label not in self.labels:
            raise KeyError(f"no class {label!r}; the classes are {', '.join(self.labels)}")
        j = self.labels.index(label)
        start = self.cuts[j - 1] if j else 0
        return self._ranking.keys[start : self.cuts[j]]

    @functools.cached_property
    def classes(self) -> tuple[ClassSummary, ...]:
        """Count, customer share, total and value share of each class, best first."""
        r = self._ranking
        out = []
        start = 0
        for label, end in zip(self.labels, self.cuts, strict=True):
            count = end - start
            customer_share = to_decimal_units(
                (round_ratio(end, r.n, self.places) - round_ratio(start, r.n, self.places))
                if r.n
                else 0,
                self.places,
            )
            part = r.cum_at(end) - r.cum_at(start)
            value_share: Decimal | float
            if r.exact:
                value_share = to_decimal_units(
                    self._rounded(end) - self._rounded(start), self.places
                )
            else:
                value_share = part / r.total_num if r.total_num else 0.0
            out.append(ClassSummary(label, count, customer_share, r.figure(part), value_share))
            start = end
        return tuple(out)

    @property
    def gini(self) -> float:
        """The Gini coefficient of the figures (0: all equal; near 1: one customer has all).

        Computed from the exact running totals as ``(2·ΣC − T − n·T) / (n·T)``,
        the sample Gini coefficient (at most ``(n − 1) / n``).
        """
        r = self._ranking
        total = r.total_num
        if not r.n or not total:
            return 0.0
        s = sum(r.cum)
        if r.exact:
            return float(Fraction(2 * int(s) - int(total) * (1 + r.n), r.n * int(total)))
        return (2 * s - total * (1 + r.n)) / (r.n * total)

    def pareto_curve(self, max_points: int | None = None) -> tuple[CurvePoint, ...]:
        """The Pareto (ABC) curve: customers largest first against the cumulative share.

        Starts at (0, 0) and ends at (1, 1); the curve is concave. With
        ``max_points``, about that many evenly spaced points are returned,
        always including the ends and the class limits.
        """
        r = self._ranking
        total = r.total_num
        counts = downsample(r.n, max_points, self.cuts)
        if not r.n:
            return ()
        return tuple(CurvePoint(k / r.n, (r.cum_at(k) / total) if total else 0.0) for k in counts)

    def lorenz_curve(self, max_points: int | None = None) -> tuple[CurvePoint, ...]:
        """The Lorenz curve: customers smallest first against the cumulative share.

        The Pareto curve turned by half a circle: the smallest ``p`` of
        customers make ``1 - y`` where the largest ``1 - p`` make ``y``.
        """
        return tuple(
            CurvePoint(1 - p.customers, 1 - p.value)
            for p in reversed(self.pareto_curve(max_points))
        )

    def summary(self, lang: Lang = "en") -> str:
        """One line on class A: "20 % of customers (class A, 4 of 20) make 78 % of revenue"."""
        lang = check_lang(lang)
        measure = self.measure(lang)
        n = len(self)
        if not n:
            return "no customers to analyse" if lang == "en" else "没有可分析的客户"
        if not self._ranking.total_num:
            if lang == "en":
                return f"none of the {n} customers has any {measure}"
            return f"{n} 个客户的{measure}均为零"
        a = self.classes[0]
        if lang == "en":
            return (
                f"{percent_text(a.customer_share)} % of customers (class A, {a.count} of {n}) "
                f"make {percent_text(a.value_share)} % of {measure}"
            )
        return (
            f"{percent_text(a.customer_share)}% 的客户（A类，{n} 个中的 {a.count} 个）"
            f"贡献了 {percent_text(a.value_share)}% 的{measure}"
        )

    def table(self, lang: Lang = "en", *, limit: int | None = None) -> Table:
        """Every customer (or the top ``limit``) as a table, shares in per cent."""
        zh = check_lang(lang) == "zh"
        headers = (
            ("排名", "客户", self.measure(lang), "占比 %", "累计占比 %", "类别")
            if zh
            else ("rank", "customer", self.measure(lang), "share %", "cumulative %", "class")
        )
        rows: list[tuple[Cell, ...]] = []
        for row in self:
            if limit is not None and row.rank > limit:
                break
            rows.append(
                (
                    row.rank,
                    str(row.key),
                    row.value,
                    percent_cell(row.share),
                    percent_cell(row.cumulative_share),
                    row.abc_class,
                )
            )
        title = f"ABC 分析：{self.measure(lang)}" if zh else f"ABC analysis by {self.measure(lang)}"
        return Table(title, headers, rows, self.summary(lang))

    def _tables(self) -> tuple[Table, Table]:
        classes = self.class_table()
        return attrs.evolve(classes, note=self.summary()), self.table(limit=10)

    def class_table(self, lang: Lang = "en") -> Table:
        """The classes as a table: count and share of customers, total and share of the figure."""
        zh = check_lang(lang) == "zh"
        headers = (
            ("类别", "客户数", "客户占比 %", self.measure(lang), "占比 %")
            if zh
            else ("class", "customers", "customers %", self.measure(lang), "share %")
        )
        rows = [
            (
                c.label,
                c.count,
                percent_cell(c.customer_share),
                c.value,
                percent_cell(c.value_share),
            )
            for c in self.classes
        ]
        title = "ABC 分类汇总" if zh else "ABC classes"
        note = self._limits_note(lang) if self.limits else ""
        return Table(title, headers, rows, note)

    def _limits_note(self, lang: Lang) -> str:
        lim = self.limits
        assert lim is not None  # noqa: S101  (only called when limits exist)

        def pt(p: LimitPoint) -> str:
            return f"{p.count} ({p.customers:.0%}, {p.value:.0%})"

        if lang == "zh":
            return (
                f"帕累托点 {pt(lim.pareto)}；盈亏平衡点 {pt(lim.break_even)}；"
                f"次边际点 {pt(lim.submarginal)}"
            )
        return (
            f"Pareto point {pt(lim.pareto)}; break-even point {pt(lim.break_even)}; "
            f"submarginal point {pt(lim.submarginal)}"
        )


def percent_cell(share: Decimal | float) -> Cell:
    """A share as a table cell: a percentage with two decimals."""
    if isinstance(share, Decimal):
        return (share * 100).quantize(Decimal("0.01"))
    return round(share * 100, 2)
