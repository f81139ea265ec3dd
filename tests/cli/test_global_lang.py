"""--lang before the command is the command's --lang."""

from __future__ import annotations

import pytest

from salesfunnel.cli import main


@pytest.mark.parametrize("lang", [["--lang", "zh"], ["--lang=zh"]])
def test_lang_before_the_command(tmp_path, capsys, lang):
    assert main(["sample", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main([*lang, "validate", str(tmp_path / "deals.csv")]) == 0
    assert capsys.readouterr().out.strip() == "600 个商机，没有问题"


def test_lang_alone_is_a_usage_error(capsys):
    assert main(["--lang", "zh"]) == 2
    assert "zh" in capsys.readouterr().err
