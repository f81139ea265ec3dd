"""CSV import and export of opportunities, with histories in a separate events file.

One row per opportunity, with the columns of :data:`COLUMNS` (the
:class:`~salesfunnel.Opportunity` field names; line items in one ``products``
cell, facts as a JSON object), and optionally an events file with one row per
stage change, reschedule or reprice (:data:`EVENT_COLUMNS`). The source's
Chinese report-form headers (项目名称, 项目经理, 提供的产品, …) are accepted as
aliases. The data-formats documentation has the full column set.

Reading is **strict** by default: a file with any problem imports nothing and
raises one :class:`~salesfunnel.io.DataFileError` listing every problem. With
``lenient=True`` the reader returns a :class:`~salesfunnel.io.ReadResult`: the
good records and the same report.

>>> import io
>>> from salesfunnel.io import write_csv
>>> text = '''id,name,account,owner,stage,created,expected_close,amount,currency,products
... D1,ERP rollout,Acme,Li Wei,intent,2026-01-05,2026-06-30,120000,CNY,ERP=100000;Support=20000
... '''
>>> (deal,) = read_csv(io.StringIO(text))
>>> deal.amount, deal.products
(Decimal('120000'), ('ERP', 'Support'))
>>> bad = text.replace("2026-06-30", "30/06/2026").replace("120000,", "-5,")
>>> read_csv(io.StringIO(bad))
Traceback (most recent call last):
...
salesfunnel.io.problems.DataFileError: <stream>: 2 problems; nothing was imported:
  <stream> row 2, column expected_close ('30/06/2026'): is not a date in YYYY-MM-DD form; write dates as YYYY-MM-DD, for example 2026-03-31
  <stream> row 2, column amount ('-5'): is negative; amounts are zero or more; record a refund as its own deal
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Literal, overload

from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io._building import (
    add_event_problems,
    build_rows,
    has_amounts,
    keep_good,
    no_amounts,
)
from salesfunnel.io._columns import (
    COLUMNS,
    EVENT_COLUMNS,
    REQUIRED,
    Source,
    read_text,
    stage_mark_headers,
)
from salesfunnel.io._engine import Engine, EngineNotInstalledError, resolve_engine
from salesfunnel.io._events import read_events
from salesfunnel.io._table import parse_table
from salesfunnel.io.problems import ReadResult
from salesfunnel.io.rows import COLUMN_ALIASES, flag_duplicate_ids

if TYPE_CHECKING:
    from datetime import tzinfo

    from salesfunnel.io.mapping import ImportMapping
    from salesfunnel.io.presets import Preset

__all__ = [
    "COLUMNS",
    "EVENT_COLUMNS",
    "Engine",
    "EngineNotInstalledError",
    "read_csv",
]


def _read(
    source: Source,
    events: Source | None,
    funnel: Funnel,
    encoding: str,
    ignore: Collection[str],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, ReadResult[Opportunity]]:
    name, text = read_text(source, encoding)
    table = parse_table(
        name,
        text,
        aliases=COLUMN_ALIASES,
        required=REQUIRED,
        ignore=ignore,
        stage_marks=stage_mark_headers(funnel),
    )
    problems = list(table.problems)
    if not has_amounts(table.headers):
        problems.append(no_amounts(name))
    ev = (
        read_events(events, funnel, encoding=encoding, ignore=ignore)
        if events is not None
        else None
    )
    usable = table.usable and has_amounts(table.headers)
    built = build_rows(name, table.rows if usable else (), table.headers, funnel, ev, progress)
    seen = flag_duplicate_ids(name, built, table.headers.get("id", "id"))
    records = keep_good(built, ev, problems)
    add_event_problems(ev, problems, seen)
    return name, ReadResult(records, problems)


@overload
def read_csv(
    source: Source,
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: Literal[False] = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    history: Source | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Engine = "auto",
) -> tuple[Opportunity, ...]: ...


@overload
def read_csv(
    source: Source,
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: Literal[True],
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    history: Source | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Engine = "auto",
) -> ReadResult[Opportunity]: ...


def read_csv(
    source: Source,
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: bool = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    history: Source | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Engine = "auto",
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    r"""Read opportunities from a CSV file (and their histories from an events file).

    Without an events file, each opportunity gets the default history
    (:func:`~salesfunnel.funnel.records.default_history`): an open one was created in
    its stage; a won or lost one with ``closed_on`` was open from
    ``created`` and closed on ``closed_on``.

    Any export is read by mapping it: ``columns`` names the field each of
    its headers gives, ``stages`` the funnel stage of each of its stage
    names, ``defaults`` the text of a field it lacks; ``preset`` starts from
    a CRM's layout (:mod:`salesfunnel.io.presets`). Date-times are accepted
    where a date goes, converted in ``tz``; percentages are read with
    ``probability_scale="percent"``. Every stage name without a mapping is
    listed at once, with the closest stage keys. ``history`` reads a CRM
    stage history (:mod:`salesfunnel.io.history_import`).

    >>> import io
    >>> from salesfunnel.io import write_csv
    >>> text = (
    ...     "Deal,Client,Rep,Phase,Opened,Close Date,Value\n"
    ...     "D1,Acme,Ann,Proposition,2026-01-05T09:30:00Z,2026-03-31,5000\n"
    ... )
    >>> from zoneinfo import ZoneInfo
    >>> (deal,) = read_csv(
    ...     io.StringIO(text),
    ...     columns={
    ...         "Deal": "id",
    ...         "Client": "account",
    ...         "Rep": "owner",
    ...         "Phase": "stage",
    ...         "Opened": "created",
    ...         "Close Date": "expected_close",
    ...         "Value": "amount",
    ...     },
    ...     stages={"Proposition": "recognition"},
    ...     defaults={"currency": "USD", "name": "(unnamed)"},
    ...     tz=ZoneInfo("America/New_York"),
    ... )
    >>> deal.stage, deal.created, deal.currency
    ('recognition', datetime.date(2026, 1, 5), 'USD')

    A lenient read gives the good records and every problem; the
    ``engine`` (``"polars"``, ``"pyarrow"`` or ``"pandas"``, where
    installed) changes only the time it takes, never what it gives:

    >>> plain = (
    ...     "id,name,account,owner,stage,created,expected_close,amount,currency\n"
    ...     "D1,ERP,Acme,Li Wei,intent,2026-01-05,2026-06-30,120000,CNY\n"
    ...     "D2,CRM,Beta,Ann,intent,2026-01-05,2026-02-30,5000,CNY\n"
    ... )
    >>> result = read_csv(io.StringIO(plain), lenient=True)
    >>> [d.id for d in result.records], [p.column for p in result.problems]
    (['D1'], ['expected_close'])

    Args:
        source: A path, or an open file (text or binary).
        events: The events file with the histories and revisions, if any.
        funnel: The funnel whose stages the files use.
        encoding: The files' encoding; UTF-8 (with or without a byte-order
            mark) unless named.
        ignore: Headers of columns to skip on purpose (any other unknown
            column is a problem).
        lenient: Return a :class:`~salesfunnel.io.ReadResult` with the good
            records and every problem instead of raising.
        columns: Export header to field (see
            :data:`~salesfunnel.io.mapping.FIELDS`).
        stages: Export stage name to funnel stage key.
        defaults: Field to the text used when its column is absent or a
            cell empty.
        tz: The time zone date-times are counted in (a
            :class:`datetime.tzinfo`); without it a date-time is a problem.
        probability_scale: ``"percent"`` for probabilities in percent
            (``60``); ``"fraction"`` (the default, unless the preset says
            otherwise) for shares.
        preset: ``"salesforce"``, ``"hubspot"``, ``"pipedrive"`` or
            ``"odoo"`` (or a :class:`~salesfunnel.io.presets.Preset`).
        mapping: A whole :class:`~salesfunnel.io.mapping.ImportMapping`; the
            keyword options above are merged into it.
        history: A stage-history table (Salesforce ``OpportunityHistory``
            with the Salesforce preset, else deal id, stage and date
            columns), turned into each deal's history and revisions.
        progress: Called as ``progress(rows_checked, rows_total)`` while the
            rows of a file in the plain layout are checked (every few hundred
            rows, and once at the end), e.g. to draw a progress bar; a
            mapped export does not call it.
        engine: What splits a file of the plain layout into cells:
            ``"auto"`` (the default) and ``"python"`` take the ``csv``
            module, the faster path on every file measured;
            ``"polars"``, ``"pyarrow"`` or ``"pandas"`` that engine. An
            engine reads every cell as text, and only a text it splits
            exactly as the ``csv`` module does (quoted cells opened after a
            comma and closed before one, no line break inside quotes, no
            lone carriage return, NUL character, blank line,
            formula-guarded cell or ragged row; any other file is split by
            the ``csv`` module); the cells are then checked column by
            column, each distinct text once, by the same rules. So the
            records and the problems are the same whatever the engine; only
            the time differs. Either path reads a block of lines at a time
            and keeps only what its result keeps
            (:func:`~salesfunnel.io.iter_opportunities` also yields the
            records a chunk at a time). A mapped export, a history table or
            a ``progress`` hook is read by the ``csv`` module.

    Returns:
        The opportunities in file order (strict), or a
        :class:`~salesfunnel.io.ReadResult` (lenient).

    Raises:
        DataFileError: In strict mode, for any problem; in both modes, for an
            empty file (which holds no table at all).
        FileEncodingError: For a file that is not text in ``encoding``; it
            names the encoding it found and the fix.
        UnknownFieldError: For a column mapped to a field that does not exist.
        UnknownPresetError: For a preset name that does not exist.
        EngineNotInstalledError: For an ``engine`` that is not installed
            (an :class:`ImportError` too); it names the extra to install.
        OptionError: For an ``engine`` that is none of the above.
        OSError: If a file cannot be opened.
    """
    split_by = resolve_engine(engine)
    from salesfunnel.io._mapped import build_mapping, read_mapped  # noqa: PLC0415  (cycle)

    chosen, found = build_mapping(
        preset=preset,
        mapping=mapping,
        columns=columns,
        stages=stages,
        defaults=defaults,
        tz=tz,
        probability_scale=probability_scale,
    )
    if chosen.is_plain and found is None and history is None and progress is None:
        from salesfunnel.io._building import RECORDS  # noqa: PLC0415  (cycle)
        from salesfunnel.io._lean import read_lean  # noqa: PLC0415  (cycle)

        name, result = read_lean(source, events, funnel, encoding, tuple(ignore), split_by, RECORDS)
    elif chosen.is_plain and found is None and history is None:  # a progress bar needs the count
        name, result = _read(source, events, funnel, encoding, tuple(ignore), progress)
    else:
        name, result = read_mapped(
            source,
            events=events,
            history=history,
            funnel=funnel,
            encoding=encoding,
            ignore=tuple(ignore),
            mapping=chosen,
            preset=found,
        )
    return result if lenient else result.raise_for_problems(name)
