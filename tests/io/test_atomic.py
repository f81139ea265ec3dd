"""Tests for salesfunnel.io._atomic: a file is replaced whole, or left as it was."""

from __future__ import annotations

import io
import os
import stat
import sys

import pytest

from salesfunnel.datasets import sample_pipeline
from salesfunnel.io import UnwritableValueError, read_json, write_json
from salesfunnel.io._atomic import UnencodableTextError, atomic_write


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


class TestAtomicWrite:
    def test_writes_and_replaces(self, tmp_path):
        """The text lands in the file; a second write replaces it whole."""
        path = tmp_path / "out.txt"
        atomic_write(path, lambda h: h.write("one\n"), encoding="utf-8")
        atomic_write(str(path), lambda h: h.write("two\n"), encoding="utf-8")
        assert path.read_text(encoding="utf-8") == "two\n"
        assert _names(tmp_path) == ["out.txt"]

    def test_newline_is_passed_on(self, tmp_path):
        """newline="" writes \\r\\n as it is (the csv module's line ends)."""
        path = tmp_path / "out.csv"
        atomic_write(path, lambda h: h.write("a\r\n"), encoding="utf-8", newline="")
        assert path.read_bytes() == b"a\r\n"

    def test_any_failure_keeps_the_old_file_and_no_temporary(self, tmp_path):
        """An exception of the writer (even halfway) leaves the previous bytes and no stray file."""
        path = tmp_path / "out.txt"
        path.write_bytes(b"good")

        def half(handle):
            handle.write("partial")
            raise RuntimeError("disk on fire")

        with pytest.raises(RuntimeError, match="disk on fire"):
            atomic_write(path, half, encoding="utf-8")
        assert path.read_bytes() == b"good"
        assert _names(tmp_path) == ["out.txt"]

    def test_an_encoding_error_is_typed(self, tmp_path):
        """Text the encoding cannot hold is an UnencodableTextError with its context."""
        path = tmp_path / "out.txt"
        with pytest.raises(
            UnencodableTextError, match=r"near 'café'.*text, which no ascii"
        ) as info:
            atomic_write(path, lambda h: h.write("café"), encoding="ascii")
        assert info.value.file == str(path) and info.value.text == "é"
        assert isinstance(info.value, UnwritableValueError) and isinstance(info.value, ValueError)
        assert _names(tmp_path) == []

    def test_keeps_the_mode_of_the_file_it_replaces(self, tmp_path):
        """A replaced file keeps its permissions; a new one gets the umask's, not 0600."""
        old = tmp_path / "old.txt"
        old.write_text("x", encoding="utf-8")
        old.chmod(0o640)
        atomic_write(old, lambda h: h.write("y"), encoding="utf-8")
        assert stat.S_IMODE(old.stat().st_mode) == 0o640
        new = tmp_path / "new.txt"
        atomic_write(new, lambda h: h.write("y"), encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask

    @pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
    def test_a_symbolic_link_is_followed(self, tmp_path):
        """Writing to a link replaces the file it points to; the link stays a link."""
        real = tmp_path / "real.txt"
        real.write_text("old", encoding="utf-8")
        link = tmp_path / "link.txt"
        link.symlink_to(real)
        atomic_write(link, lambda h: h.write("new"), encoding="utf-8")
        assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"

    def test_errors_name_the_target(self, tmp_path):
        """A missing folder, or a folder as the target, names the file asked for."""
        missing = tmp_path / "nope" / "out.txt"
        with pytest.raises(FileNotFoundError) as info:
            atomic_write(missing, lambda h: h.write("x"), encoding="utf-8")
        assert info.value.filename == str(missing)
        with pytest.raises(IsADirectoryError, match="is a folder") as info2:
            atomic_write(tmp_path, lambda h: h.write("x"), encoding="utf-8")
        assert info2.value.filename == str(tmp_path)


class TestWriteJson:
    def test_a_failed_write_leaves_the_old_file(self, tmp_path):
        """A lone surrogate (as loads reads "\\ud800"): typed error, old bytes, no temporary file."""
        path = tmp_path / "deals.json"
        deals = sample_pipeline()[:10]
        write_json(deals, path)
        before = path.read_bytes()
        assert len(before) > 10_000
        bad = [*deals[:5], deals[5].evolve(name="x\ud800y"), *deals[6:]]
        with pytest.raises(UnencodableTextError, match="lone surrogate") as info:
            write_json(bad, path)
        assert info.value.text == "\ud800" and "deals.json" in str(info.value)
        assert path.read_bytes() == before
        assert _names(tmp_path) == ["deals.json"]
        assert read_json(path) == tuple(deals)

    def test_a_stream_is_written_as_it_is(self):
        """An open file is written to directly."""
        out = io.StringIO()
        write_json(sample_pipeline()[:2], out)
        assert out.getvalue().startswith("{")
