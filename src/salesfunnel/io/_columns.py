"""Column sets of the CSV files, their Chinese aliases, and reading text files.

Kept apart from the readers so the tables can be documented and tested on
their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, TypeAlias, Union

from salesfunnel.io.problems import DataFileError, FileEncodingError, Problem

if TYPE_CHECKING:
    from salesfunnel.funnel.stages import Funnel

__all__ = [
    "COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_HEADERS_ZH",
    "HEADERS_ZH",
    "STAGE_MARKS",
    "Source",
    "header_aliases",
    "read_text",
    "source_name",
]

#: Where data is read from or written to: a path, or an open file (text or binary).
Source: TypeAlias = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]

#: The columns of an opportunities file, in the order they are written.
COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "account",
    "owner",
    "stage",
    "created",
    "expected_close",
    "amount",
    "currency",
    "products",
    "probability",
    "facts",
    "closed_on",
    "lost_reason",
    "notes",
    "category_override",
)

#: The columns every opportunities file must have (``amount`` may be left out
#: when ``products`` gives every line's amount).
REQUIRED: tuple[str, ...] = (
    "id",
    "name",
    "account",
    "owner",
    "stage",
    "created",
    "expected_close",
    "currency",
)

#: Chinese headers accepted for each column; the first is written with ``lang="zh"``.
HEADERS_ZH: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("编号", "项目编号", "商机编号"),
        "name": ("项目名称",),
        "account": ("客户", "客户名称"),
        "owner": ("项目经理", "销售负责人", "负责人"),
        "stage": ("阶段", "销售阶段"),
        "created": ("创建日期",),
        "expected_close": ("预计成交日期",),
        "amount": ("金额", "销售金额"),
        "currency": ("币种", "货币"),
        "products": ("提供的产品", "产品"),
        "probability": ("概率", "成交概率"),
        "facts": ("资格事实", "事实"),
        "closed_on": ("结束日期", "成交或丢单日期"),
        "lost_reason": ("丢单原因",),
        "notes": ("其他", "备注"),
        "category_override": ("预测类别",),
    }
)

#: Other English headers accepted (besides the column names themselves).
HEADERS_EN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("opportunity_id",),
        "name": ("project_name",),
        "account": ("customer",),
        "owner": ("project_manager", "sales_owner"),
        "products": ("product", "line_items"),
        "notes": ("other",),
    }
)

#: The columns of an events file, in the order they are written.
EVENT_COLUMNS: tuple[str, ...] = (
    "opportunity_id",
    "kind",
    "on",
    "from_stage",
    "to_stage",
    "reason",
    "skipped",
    "forced",
    "old",
    "new",
)

#: Chinese headers accepted in an events file; the first is written with ``lang="zh"``.
EVENT_HEADERS_ZH: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "opportunity_id": ("商机编号", "编号"),
        "kind": ("类型",),
        "on": ("日期",),
        "from_stage": ("原阶段",),
        "to_stage": ("新阶段",),
        "reason": ("原因",),
        "skipped": ("跳过的阶段",),
        "forced": ("强制",),
        "old": ("原值",),
        "new": ("新值",),
    }
)

#: The stage columns of the source's report form (the current stage is marked
#: with ● in one of them), for the stage keys of the default funnel. A
#: funnel's own stage labels (English and Chinese) are accepted too.
STAGE_MARKS: Mapping[str, str] = MappingProxyType(
    {
        "定位目标客户群": "target_segment",
        "发掘潜在客户": "potential",
        "确认客户意向": "intent",
        "引导客户立项": "project",
        "赢得客户认可": "recognition",
        "进行商务谈判": "negotiation",
        "完成销售成交": "closed",
        "丢单": "lost",
    }
)

#: The marks accepted in a report-form stage column.
MARKS: frozenset[str] = frozenset({"●", "•", "○", "√", "✓", "✔", "x", "X"})


def normalise(header: str) -> str:
    """Fold a header for lookup: trimmed, lower case, spaces and hyphens as ``_``."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def header_aliases(
    columns: tuple[str, ...],
    zh: Mapping[str, tuple[str, ...]],
    en: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Map every accepted (normalised) header to its column."""
    table = {normalise(c): c for c in columns}
    for column, names in zh.items():
        table.update({normalise(n): column for n in names})
    for column, names in (en or {}).items():
        table.update({normalise(n): column for n in names})
    return table


def stage_mark_headers(funnel: Funnel) -> dict[str, str]:
    """Map report-form stage headers (and the funnel's labels) to stage keys."""
    table = {normalise(header): key for header, key in STAGE_MARKS.items() if key in funnel}
    for stage in (*funnel, funnel.lost):
        for lang in ("en", "zh"):
            table[normalise(stage.text(lang))] = stage.key
    return table


def source_name(source: Source) -> str:
    """The name to report for ``source``: its path, or a stream's ``name``."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


_UTF8 = {"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig"}
_ENCODING_FIX = (
    "save the file as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), "
    "or name its encoding: encoding='{enc}' (command line: --encoding {enc})"
)


def encoding_error(name: str, why: str, encoding: str | None, fix: str) -> FileEncodingError:
    return FileEncodingError(name, Problem(name, why=why, fix=fix), encoding=encoding)


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode a file's bytes, refusing anything that is not text in ``encoding``.

    UTF-8 is read with or without a byte-order mark. For a file that is not
    UTF-8 the error names what the file appears to be (GBK/GB18030, UTF-16,
    an Excel workbook) and how to fix it.

    Raises:
        FileEncodingError: If the bytes are not text in ``encoding``.
        DataFileError: If the file is empty.
    """
    if data.startswith(b"PK\x03\x04"):
        raise encoding_error(
            name,
            "the file is an Excel workbook (or another zip archive), not CSV text",
            None,
            "in Excel use Save As, 'CSV UTF-8 (Comma delimited)'",
        )
    if encoding.lower() in _UTF8:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise encoding_error(
                name,
                "the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8",
                "utf-16",
                _ENCODING_FIX.format(enc="utf-16"),
            )
        body = data.removeprefix(b"\xef\xbb\xbf")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise not_utf8(name, body, err) from None
    else:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as err:
            raise encoding_error(
                name,
                f"the file cannot be read as {encoding}: {err}",
                encoding,
                "check the encoding the file was saved in; UTF-8 is the default",
            ) from None
        text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DataFileError(
            name,
            [
                Problem(
                    name,
                    why="the file is empty",
                    fix="export it with a header row (see the column set in the data-formats docs)",
                )
            ],
        )
    return text


def not_utf8(
    name: str, body: bytes, err: UnicodeDecodeError, lines_before: int = 0
) -> FileEncodingError:
    """The error for bytes that are not UTF-8 (``body`` a block after ``lines_before`` lines)."""
    line = lines_before + body.count(b"\n", 0, err.start) + 1
    where = f"byte 0x{body[err.start]:02x} on line {line} is not valid UTF-8"
    if b"\x00" in body:
        return encoding_error(
            name,
            f"the file is not UTF-8 ({where}); it looks like UTF-16 without a byte-order mark",
            "utf-16",
            _ENCODING_FIX.format(enc="utf-16"),
        )
    try:
        body.decode("gb18030")
    except UnicodeDecodeError:
        return encoding_error(
            name,
            f"the file is not UTF-8 ({where}); it may be in a legacy encoding such as cp1252",
            None,
            _ENCODING_FIX.format(enc="cp1252"),
        )
    return encoding_error(
        name,
        f"the file is not UTF-8 ({where}); it looks like GBK/GB18030, the default of Chinese Excel",
        "gb18030",
        _ENCODING_FIX.format(enc="gb18030"),
    )


def read_text(
    source: Source, encoding: str = "utf-8", *, limit: int | None = None
) -> tuple[str, str]:
    """Return ``(name, text)`` of a path or open file (see :func:`decode`).

    With ``limit``, a file or stream longer than ``limit`` bytes (characters,
    for a text stream) is refused before it is read whole: at most
    ``limit + 1`` are read.

    Raises:
        DataFileError: For a source over ``limit``.
        FileEncodingError: For bytes that are not text in ``encoding``.
    """
    name = source_name(source)
    size = -1 if limit is None else limit + 1
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:  # noqa: PTH123  (str or PathLike alike)
            data: bytes | str = handle.read(size)
    else:
        data = source.read(size)
    if limit is not None and len(data) > limit:
        raise DataFileError(
            name,
            [
                Problem(
                    name,
                    why=f"the file is larger than {limit} bytes",
                    fix="split it into smaller documents",
                )
            ],
        )
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
        if not text.strip():
            return name, decode(b"", name)
        return name, text
    return name, decode(data, name, encoding)
