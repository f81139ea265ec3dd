"""A documentation build hook: examples that copy without their ``>>>`` prompts.

Registered in ``mkdocs.yml`` under ``hooks:``. The guides write their examples
as doctest sessions in ``python`` fences, so that pytest runs them. This hook

* highlights a ``python`` fence whose first line is a ``>>>`` prompt with the
  ``pycon`` lexer, which marks the prompts (``>>>``, ``...``) and the printed
  output apart from the code (the docstrings' examples are fenced as
  ``pycon`` already, by ``docstring_markup.py``); and
* adds the stylesheet :data:`CSS` as ``assets/code-copy.css`` (listed under
  ``extra_css``), which leaves the prompts and the output out of what the
  copy button copies (Material copies the code's ``innerText`` while the code
  element carries ``data-md-copying``, so hidden spans are not copied) and
  out of a selection made by hand.

The Markdown sources are not changed.
"""

# ruff: noqa: INP001 - a hook loaded by its path, not a module of a package

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

#: The stylesheet's path in the site.
STYLESHEET = "assets/code-copy.css"

#: Prompts (``.gp``) and output (``.go``) of a console session are not copied or selected.
CSS = """\
/* Console sessions: copy and select the code only, not the >>> prompts or the output. */
.highlight .gp,
.highlight .go {
  user-select: none;
}
.highlight code[data-md-copying] .gp,
.highlight code[data-md-copying] .go {
  display: none;
}
/* Notebook outputs shown on the site: a little room around them. */
.notebook-output {
  margin: 0.4em 0 1.2em 0;
  overflow-x: auto;
}
"""

_SESSION = re.compile(r"^(?P<fence>[ \t]*(?:```|~~~)+)python[ \t]*\n(?=[ \t]*>>>)", re.MULTILINE)


def console_fences(markdown: str) -> str:
    r"""Tag each ``python`` fence that starts with a ``>>>`` prompt as ``pycon``.

    >>> console_fences("```python\n>>> 1 + 1\n2\n```").splitlines()[0]
    '```pycon'
    >>> console_fences("```python\nx = 1\n```").splitlines()[0]
    '```python'
    """
    return _SESSION.sub(lambda m: f"{m.group('fence')}pycon\n", markdown)


def on_page_markdown(markdown: str, **_kwargs: object) -> str:
    """Highlight the page's doctest sessions as console sessions."""
    return console_fences(markdown)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the stylesheet to the site."""
    files.append(File.generated(config, STYLESHEET, content=CSS))
    return files
