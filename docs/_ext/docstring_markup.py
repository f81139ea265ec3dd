"""A Griffe extension that makes the project's docstrings render well.

The docstrings are written for two readers: ``help()``/Sphinx-style tools
(reStructuredText roles such as ``:class:`Verdict``` and double-backtick
literals) and doctest, which runs every ``>>>`` example. Before mkdocstrings
parses a docstring as Google-style Markdown this extension

* wraps each run of ``>>>`` example lines and their expected output in a fenced
  ``pycon`` code block, so examples render as code, not as prose; and
* turns simple reStructuredText tables (``====  ====`` borders) into
  Markdown tables; and
* turns ``:role:`target``` into a code span (``~`` prefixes dropped) and
  ````text```` into ```text```.

A second extension, :class:`ReferenceOrder`, sets the order of each module's
members on its reference page: the functions first (the page's main
function leads), then the classes, then the constants, and the errors and
warnings last, each group in the order of the source.

They change only what the documentation site shows; the source is untouched.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def _fence(text: str) -> str:
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(lines[i][len(indent) :])
                i += 1
            out += [f"{indent}```pycon", *(indent + b for b in block), f"{indent}```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


_BORDER = re.compile(r"^(\s*)(=+)(\s+=+)+\s*$")


def _columns(border: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"=+", border)]


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    cells = []
    for i, (start, _end) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(line)
        cells.append(line[start:stop].strip().replace("|", "\\|"))
    return cells


def _tables(text: str) -> str:
    """Rewrite simple RST tables (border, header, border, rows, border) as Markdown."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _BORDER.match(lines[i])
        ends = [j for j in range(i + 1, len(lines)) if _BORDER.match(lines[j])][:2]
        if m and len(ends) == 2 and ends[0] == i + 2:
            indent, spans = m.group(1), _columns(lines[i])
            header = _cells(lines[i + 1], spans)
            out.append(indent + "| " + " | ".join(header) + " |")
            out.append(indent + "|" + "---|" * len(spans))
            for row in lines[ends[0] + 1 : ends[1]]:
                if row.strip():
                    out.append(indent + "| " + " | ".join(_cells(row, spans)) + " |")
            i = ends[1] + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _markup(text: str) -> str:
    parts = re.split(r"(```pycon\n.*?```)", _fence(_tables(text)), flags=re.DOTALL)
    return "".join(
        p if p.startswith("```pycon") else _LITERAL.sub(r"`\1`", _ROLE.sub(r"`\1`", p))
        for p in parts
    )


class DocstringMarkup(griffe.Extension):
    """Fence doctest examples and translate reStructuredText roles."""

    def on_instance(self, *, obj: griffe.Object, **_kwargs: Any) -> None:  # noqa: ANN401
        """Rewrite the docstring of every object as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = _markup(obj.docstring.value)


#: Names of errors and warnings, which come last on a reference page.
_PROBLEM = re.compile(r"(Error|Warning|Exception)$")


def _rank(member: griffe.Object | griffe.Alias) -> int:
    """0 functions, 1 classes, 2 constants and the rest, 3 errors and warnings."""
    if _PROBLEM.search(member.name):
        return 3
    try:
        kind = member.kind
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return 2
    return {griffe.Kind.FUNCTION: 0, griffe.Kind.CLASS: 1}.get(kind, 2)


def _line(member: griffe.Object | griffe.Alias) -> int:
    """Where the member appears in its module: its definition, or its import."""
    if isinstance(member, griffe.Alias):
        return member.alias_lineno or 0
    return member.lineno or 0


def _order(module: griffe.Module) -> None:
    if module.exports is not None:
        names = [str(name) for name in module.exports]
        members = {name: module.members[name] for name in names if name in module.members}
        first = {name: i for i, name in enumerate(names)}
        module.exports = sorted(
            names,
            key=lambda n: (
                (_rank(members[n]), _line(members[n]), first[n])
                if n in members
                else (4, 0, first[n])
            ),
        )
    for submodule in module.modules.values():
        if not submodule.is_alias:
            _order(submodule)


class ReferenceOrder(griffe.Extension):
    """Order each module's ``__all__`` for its reference page: functions first, errors last.

    The pages render members in ``__all__`` order (``members_order:
    [__all__, source]``); only the order of the names changes, never which
    ones are shown.
    """

    def on_package(self, *, pkg: griffe.Module, **_kwargs: Any) -> None:  # noqa: ANN401
        """Reorder the exports of every module of the package once it is loaded."""
        _order(pkg)
