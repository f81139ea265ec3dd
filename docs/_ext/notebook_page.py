"""A documentation build hook: the notebook tour, run and shown as a page of the site.

Registered in ``mkdocs.yml`` under ``hooks:``. ``docs/notebook.ipynb`` is kept
without outputs; when the site is built this hook runs it from top to bottom
(with nbclient and the ``python3`` kernel, in the ``docs`` folder) and adds the
page ``notebook.md``: the Markdown cells as they are, each code cell as a
Python block, and its outputs after it (text as text blocks, tables as the
HTML the library shows in Jupyter, charts as PNG files under
``notebook/``). The notebook file itself is published beside it for download.

A cell that raises fails the build, as it fails ``tests/test_notebook.py``.
"""

# ruff: noqa: INP001 - a hook loaded by its path, not a module of a package

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbclient
import nbformat
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

#: The notebook, relative to the docs folder, and the page made from it.
NOTEBOOK = "notebook.ipynb"
PAGE = "notebook.md"
#: The folder of the site that holds the notebook's images.
IMAGES = "notebook"

#: The longest a cell may run, in seconds.
TIMEOUT = 300

_DOWNLOAD = (
    "!!! note\n"
    "    This page is the notebook [`notebook.ipynb`](notebook.ipynb), run when the "
    "site was built. Download it to run it yourself in Jupyter "
    "(`pip install 'salesfunnel[plot]' jupyter`).\n"
)


def _text(value: Any) -> str:  # noqa: ANN401 - nbformat's loose JSON values
    return "".join(value) if isinstance(value, list) else str(value)


def _fence(text: str, lang: str) -> str:
    body = text.rstrip("\n")
    ticks = "````" if "```" in body else "```"
    return f"{ticks}{lang}\n{body}\n{ticks}"


def _html(text: str) -> str:
    """An HTML output as a raw block: one block, no blank lines inside it."""
    lines = [line for line in text.splitlines() if line.strip()]
    return '<div class="notebook-output">\n' + "\n".join(lines) + "\n</div>"


def _output(output: Any, images: list[tuple[str, bytes]]) -> str:  # noqa: ANN401
    kind = output["output_type"]
    if kind == "stream":
        return _fence(_text(output["text"]), "text")
    if kind == "error":
        message = f"{output['ename']}: {output['evalue']}"
        raise RuntimeError(f"{NOTEBOOK}: a cell raised {message}")
    data = output.get("data", {})
    if "image/png" in data:
        name = f"{IMAGES}/output-{len(images) + 1}.png"
        images.append((name, base64.b64decode(_text(data["image/png"]))))
        return f"![Output {len(images)}]({name})"
    if "text/html" in data:
        return _html(_text(data["text/html"]))
    if "text/markdown" in data:
        return _text(data["text/markdown"])
    if "text/plain" in data:
        return _fence(_text(data["text/plain"]), "text")
    return ""


def markdown(notebook: Any) -> tuple[str, list[tuple[str, bytes]]]:  # noqa: ANN401
    """The page of an executed notebook, and its images as (site path, PNG bytes)."""
    images: list[tuple[str, bytes]] = []
    parts: list[str] = []
    for i, cell in enumerate(notebook.cells):
        source = _text(cell.source)
        if cell.cell_type == "markdown":
            parts.append(source)
            if i == 0:
                parts.append(_DOWNLOAD)
            continue
        if cell.cell_type != "code":
            continue
        parts.append(_fence(source, "python"))
        parts += [text for output in cell.get("outputs", []) if (text := _output(output, images))]
    return "\n\n".join(parts) + "\n", images


def execute(path: Path) -> Any:  # noqa: ANN401
    """Run the notebook at ``path`` in its folder; a cell that raises raises here."""
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        # the kernel's own start-up notices are not the build's business
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Run the notebook and add its page and images to the site."""
    page, images = markdown(execute(Path(config.docs_dir) / NOTEBOOK))
    files.append(File.generated(config, PAGE, content=page))
    for name, png in images:
        files.append(File.generated(config, name, content=png))
    return files
