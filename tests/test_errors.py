from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import salesfunnel
from salesfunnel import errors

#: Subpackages that need optional extras; their errors are checked where they are tested.
OPTIONAL = ("salesfunnel.frames",)


def _concrete_errors():
    found = {}
    for info in pkgutil.walk_packages(salesfunnel.__path__, "salesfunnel."):
        if info.name.startswith(OPTIONAL):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, errors.FunnelError) and obj is not errors.FunnelError:
                found[obj] = None
    return sorted(found, key=lambda c: c.__name__)


class TestErrorTree:
    @pytest.mark.parametrize("cls", _concrete_errors(), ids=lambda c: c.__name__)
    def test_every_error_also_subclasses_a_builtin(self, cls):
        """Each concrete error can be caught as a builtin exception type too."""
        builtins = (ValueError, TypeError, KeyError, LookupError, ImportError)
        assert issubclass(cls, builtins)

    @pytest.mark.parametrize("cls", _concrete_errors(), ids=lambda c: c.__name__)
    def test_every_error_is_drawn_in_the_module_docstring(self, cls):
        """The tree in the module docstring names every error class."""
        assert cls.__name__ in (errors.__doc__ or "")

    @pytest.mark.parametrize("cls", _concrete_errors(), ids=lambda c: c.__name__)
    def test_every_error_is_exported_from_the_package(self, cls):
        """Every error can be caught from its public home: salesfunnel.<area>.<Name>."""
        parts = cls.__module__.split(".")
        home = importlib.import_module(".".join(parts[:2]))
        assert getattr(home, cls.__name__) is cls

    def test_unknown_stage_error_message_lists_known_keys(self):
        """str() of an UnknownStageError names the key and the known ones."""
        err = errors.UnknownStageError("nope", ["a", "b"])
        assert str(err) == "unknown stage 'nope'; this funnel has: a, b"
        assert isinstance(err, KeyError)

    def test_unknown_language(self):
        """A language other than en/zh is refused by name."""
        with pytest.raises(errors.UnknownLanguageError, match="'fr'"):
            salesfunnel.Text("x")("fr")  # type: ignore[arg-type]


class TestPublicApi:
    def test_all_is_sorted_and_exactly_what_is_exported(self):
        """__all__ is sorted and every name in it exists."""
        names = salesfunnel.__all__
        assert list(names) == sorted(names, key=lambda n: (not n.isupper(), n))
        for name in names:
            assert hasattr(salesfunnel, name), name

    def test_no_public_name_is_left_out_of_all(self):
        """Every public, non-module attribute of the package is listed in __all__."""
        public = {
            n
            for n, v in vars(salesfunnel).items()
            if not n.startswith("_") and not inspect.ismodule(v) and n != "annotations"
        }
        assert public == set(salesfunnel.__all__)
