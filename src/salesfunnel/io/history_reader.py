"""Reading a CRM's stage history into the opportunities' histories (see :mod:`salesfunnel.io.history_import`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Literal, overload

from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io._columns import Source
from salesfunnel.io._mapped import build_mapping, history_mapping, read_history_rows
from salesfunnel.io.history_import import apply_history
from salesfunnel.io.mapping import ImportMapping
from salesfunnel.io.presets import Preset
from salesfunnel.io.problems import ReadResult

__all__ = ["read_history"]


@overload
def read_history(
    source: Source,
    deals: Iterable[Opportunity],
    *,
    funnel: Funnel = ...,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    stages: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    encoding: str = "utf-8",
    lenient: Literal[False] = False,
) -> tuple[Opportunity, ...]: ...


@overload
def read_history(
    source: Source,
    deals: Iterable[Opportunity],
    *,
    funnel: Funnel = ...,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    stages: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    encoding: str = "utf-8",
    lenient: Literal[True],
) -> ReadResult[Opportunity]: ...


def read_history(
    source: Source,
    deals: Iterable[Opportunity],
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    stages: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    encoding: str = "utf-8",
    lenient: bool = False,
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    r"""Read a stage-history table and give each of ``deals`` its history.

    The table has a deal id, the stage entered and the date (or date-time,
    counted in ``tz``) of each change, and optionally the amount and expected
    close date from then on (:data:`~salesfunnel.io.mapping.HISTORY_FIELDS`;
    ``preset="salesforce"`` reads ``OpportunityHistory``). ``mapping`` (with
    ``known=HISTORY_FIELDS``) maps other headers.

    >>> import io
    >>> from datetime import date
    >>> deal = Opportunity(
    ...     id="D1",
    ...     name="ERP",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="project",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 6, 30),
    ...     amount="900",
    ...     currency="EUR",
    ... )
    >>> table = "deal_id,stage,date\nD1,potential,2026-01-05\nD1,project,2026-02-01\n"
    >>> (back,) = read_history(io.StringIO(table), [deal])
    >>> [(c.kind.value, c.to_stage) for c in back.history]
    [('create', 'potential'), ('skip', 'project')]

    Returns:
        The deals in order, with their histories (strict), or a
        :class:`~salesfunnel.io.ReadResult` (lenient).

    Raises:
        DataFileError: In strict mode, for any problem: nothing is imported.
    """
    chosen, found = build_mapping(preset=preset, stages=stages, tz=tz)
    hist = history_mapping(found, chosen)
    if mapping is not None:
        hist = hist.evolve(
            columns=mapping.columns, stages=mapping.stages, ignore=hist.ignore | mapping.ignore
        )
    name, rows, problems = read_history_rows(source, funnel, hist, encoding=encoding)
    built, more, _ = apply_history(tuple(deals), rows, funnel)
    result = ReadResult(built, [*problems, *more])
    return result if lenient else result.raise_for_problems(name)
