"""Data in and out: CSV and JSON files of opportunities, every problem reported.

:func:`read_opportunities` reads a ``.csv`` (with an optional events file for
the histories) or a ``.json`` file; :func:`write_csv` and :func:`write_json`
write them. Reading is strict by default: a file with any problem imports
nothing and raises one :class:`DataFileError` whose ``problems`` list every
problem; ``lenient=True`` returns a :class:`ReadResult` with the good records
and the same report instead.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import TYPE_CHECKING, Literal, overload

from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io._atomic import UnencodableTextError
from salesfunnel.io._columns import Source, source_name
from salesfunnel.io.csv_format import (
    COLUMNS,
    EVENT_COLUMNS,
    Engine,
    EngineNotInstalledError,
    read_csv,
)
from salesfunnel.io.csv_writer import HistoryWouldBeLostError, write_csv
from salesfunnel.io.history_import import HistoryRow
from salesfunnel.io.history_reader import read_history
from salesfunnel.io.json_format import (
    DEFAULT_SCHEMAS,
    DocumentSchema,
    SchemaVersionError,
    dumps,
    from_dict,
    loads,
    read_json,
    to_dict,
    write_json,
)
from salesfunnel.io.mapping import (
    FIELDS,
    HISTORY_FIELDS,
    ImportMapping,
    InvalidMappingError,
    UnknownFieldError,
    UnmappedStage,
    UnmappedStageError,
    check_stages,
    unmapped_stages,
)
from salesfunnel.io.presets import PRESETS, Preset, UnknownPresetError, preset
from salesfunnel.io.problems import (
    DataFileError,
    FileEncodingError,
    Problem,
    ReadResult,
    UnsupportedFileError,
    UnwritableValueError,
)
from salesfunnel.io.rule_registry import DEFAULT_REGISTRY, RuleRegistry, UnknownRuleError

if TYPE_CHECKING:
    from salesfunnel.io.streaming import iter_opportunities

__all__ = [
    "COLUMNS",
    "DEFAULT_REGISTRY",
    "DEFAULT_SCHEMAS",
    "EVENT_COLUMNS",
    "FIELDS",
    "HISTORY_FIELDS",
    "PRESETS",
    "DataFileError",
    "DocumentSchema",
    "EngineNotInstalledError",
    "FileEncodingError",
    "HistoryRow",
    "HistoryWouldBeLostError",
    "ImportMapping",
    "InvalidMappingError",
    "Preset",
    "Problem",
    "ReadResult",
    "RuleRegistry",
    "SchemaVersionError",
    "Source",
    "UnencodableTextError",
    "UnknownFieldError",
    "UnknownPresetError",
    "UnknownRuleError",
    "UnmappedStage",
    "UnmappedStageError",
    "UnsupportedFileError",
    "UnwritableValueError",
    "check_stages",
    "dumps",
    "from_dict",
    "iter_opportunities",
    "loads",
    "preset",
    "read_csv",
    "read_history",
    "read_json",
    "read_opportunities",
    "to_dict",
    "unmapped_stages",
    "write_csv",
    "write_json",
]


@overload
def read_opportunities(
    path: str | os.PathLike[str],
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: Literal[False] = False,
    engine: Engine = "auto",
) -> tuple[Opportunity, ...]: ...


@overload
def read_opportunities(
    path: str | os.PathLike[str],
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: Literal[True],
    engine: Engine = "auto",
) -> ReadResult[Opportunity]: ...


def read_opportunities(
    path: str | os.PathLike[str],
    *,
    events: Source | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
    lenient: bool = False,
    engine: Engine = "auto",
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    """Read opportunities from a ``.csv`` or ``.json`` file, chosen by the file name.

    Args:
        path: The file.
        events: For CSV, the events file with the histories (see
            :func:`read_csv`); JSON documents hold histories themselves.
        funnel: The funnel whose stages the data uses.
        encoding: The file's encoding (UTF-8 unless named).
        ignore: For CSV, headers of columns to skip on purpose.
        lenient: Return a :class:`ReadResult` (the good records and every
            problem) instead of raising on the first bad file.
        engine: For CSV, what splits the file into cells (see
            :func:`read_csv`): ``"auto"``, ``"python"``, ``"polars"``,
            ``"pyarrow"`` or ``"pandas"``; the records and problems are the
            same whichever it is.

    Returns:
        The opportunities (strict) or a :class:`ReadResult` (lenient).

    Raises:
        UnsupportedFileError: For a name that ends neither in ``.csv`` nor ``.json``.
        DataFileError: For any problem (strict), or a file that holds no data.
        FileEncodingError: For a file that is not text in ``encoding``.
        EngineNotInstalledError: For a CSV ``engine`` that is not installed.
        OSError: If a file cannot be opened.
    """
    name = source_name(path).lower()
    if name.endswith(".json"):
        if events is not None:
            raise UnsupportedFileError(
                source_name(path),
                why="a JSON document holds the histories itself; leave out the events file",
            )
        if lenient:
            return read_json(path, encoding=encoding, lenient=True)
        return read_json(path, encoding=encoding)
    if name.endswith(".csv"):
        if lenient:
            return read_csv(
                path,
                events=events,
                funnel=funnel,
                encoding=encoding,
                ignore=ignore,
                lenient=True,
                engine=engine,
            )
        return read_csv(
            path, events=events, funnel=funnel, encoding=encoding, ignore=ignore, engine=engine
        )
    raise UnsupportedFileError(source_name(path))


def __getattr__(name: str) -> object:
    """Load :func:`~salesfunnel.io.streaming.iter_opportunities` on first use."""
    if name == "iter_opportunities":
        from salesfunnel.io.streaming import iter_opportunities  # noqa: PLC0415  (lazy)

        return iter_opportunities
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
