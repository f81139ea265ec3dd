"""The notebook tour (docs/notebook.ipynb) runs from top to bottom without an error."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOK = DOCS / "notebook.ipynb"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_notebook", DOCS / "_ext" / "make_notebook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestNotebook:
    def test_is_what_the_generator_writes(self):
        """The committed notebook is the generator's output, without stored outputs."""
        assert NOTEBOOK.read_text(encoding="utf-8") == _generator().render()
        nb = nbformat.read(NOTEBOOK, as_version=4)
        nbformat.validate(nb)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")

    def test_executes_without_errors(self, tmp_path):
        """Every cell runs (an error in any cell fails); tables and charts are displayed."""
        nb = nbformat.read(NOTEBOOK, as_version=4)
        client = nbclient.NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(tmp_path)}},
        )
        client.execute()
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        tables = [o for o in outputs if "text/html" in o.get("data", {})]
        assert len(images) == 6
        assert len(tables) >= 6
        stderr = "".join(
            o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"
        )
        assert "Warning" not in stderr
