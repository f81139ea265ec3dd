"""80/20 (ABC) analysis of customers: fixed thresholds and computed ABC (80/20定律或ABC分析).

:func:`abc_classify` ranks customers by a figure (sales volume, revenue or
profit) and cuts the ranking into classes A, B, C at fixed thresholds of the
cumulative share (``basis=VALUE``) or of the number of customers
(``basis=COUNT``). :func:`computed_abc` finds the limits in the data's own
ABC curve instead (Ultsch and Lötsch 2015), and :func:`abc_combined` runs
several criteria at once and gives each customer a code such as ``"AB"``.

The ranking is always figure descending, then customer key ascending, so a
result never depends on the order of the input. With Decimal (or int)
figures every total and threshold test is exact and the shares add up to
exactly 1.

>>> from decimal import Decimal
>>> revenue = {
...     "Huaxin": Decimal("500"),
...     "Tianyu": Decimal("350"),
...     "Orion": Decimal("80"),
...     "Baiyun": Decimal("40"),
...     "Anxin": Decimal("30"),
... }
>>> result = abc_classify(revenue, measure=REVENUE)
>>> for row in result:
...     print(row.rank, row.key, row.abc_class, row.share, row.cumulative_share)
1 Huaxin A 0.5000000000 0.5000000000
2 Tianyu A 0.3500000000 0.8500000000
3 Orion B 0.0800000000 0.9300000000
4 Baiyun B 0.0400000000 0.9700000000
5 Anxin C 0.0300000000 1.0000000000
>>> result.summary()
'40 % of customers (class A, 2 of 5) make 85 % of revenue'
>>> abc_classify(revenue, boundary=Boundary.INCLUSIVE).members("A")
('Huaxin',)
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from salesfunnel.customers._abc_combined import CombinedAbc
from salesfunnel.customers._abc_rank import (
    CustomerValueTypeError,
    Figure,
    InvalidCustomerValueError,
    InvalidThresholdsError,
    Ranking,
    check_places,
    check_thresholds,
    rank,
)
from salesfunnel.customers._abc_result import (
    AbcResult,
    AbcRow,
    Basis,
    Boundary,
    ClassSummary,
    ComputedLimits,
    CurvePoint,
    LimitPoint,
    Method,
)
from salesfunnel.i18n import Text

__all__ = [
    "PROFIT",
    "REVENUE",
    "VOLUME",
    "AbcResult",
    "AbcRow",
    "Basis",
    "Boundary",
    "ClassSummary",
    "CombinedAbc",
    "ComputedLimits",
    "CurvePoint",
    "CustomerValueTypeError",
    "Figure",
    "InvalidCustomerValueError",
    "InvalidThresholdsError",
    "LimitPoint",
    "Method",
    "abc_classify",
    "abc_combined",
    "computed_abc",
]

K = TypeVar("K", bound=Hashable)

#: The figure is sales revenue (销售额).
REVENUE = Text("revenue", "销售额")
#: The figure is sales volume (销售量).
VOLUME = Text("sales volume", "销售量")
#: The figure is sales profit (销售利润).
PROFIT = Text("profit", "销售利润")


def _measure(measure: Text | str | None) -> Text:
    if measure is None:
        return Text("value", "数值")
    return measure if isinstance(measure, Text) else Text(measure)


def _thresholds(given: object, basis: Basis) -> tuple[tuple[Decimal, ...], tuple[Fraction, ...]]:
    if given is None:
        given = ("0.8", "0.95") if basis is Basis.VALUE else ("0.2", "0.5")
    fractions = check_thresholds(given)
    decimals = tuple(Decimal(f.numerator) / Decimal(f.denominator) for f in fractions)
    return decimals, fractions


def _cut(r: Ranking[K], t: Fraction, basis: Basis, boundary: Boundary, *, keep_ties: bool) -> int:
    """How many top-ranked customers are within threshold ``t``."""
    n = r.n
    if basis is Basis.COUNT:
        k = math.floor(t * n) if boundary is Boundary.INCLUSIVE else math.ceil(t * n)
    else:
        total = r.total_num
        if not total:
            return 0
        target: Fraction | float = t * int(total) if r.exact else float(t) * total
        if boundary is Boundary.INCLUSIVE:
            k = bisect_right(r.cum, target)
        else:
            k = 1 + min(bisect_left(r.cum, target), n - 1)
    if keep_ties:
        k = r.tie_start(k) if boundary is Boundary.INCLUSIVE else r.tie_end(k)
    return k


def abc_classify(
    values: Mapping[K, Figure],
    *,
    thresholds: Sequence[float | Decimal | str] | None = None,
    basis: Basis | str = Basis.VALUE,
    boundary: Boundary | str = Boundary.BEFORE,
    keep_ties: bool = False,
    measure: Text | str | None = None,
    places: int = 10,
) -> AbcResult[K]:
    """Classify customers A, B, C ... at fixed thresholds (the 80/20 rule).

    Customers are ranked by figure, largest first, ties by key. With
    ``basis=VALUE`` a customer's place is its running share of the total; with
    ``basis=COUNT`` its rank as a share of the number of customers. Each
    threshold closes a class; ``boundary`` says which class gets the customer
    that crosses it (see :class:`Boundary`).

    Args:
        values: Customer key to a non-negative figure: Decimal or int (exact,
            for money), or float (for non-money figures; then shares are
            floats and add up to 1 only up to rounding).
        thresholds: Increasing shares in (0, 1), one per class limit; default
            ``(0.8, 0.95)`` for ``VALUE`` and ``(0.2, 0.5)`` for ``COUNT``
            (top 20 %, next 30 %, the rest).
        basis: ``Basis.VALUE`` (or ``"value"``) or ``Basis.COUNT``.
        boundary: ``Boundary.BEFORE`` (default) or ``Boundary.INCLUSIVE``.
        keep_ties: Keep customers with equal figures in one class. A group of
            equal figures is then classified as one item under the same
            boundary convention: with ``BEFORE`` a group that a threshold
            would split joins the better class, with ``INCLUSIVE`` the worse.
        measure: What the figure is (``REVENUE``, ``VOLUME``, ``PROFIT`` or
            any text), used in :meth:`AbcResult.summary`.
        places: Decimal places of exact shares (1 to 30).

    Returns:
        The :class:`AbcResult`. An empty input gives an empty result. When
        every figure is zero, every customer is in the last class and every
        share is zero.

    Raises:
        InvalidCustomerValueError: For a negative, NaN or infinite figure.
        CustomerValueTypeError: For a figure that is not a number (or is a
            bool), Decimal mixed with float, or tied customers whose keys
            cannot be compared.
        InvalidThresholdsError: For thresholds out of order, outside (0, 1),
            or not a sequence, and for ``places`` out of range.

    >>> counts = {"a": 10, "b": 10, "c": 5, "d": 3, "e": 2}
    >>> abc_classify(counts, thresholds=(0.3,)).members("A")
    ('a',)
    >>> abc_classify(counts, thresholds=(0.3,), keep_ties=True).members("A")
    ('a', 'b')
    >>> abc_classify(counts, basis="count", boundary="inclusive").members("A")
    ('a',)
    """
    basis = Basis(basis)
    boundary = Boundary(boundary)
    places = check_places(places)
    decimals, fractions = _thresholds(thresholds, basis)
    return _fixed(
        rank(values), decimals, fractions, basis, boundary, keep_ties, _measure(measure), places
    )


def _fixed(
    r: Ranking[K],
    decimals: tuple[Decimal, ...],
    fractions: tuple[Fraction, ...],
    basis: Basis,
    boundary: Boundary,
    keep_ties: bool,  # noqa: FBT001  (private helper, called with all arguments)
    measure: Text,
    places: int,
) -> AbcResult[K]:
    cuts = tuple(_cut(r, t, basis, boundary, keep_ties=keep_ties) for t in fractions)
    return AbcResult(
        method=Method.FIXED,
        basis=basis,
        boundary=boundary,
        thresholds=decimals,
        keep_ties=keep_ties,
        cuts=(*cuts, r.n),
        limits=None,
        places=places,
        measure=measure,
        ranking=r,
    )


def _first_minimum(n: int, f: Callable[[int], float]) -> int:
    """The first minimiser of a discrete convex ``f`` over 0..n (by bisection).

    ``f`` stops falling at its first minimum and never falls again after it.
    """
    return bisect_left(range(n), True, key=lambda k: f(k + 1) >= f(k))  # noqa: FBT003


def _distance2(r: Ranking[K], x_num: int, total: float, k: int) -> float:
    """Squared distance of curve point ``k`` from ``(x_num / n, 1)``, times ``(n·T)²``.

    Exact figures keep the exact integer form; float figures are divided by
    ``T²`` first (the same order of points), so that squaring a large total
    cannot overflow.
    """
    if isinstance(total, float):
        return (k - x_num) ** 2 + (r.n * (1 - r.cum_at(k) / total)) ** 2
    return ((k - x_num) * total) ** 2 + (r.n * (total - r.cum_at(k))) ** 2


def _point(r: Ranking[K], k: int) -> LimitPoint:
    total = r.total_num
    return LimitPoint(k, k / r.n, r.cum_at(k) / total)


def computed_abc(
    values: Mapping[K, Figure],
    *,
    keep_ties: bool = True,
    measure: Text | str | None = None,
    places: int = 10,
) -> AbcResult[K]:
    """Computed ABC analysis (Ultsch and Lötsch 2015): limits from the data's own curve.

    The ABC curve joins (0, 0) and the points ``(k / n, C_k / T)``, where
    ``C_k`` is the total of the ``k`` largest figures. This variant works on
    those exact points (no spline): it is the discrete form of the method.

    1. The **Pareto point** is the curve point nearest to (0, 1) (the first
       one on a tie).
    2. The **break-even point** is where the curve's slope falls to 1: after
       the last customer whose figure is at least the mean (there, one more
       customer's share of value equals its share of effort).
    3. The earlier of the two is the A|B limit; the other gives ``x``, and the
       **submarginal point**, the curve point nearest to ``(x, 1)``, is the
       B|C limit.

    Boundary rule: a limit point *includes* its customer, so A holds the
    customers up to and including the A|B point and C starts after the
    submarginal point. With ``keep_ties`` (the default) a group of equal
    figures that a limit would split goes wholly to the worse class. So when
    every figure is equal (the curve is the diagonal, everyone breaks even)
    all customers are B.

    Args:
        values: Customer key to a non-negative figure (as for
            :func:`abc_classify`).
        keep_ties: Never split customers with equal figures.
        measure: What the figure is, for the summary.
        places: Decimal places of exact shares.

    Returns:
        An :class:`AbcResult` with ``method=COMPUTED`` and the three points in
        ``limits``. An empty input gives an empty result; when every figure
        is zero there is no curve, ``limits`` is ``None`` and all are C.

    Raises:
        InvalidCustomerValueError: For a negative, NaN or infinite figure.
        CustomerValueTypeError: For a figure of the wrong type.
        InvalidThresholdsError: For ``places`` out of range.

    >>> sales = {f"c{i:02d}": v for i, v in enumerate([90, 60, 40, 20, 10, 8, 6, 4, 2, 1])}
    >>> result = computed_abc(sales)
    >>> [(c.label, c.count) for c in result.classes]
    [('A', 3), ('B', 1), ('C', 6)]
    >>> limits = result.limits
    >>> limits.pareto.count, limits.break_even.count, limits.submarginal.count
    (3, 3, 4)
    """
    return _computed(rank(values), keep_ties, _measure(measure), check_places(places))


def _computed(
    r: Ranking[K],
    keep_ties: bool,  # noqa: FBT001  (private helper, called with all arguments)
    measure: Text,
    places: int,
) -> AbcResult[K]:
    n, total = r.n, r.total_num
    limits: ComputedLimits | None = None
    cuts: tuple[int, ...] = (0, 0, n)
    if n and total:
        pareto = _first_minimum(n, functools.partial(_distance2, r, 0, total))
        mean: Fraction | float = Fraction(int(total), n) if r.exact else total / n
        break_even = r.count_at_least(mean)
        swapped = break_even < pareto
        a_limit, x_limit = (break_even, pareto) if swapped else (pareto, break_even)
        sub = max(_first_minimum(n, functools.partial(_distance2, r, x_limit, total)), a_limit)
        limits = ComputedLimits(
            _point(r, pareto), _point(r, break_even), _point(r, sub), swapped=swapped
        )
        if keep_ties:
            a_limit, sub = r.tie_start(a_limit), r.tie_start(sub)
        cuts = (a_limit, max(sub, a_limit), n)
    return AbcResult(
        method=Method.COMPUTED,
        basis=Basis.VALUE,
        boundary=None,
        thresholds=(),
        keep_ties=keep_ties,
        cuts=cuts,
        limits=limits,
        places=places,
        measure=measure,
        ranking=r,
    )


def abc_combined(
    criteria: Mapping[str, Mapping[K, Figure]],
    *,
    method: Method | str = Method.FIXED,
    thresholds: Sequence[float | Decimal | str] | None = None,
    basis: Basis | str = Basis.VALUE,
    boundary: Boundary | str = Boundary.BEFORE,
    keep_ties: bool | None = None,
    places: int = 10,
) -> CombinedAbc[K]:
    """ABC-classify the same customers by several criteria and combine the classes.

    The source names sales volume, sales revenue and sales profit; any
    criteria work. Each is analysed on its own with the same options (see
    :func:`abc_classify` and :func:`computed_abc`).

    Args:
        criteria: Criterion name to its figures (customer key to figure), in
            the order the code letters should take.
        method: ``Method.FIXED`` (default) or ``Method.COMPUTED``.
        thresholds: For fixed ABC, as in :func:`abc_classify`.
        basis: For fixed ABC, as in :func:`abc_classify`.
        boundary: For fixed ABC, as in :func:`abc_classify`.
        keep_ties: Keep equal figures together; default ``False`` for fixed
            and ``True`` for computed ABC, as the single functions.
        places: Decimal places of exact shares.

    Returns:
        A :class:`CombinedAbc`.

    Raises:
        InvalidThresholdsError: For no criteria, or bad thresholds.
        InvalidCustomerValueError: For a bad figure (the error names the
            criterion).
        CustomerValueTypeError: For a figure of the wrong type.

    >>> combined = abc_combined(
    ...     {
    ...         "revenue": {"x": 900, "y": 80, "z": 20},
    ...         "volume": {"x": 2, "y": 30, "z": 1},
    ...     }
    ... )
    >>> dict(combined.codes)
    {'x': 'AB', 'y': 'BA', 'z': 'CC'}
    """
    if not criteria:
        raise InvalidThresholdsError(
            "give at least one criterion, e.g. {'revenue': {...}, 'volume': {...}}",
            thresholds=criteria,
        )
    method = Method(method)
    basis = Basis(basis)
    boundary = Boundary(boundary)
    places = check_places(places)
    decimals, fractions = _thresholds(thresholds, basis)
    results: list[AbcResult[K]] = []
    for name, figures in criteria.items():
        r = rank(figures, criterion=name)
        if method is Method.COMPUTED:
            tie = True if keep_ties is None else keep_ties
            results.append(_computed(r, tie, Text(name), places))
        else:
            results.append(
                _fixed(r, decimals, fractions, basis, boundary, bool(keep_ties), Text(name), places)
            )
    return CombinedAbc(tuple(criteria), tuple(results))
