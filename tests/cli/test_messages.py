"""Every message of the command line exists in English and Chinese, and every one used is known."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from salesfunnel.cli import messages
from salesfunnel.cli.common import DataProblemError, UsageError
from salesfunnel.cli.messages import MESSAGES, Message, close_match, say, translate_argparse

CLI = Path(messages.__file__).parent
_CJK = re.compile("[\u4e00-\u9fff]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _used_keys() -> set[str]:
    """Every message key the CLI's sources pass to UsageError, DataProblemError or Message."""
    found = set()
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"UsageError", "DataProblemError", "Message"}
                and node.args
            ):
                first = node.args[0]
                options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                found |= {o.value for o in options if isinstance(o, ast.Constant)}
    return found


class TestCatalogue:
    @pytest.mark.parametrize("key", sorted(MESSAGES))
    def test_both_languages(self, key):
        """Each message has an English and a Chinese text with the same fields."""
        text = MESSAGES[key]
        assert text.en.strip()
        assert text.zh.strip()
        assert _fields(text.en) == _fields(text.zh)
        # Chinese words, or at least Chinese punctuation around the fields
        assert _CJK.search(text.zh) or (key == "argparse") or ("：" in text.zh), key

    def test_every_error_used_is_in_the_catalogue(self):
        """The sources name only catalogued messages, and the catalogue holds no unused one."""
        used = _used_keys()
        assert used <= set(MESSAGES)
        translated = {
            "required",
            "unrecognized",
            "invalid_choice",
            "invalid_choice_match",
            "expected_one",
            "invalid_value",
            "argument",
            "ambiguous",
            "argparse",
        }
        unused = set(MESSAGES) - used - translated
        assert not unused

    @pytest.mark.parametrize("key", sorted(MESSAGES))
    def test_every_error_says_something_in_both_languages(self, key):
        """Every message, filled in, reads in both languages (and as a UsageError)."""
        fields = dict.fromkeys(_fields(MESSAGES[key].en), "X")
        english, chinese = say(key, "en", **fields), say(key, "zh", **fields)
        assert english and chinese
        err = UsageError(key, **fields)
        assert err.message.text("en") == english
        assert err.message.text("zh") == chinese
        assert str(err) == english

    def test_an_unknown_key(self):
        """A key outside the catalogue is a bug, found at once."""
        with pytest.raises(KeyError, match="no CLI message"):
            Message("nope")

    def test_data_problems_are_usage_errors_with_exit_1(self):
        """A DataProblemError is caught like a usage error (and exits 1, see guard)."""
        assert issubclass(DataProblemError, UsageError)


class TestArgparse:
    @pytest.mark.parametrize(
        ("message", "key"),
        [
            ("the following arguments are required: FILE", "required"),
            ("unrecognized arguments: --x", "unrecognized"),
            (
                "argument --format: invalid choice: 'jsn' (choose from 'text', 'json')",
                "invalid_choice_match",
            ),
            (
                "argument --format: invalid choice: 'q' (choose from 'text', 'json')",
                "invalid_choice",
            ),
            ("argument --cutoff: expected one argument", "expected_one"),
            ("argument --top: invalid int value: 'x'", "invalid_value"),
            ("ambiguous option: --c could match --currency, --cutoff", "ambiguous"),
            ("argument --cutoff: 'x' is not a date", "argument"),
            ("something else", "argparse"),
        ],
    )
    def test_translated(self, message, key):
        """argparse's own messages become catalogue messages (both languages)."""
        found = translate_argparse(message)
        assert found.key == key
        assert found.text("en")
        assert found.text("zh")

    def test_close_match(self):
        """The closest choice, or None when none is close."""
        assert close_match("--curency", ["--currency", "--cutoff"]) == "--currency"
        assert close_match("zzz", ["--currency"]) is None
