"""The documentation build hooks: the charts guide's pictures, the notebook page, copyable examples.

The hooks live in docs/_ext and run when the site is built; these tests run
their parts without building the site.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

mpl = pytest.importorskip("matplotlib")
pytest.importorskip("mkdocs")  # the hooks are mkdocs plugins (the docs extra)
mpl.use("Agg")

DOCS = Path(__file__).resolve().parents[2] / "docs"


def hook(name: str) -> ModuleType:
    """Load the hook ``docs/_ext/<name>.py`` by its path, as MkDocs does."""
    spec = importlib.util.spec_from_file_location(f"docs_hook_{name}", DOCS / "_ext" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def charts() -> ModuleType:
    return hook("charts")


class TestCharts:
    def test_every_chart_draws_as_svg(self, charts):
        """Each chart of the guide draws from the sample and saves as an SVG without a date."""
        for name, draw in charts.CHARTS.items():
            data = charts.svg(draw())
            assert data.startswith(b"<?xml") and b"<svg" in data[:400], name
            assert b"<dc:date>" not in data, name

    def test_the_guide_shows_every_chart_and_only_those(self, charts):
        """The charts guide links to every chart drawn, and to nothing else under charts/."""
        guide = (DOCS / "howto-charts.md").read_text(encoding="utf-8")
        shown = set(re.findall(r"\]\(charts/([^)]+)\)", guide))
        assert shown == set(charts.CHARTS)
        assert charts.missing_charts(guide) == []

    def test_a_missing_chart_fails_the_page(self, charts):
        """A page that shows a chart nobody draws stops the build, naming it."""
        from mkdocs.exceptions import PluginError

        class Page:
            class file:  # noqa: N801 - the shape of mkdocs' Page.file
                src_uri = "guide.md"

        text = "![a](charts/funnel.svg) ![b](./charts/none.svg)"
        with pytest.raises(PluginError, match=r"guide.md shows none.svg"):
            charts.on_page_markdown(text, page=Page)
        assert charts.on_page_markdown("![a](charts/funnel.svg)", page=Page).startswith("![a]")


class TestCodeCopy:
    def test_doctest_sessions_become_console_sessions(self):
        """A python fence that starts with >>> is highlighted as pycon; other fences stay."""
        code_copy = hook("code_copy")
        page = "```python\n>>> 1 + 1\n2\n```\n\n  ```python\n  x = 1\n  ```\n~~~python\n>>> 2\n~~~"
        out = code_copy.on_page_markdown(page)
        assert out.splitlines()[0] == "```pycon"
        assert "  ```python\n  x = 1" in out and "~~~pycon\n>>> 2" in out

    def test_prompts_and_output_are_not_copied(self):
        """The stylesheet hides prompts and output while Material copies, and from selection."""
        css = hook("code_copy").CSS
        assert "code[data-md-copying] .gp" in css and "code[data-md-copying] .go" in css
        assert "user-select: none" in css


class TestNotebookPage:
    def test_cells_and_outputs(self):
        """Markdown cells stay, code is a python block, outputs follow as text, HTML or images."""
        import base64

        from nbformat.v4 import (
            new_code_cell,
            new_markdown_cell,
            new_notebook,
            new_output,
            new_raw_cell,
        )

        png = base64.b64encode(b"\x89PNG fake").decode()
        nb = new_notebook(
            cells=[
                new_markdown_cell("# Tour"),
                new_code_cell(
                    "print('hi')\n1",
                    outputs=[
                        new_output("stream", name="stdout", text="hi\n"),
                        new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
                    ],
                ),
                new_code_cell(
                    "table",
                    outputs=[
                        new_output(
                            "display_data",
                            data={"text/html": "<table>\n\n<tr><td>1</td></tr></table>"},
                        ),
                        new_output("display_data", data={"image/png": png}),
                        new_output("display_data", data={"text/markdown": "**bold**"}),
                        new_output("display_data", data={"application/json": {}}),
                    ],
                ),
                new_raw_cell("raw"),
            ]
        )
        page, images = hook("notebook_page").markdown(nb)
        assert page.startswith("# Tour\n\n!!! note")
        assert "```python\nprint('hi')\n1\n```" in page and "```text\nhi\n```" in page
        assert '<div class="notebook-output">\n<table>\n<tr><td>1</td></tr></table>\n</div>' in page
        assert "![Output 1](notebook/output-1.png)" in page and "**bold**" in page
        assert images == [("notebook/output-1.png", b"\x89PNG fake")]
        assert "raw" not in page.split("**bold**")[1]

    def test_a_cell_that_raises_fails_the_page(self):
        """An error output stops the build with the error's name."""
        from nbformat.v4 import new_code_cell, new_notebook, new_output

        nb = new_notebook(
            cells=[
                new_code_cell(
                    "1/0",
                    outputs=[
                        new_output(
                            "error",
                            ename="ZeroDivisionError",
                            evalue="division by zero",
                            traceback=[],
                        )
                    ],
                )
            ]
        )
        with pytest.raises(RuntimeError, match="ZeroDivisionError: division by zero"):
            hook("notebook_page").markdown(nb)

    def test_fences_inside_outputs_are_kept_whole(self):
        """Output that holds a code fence is fenced with a longer one."""
        assert hook("notebook_page")._fence("```x```", "text").startswith("````text")


def test_the_reference_page_lists_every_chart_name():
    """The charts' reference page, which orders its members by hand, shows every public name."""
    import salesfunnel.plot

    page = (DOCS / "reference" / "plot.md").read_text(encoding="utf-8")
    listed = re.findall(r"^        - (\w+)$", page, flags=re.MULTILINE)
    assert sorted(listed) == sorted(salesfunnel.plot.__all__)
    assert listed[0] == "funnel_chart" and listed[-1].endswith("Warning")
