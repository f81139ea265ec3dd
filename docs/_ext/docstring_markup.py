"""A Griffe extension that makes the project's docstrings render well.

The docstrings are written for two readers: ``help()``/Sphinx-style tools
(reStructuredText roles such as ``:class:`Verdict``` and double-backtick
literals) and doctest, which runs every ``>>>`` example. Before mkdocstrings
parses a docstring as Google-style Markdown this extension

* wraps each run of ``>>>`` example lines and their expected output in a fenced
  ``pycon`` code block, so examples render as code, not as prose; and
* turns ``:role:`target``` into a code span (``~`` prefixes dropped) and
  ````text```` into ```text```.

It changes only what the documentation site shows; the source is untouched.
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


def _markup(text: str) -> str:
    parts = re.split(r"(```pycon\n.*?```)", _fence(text), flags=re.DOTALL)
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
