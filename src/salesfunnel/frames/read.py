r"""A CSV file of opportunities read straight into a frame, every cell checked.

:func:`read_frame` gives the frame that :func:`~salesfunnel.frames.to_polars`
(or :func:`~salesfunnel.frames.to_pandas`) gives of what
:func:`~salesfunnel.io.read_csv` reads, with the same problems, but for a
file of the plain layout it builds no record: the columns are checked as
``read_csv`` checks them (each distinct text once), and a row whose cells are
all good goes into the frame's columns as it is. Only a row with a problem,
or one the quick checks do not settle, is built as a record, which reports
what is wrong in the reader's words.

>>> import io
>>> text = (
...     "id,name,account,owner,stage,created,expected_close,amount,currency,products\n"
...     "D1,ERP,Acme,Li Wei,intent,2026-01-05,2026-06-30,,CNY,ERP=100000;Support=20000.50\n"
...     "D2,CRM,Beta,Ann,closed,2026-01-05,2026-02-28,5000,EUR,\n"
... )
>>> result = read_frame(io.StringIO(text), lenient=True)
>>> result.frame["amount"].to_list(), result.frame["products"].to_list()
([Decimal('120000.50')], ['ERP=100000;Support=20000.50'])
>>> [(p.row, p.why) for p in result.problems]  # doctest: +ELLIPSIS
[(3, "opportunity 'D2': is won ('closed') but has no closed_on date; ...")]

Strict (the default), a file with a problem raises
:class:`~salesfunnel.io.DataFileError` listing every problem, and gives no frame.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import attrs

from salesfunnel.errors import OptionError
from salesfunnel.frames.convert import by_column, pandas_frame, polars_frame
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import read_csv
from salesfunnel.io._building import Sink
from salesfunnel.io._columns import source_name
from salesfunnel.io._engine import Engine, resolve_engine
from salesfunnel.io._lean import read_lean
from salesfunnel.io._mapped import build_mapping
from salesfunnel.io.frame_rows import Values, quick_values, record_values
from salesfunnel.io.problems import DataFileError, Problem

if TYPE_CHECKING:
    import polars as pl

    from salesfunnel.io._columns import Source
    from salesfunnel.io.mapping import ImportMapping
    from salesfunnel.io.presets import Preset

__all__ = ["FrameReadResult", "read_frame"]

F = TypeVar("F")

#: Each good row's values, built without a record when its cells allow.
_VALUES: Sink[Values] = Sink(quick_values, record_values)


def _problem_tuple(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(problems)


@attrs.frozen
class FrameReadResult(Generic[F]):
    """The frame of the good rows of a lenient read, and every problem found.

    Attributes:
        frame: One row per opportunity read without a problem, in file order.
        problems: Every problem, in file order (empty when the file is clean).
    """

    frame: F
    problems: tuple[Problem, ...] = attrs.field(converter=_problem_tuple)

    @property
    def ok(self) -> bool:
        """``True`` when no problem was found."""
        return not self.problems

    def raise_for_problems(self, file: str) -> F:
        """Return the frame if there was no problem, else raise :class:`~salesfunnel.io.DataFileError`."""
        if self.problems:
            raise DataFileError(file, self.problems)
        return self.frame


@overload
def read_frame(
    source: Source,
    *,
    to: Literal["polars"] = "polars",
    lenient: Literal[False] = False,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    engine: Engine = "auto",
) -> pl.DataFrame: ...


@overload
def read_frame(
    source: Source,
    *,
    to: Literal["polars"] = "polars",
    lenient: Literal[True],
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    engine: Engine = "auto",
) -> FrameReadResult[pl.DataFrame]: ...


@overload
def read_frame(
    source: Source,
    *,
    to: Literal["pandas"],
    lenient: Literal[False] = False,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    engine: Engine = "auto",
) -> Any: ...  # noqa: ANN401 - pandas ships no types


@overload
def read_frame(
    source: Source,
    *,
    to: Literal["pandas"],
    lenient: Literal[True],
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    engine: Engine = "auto",
) -> FrameReadResult[Any]: ...


def read_frame(
    source: Source,
    *,
    to: Literal["polars", "pandas"] = "polars",
    lenient: bool = False,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    engine: Engine = "auto",
) -> Any:
    """Read a CSV file of opportunities into a polars or pandas frame, every cell checked.

    The frame is the one :func:`~salesfunnel.frames.to_polars` (``to="polars"``)
    or :func:`~salesfunnel.frames.to_pandas` (``to="pandas"``) gives of the
    records :func:`~salesfunnel.io.read_csv` reads from the same file with the
    same options, and a bad file has the same problems. A file of the plain
    layout (the CSV format's own headers) is read without building a record
    per row (see the module docs); a mapped export (``columns=``, ``preset=``,
    ...) is read by ``read_csv`` and its records put in the frame.

    A frame holds each opportunity's current state, so there is no events
    file: read one with :func:`~salesfunnel.io.read_csv`.

    Args:
        source: A path, or an open file (text or binary).
        to: ``"polars"`` (the default) or ``"pandas"``: the frame's library.
        lenient: Return a :class:`FrameReadResult` with the frame of the good
            rows and every problem instead of raising.
        funnel: The funnel whose stages the file uses.
        encoding: The file's encoding (see :func:`~salesfunnel.io.read_csv`).
        ignore: Headers of columns to skip on purpose.
        columns: Export header to field.
        stages: Export stage name to funnel stage key.
        defaults: Field to the text used when its column is absent or a cell empty.
        tz: The time zone date-times are counted in.
        probability_scale: ``"percent"`` for probabilities in percent.
        preset: A CRM's layout (``"salesforce"``, ``"hubspot"``, ...).
        mapping: A whole :class:`~salesfunnel.io.mapping.ImportMapping`.
        engine: What splits the file into cells (see
            :func:`~salesfunnel.io.read_csv`); it changes only the time.

    Returns:
        The frame (strict), or a :class:`FrameReadResult` (lenient).

    Raises:
        DataFileError: In strict mode, for any problem; in both modes, for an
            empty file.
        OptionError: For a ``to`` that is neither ``"polars"`` nor ``"pandas"``,
            or an ``engine`` that is no engine.
        EngineNotInstalledError: For an ``engine`` that is not installed.
        ImportError: If the library named by ``to`` is not installed.
        OSError: If the file cannot be opened.
    """
    if to not in ("polars", "pandas"):
        raise OptionError(
            f"to is {to!r}; use 'polars' or 'pandas'",
            option="to",
            value=to,
        )
    build = polars_frame if to == "polars" else pandas_frame
    split_by = resolve_engine(engine)
    chosen, found = build_mapping(
        preset=preset,
        mapping=mapping,
        columns=columns,
        stages=stages,
        defaults=defaults,
        tz=tz,
        probability_scale=probability_scale,
    )
    if chosen.is_plain and found is None:
        name, result = read_lean(source, None, funnel, encoding, tuple(ignore), split_by, _VALUES)
        rows, problems = list(result.records), result.problems
    else:
        name = source_name(source)
        read = read_csv(
            source,
            funnel=funnel,
            encoding=encoding,
            ignore=ignore,
            lenient=True,
            columns=columns,
            stages=stages,
            defaults=defaults,
            tz=tz,
            probability_scale=probability_scale,
            preset=preset,
            mapping=mapping,
        )
        rows, problems = [record_values(o) for o in read.records], read.problems
    outcome = FrameReadResult(build(by_column(rows)), problems)
    return outcome if lenient else outcome.raise_for_problems(name)
