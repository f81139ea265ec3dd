"""Every error salesfunnel raises, in one tree.

Each concrete error subclasses :class:`FunnelError` *and* the builtin a caller
would naturally catch, so ``except ValueError`` keeps working in code that does
not know this library, and ``except FunnelError`` catches everything it raises.
Each error carries the context it is about as attributes, and its message says
what to do instead.

.. code-block:: text

    FunnelError(Exception)
    ├── InvalidAmountError(FunnelError, ValueError)       bad money amount
    ├── AmountTypeError(FunnelError, TypeError)           a float or other non-decimal where money goes
    ├── CurrencyError(FunnelError, ValueError)            malformed ISO 4217 code, or mixed currencies
    ├── InvalidProbabilityError(FunnelError, ValueError)  a probability outside [0, 1]
    ├── InvalidDateError(FunnelError, TypeError)          a datetime where a date is expected
    ├── InvalidOpportunityError(FunnelError, ValueError)  an opportunity that contradicts itself
    ├── InvalidRuleError(FunnelError, ValueError)         a qualification rule built wrongly
    ├── InvalidFactError(FunnelError, TypeError)          a fact of the wrong type for its criterion
    ├── UnknownLanguageError(FunnelError, ValueError)     a label language other than "en" / "zh"
    ├── FunnelDefinitionError(FunnelError, ValueError)    a funnel graph that breaks a rule
    ├── UnknownStageError(FunnelError, KeyError)          a stage key the funnel does not have
    ├── OptionError(FunnelError, ValueError)              an option value a function does not accept
    ├── InvalidResultError(FunnelError, ValueError)       a result whose figures break its invariants
    └── TransitionError(FunnelError, ValueError)          a stage move the machine refuses
        ├── GateNotPassedError                            the target stage's gate did not pass
        └── ChronologyError                               a move dated before the last one

Errors that belong to one area are defined beside the code that raises them
and exported from the package like the ones above:

.. code-block:: text

    FunnelError
    ├── InvalidParameterError(ValueError)        distribution: trials, seed, resolution …
    ├── InvalidCalendarError(ValueError)         periods: fiscal start month outside 1-12
    ├── UnknownPeriodError(LookupError)          periods: a period the calendar does not have
    ├── CreatedAfterCutoffError(ValueError)      periods: a deal created after the cutoff
    ├── InvalidCategoryError(ValueError)         categories: an unknown or impossible category
    ├── PolicyStageError(UnknownStageError)      categories: a policy rule for a stage its funnel lacks
    ├── UnknownPipelineError(LookupError)        forecast: a deal naming a pipeline not in funnels=
    ├── InvalidRateError(ValueError)             fx: a non-positive or malformed exchange rate
    ├── MissingRateError(LookupError)            fx: no rate for a currency on a date
    ├── InvalidDateRangeError(ValueError)        changes: an end date before the start
    ├── InvalidCustomerValueError(ValueError)    abc: a negative, NaN or infinite figure
    ├── CustomerValueTypeError(TypeError)        abc: a figure of the wrong type
    ├── InvalidThresholdsError(ValueError)       abc: thresholds out of order or outside (0, 1)
    ├── InvalidScaleError(ValueError)            customers: a worksheet scale that cannot work
    ├── InvalidWeightsError(ValueError)          customers: weights that do not sum to 1
    ├── MissingScoreValueError(LookupError)      customers: empty worksheet cells, all listed
    ├── InvalidBuyingMapError(ValueError)        buying: a buying-step map that does not fit
    ├── InvalidKeyAccountError(ValueError)       key_accounts: a key account that contradicts itself
    ├── InvalidSignalError(ValueError)           kam_signals: a signal value of the wrong kind
    ├── UnknownSignalError(KeyError)             kam_signals: a signal name nobody defined
    ├── UnknownActivityError(KeyError)           kam_playbook: an activity not in the playbook
    ├── RateOutOfRangeError(ValueError)          loyalty: retention or discount outside [0, 1)
    ├── InvalidLoyaltyModelError(ValueError)     loyalty: a profit model that contradicts itself
    ├── UnknownFormatError(ValueError)           render: an output format not offered
    ├── UnsupportedFileError(ValueError)         io: a file that is neither .csv nor .json
    ├── HistoryWouldBeLostError(ValueError)      io: writing histories without an events file
    ├── UnknownRuleError(LookupError)            io: a rule reference nobody registered
    ├── InvalidMappingError(ValueError)          io: an import mapping built wrongly
    │   └── UnknownFieldError                    io: a column mapped to a field that does not exist
    ├── UnmappedStageError(LookupError)          io: export stage names with no mapping, all listed
    ├── UnknownPresetError(LookupError)          io: a CRM preset name that does not exist
    ├── DataFileError(ValueError)                io: a bad file; ``.problems`` lists every one
    │   ├── FileEncodingError                    io: a file that is not UTF-8
    │   └── SchemaVersionError                   io: a JSON document of a newer schema
    ├── UnwritableValueError(TypeError)          io: a value no JSON document can hold
    │   └── UnencodableTextError(ValueError)     io: text the file's encoding cannot hold
    ├── EngineNotInstalledError(ImportError)     io: the DataFrame engine named by engine= is not installed
    ├── PlotDependencyError(ImportError)         plot: matplotlib is not installed
    ├── FrameTypeError(TypeError)                frames: not a DataFrame of a known engine
    ├── MissingColumnError(KeyError)             frames: a column the function needs
    ├── ColumnTypeError(TypeError)               frames: a column of the wrong type (floats with allow_float=False)
    └── FrameValueError(ValueError)              frames: a value the function cannot use, its row named

The ``frames`` errors live in :mod:`salesfunnel.frames` (they need its optional
dependencies); the others are exported from the package.

Why these builtins: a wrong *value* (an amount, a probability, a definition) is
a :class:`ValueError`; a value of the wrong *type* (a float for money, a
datetime for a date) is a :class:`TypeError`; a missing *key* in a mapping-like
funnel is a :class:`KeyError`, exactly as ``dict[...]`` would raise; a
missing optional dependency is an :class:`ImportError`; and
something asked for that is not there (a rate, a period, a rule) is a
:class:`LookupError`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from typing_extensions import Self

    from salesfunnel.qualification import Verdict

__all__ = [
    "AmountTypeError",
    "ChronologyError",
    "CurrencyError",
    "FunnelDefinitionError",
    "FunnelError",
    "GateNotPassedError",
    "InvalidAmountError",
    "InvalidDateError",
    "InvalidFactError",
    "InvalidOpportunityError",
    "InvalidProbabilityError",
    "InvalidResultError",
    "InvalidRuleError",
    "TransitionError",
    "UnknownLanguageError",
    "UnknownStageError",
]


#: What to do about a result whose figures contradict each other.
RECOMPUTE = "correct it, or compute the result again with salesfunnel"


def dotted(path: tuple[str | int, ...]) -> str:
    """Write a field path the way the JSON documents do: ``rows[0].group``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}" if out else step
    return out


class FunnelError(Exception):
    """Root of every error salesfunnel raises.

    Catch this to handle anything the library rejects; catch a subclass (or the
    builtin it also derives from) to handle one kind of problem.

    An error raised by a value class's own check names the field at fault
    (:meth:`at`), so that a reader of documents reports it at its place.

    Attributes:
        where: The field at fault, then the keys and positions below it
            (``("rows", 0, "group")``); empty when the error is not about one field.
        why: What is wrong with that field, as a phrase (``"is negative"``).
        fix: What to do instead.
    """

    where: tuple[str | int, ...] = ()
    why: str = ""
    fix: str = ""

    def at(self, *path: str | int, why: str, fix: str = "") -> Self:
        """Name the field this error is about; return the error itself."""
        self.where = path
        self.why = why
        self.fix = fix
        return self


class InvalidAmountError(FunnelError, ValueError):
    """An amount of money that is NaN, infinite, negative or otherwise unusable.

    Attributes:
        field: The name of the field the amount was given for.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class AmountTypeError(FunnelError, TypeError):
    """A money amount given as a type that cannot be exact, such as ``float``.

    Subclasses :class:`TypeError` because the *kind* of value is wrong, not its
    size: ``0.1`` has no exact binary representation, so the library asks for
    :class:`~decimal.Decimal` or a string instead of guessing.

    Attributes:
        field: The name of the field the amount was given for.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class CurrencyError(FunnelError, ValueError):
    """A malformed ISO 4217 currency code, or currencies mixed where one is needed.

    Attributes:
        code: The offending code (or codes, comma-separated).
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class InvalidProbabilityError(FunnelError, ValueError):
    """A probability outside the closed interval [0, 1], or not a number.

    Attributes:
        field: Where the probability was given.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class InvalidDateError(FunnelError, TypeError):
    """A value that is not a plain :class:`datetime.date` where one is expected.

    Subclasses :class:`TypeError`: a :class:`~datetime.datetime` *is* a
    ``date`` to Python, but silently dropping its time (and time zone) would
    move a deal across a day or quarter boundary, so it is refused by type.

    Attributes:
        field: The parameter or field that needed a date.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class InvalidOpportunityError(FunnelError, ValueError):
    """An opportunity whose fields contradict each other.

    Examples: an expected close before creation, line items that do not add up
    to the amount, or a history that does not chain.

    Attributes:
        opportunity_id: The id of the opportunity (``None`` if it had none yet).
        field: The field at fault.
    """

    def __init__(self, message: str, *, opportunity_id: str | None, field: str) -> None:
        super().__init__(message)
        self.opportunity_id = opportunity_id
        self.field = field


class InvalidRuleError(FunnelError, ValueError):
    """A qualification rule that cannot be evaluated as built.

    Attributes:
        rule: A short description of the rule at fault.
    """

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class InvalidFactError(FunnelError, TypeError):
    """A qualification fact whose type does not fit the criterion that reads it.

    A yes/no criterion needs ``True`` or ``False`` (or no fact at all, which
    counts as *missing*); a threshold criterion needs a number. Strings such as
    ``"yes"`` are refused rather than guessed at: convert them at the edge.

    Attributes:
        fact: The fact key.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, fact: str, value: object) -> None:
        super().__init__(message)
        self.fact = fact
        self.value = value


class UnknownLanguageError(FunnelError, ValueError):
    """A label language other than the supported ``"en"`` and ``"zh"``.

    Attributes:
        lang: The language that was asked for.
    """

    def __init__(self, lang: object) -> None:
        super().__init__(f"unknown language {lang!r}; use 'en' or 'zh'")
        self.lang = lang


class FunnelDefinitionError(FunnelError, ValueError):
    """A funnel whose stage graph breaks one of the rules checked when it is built.

    Attributes:
        rule: The short name of the broken rule, one of ``"unique-keys"``,
            ``"one-entry"``, ``"terminal"``, ``"reachable"``, ``"no-dead-end"``,
            ``"probability-range"``, ``"probability-order"``, ``"edges"``,
            ``"won-stage"``.
        stages: The stage keys involved.
    """

    def __init__(self, message: str, *, rule: str, stages: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.rule = rule
        self.stages = tuple(stages)


class UnknownStageError(FunnelError, KeyError):
    """A stage key that the funnel does not define.

    Subclasses :class:`KeyError` because a funnel is indexed by key like a
    mapping. ``str()`` gives the full message (``KeyError`` would otherwise
    show only the quoted key).

    Attributes:
        key: The unknown key.
        known: The keys the funnel does define, in order.
    """

    def __init__(self, key: object, known: Iterable[str]) -> None:
        self.key = key
        self.known = tuple(known)
        super().__init__(key)

    def __str__(self) -> str:
        """Name the key and list the ones that exist."""
        return f"unknown stage {self.key!r}; this funnel has: {', '.join(self.known)}"


class OptionError(FunnelError, ValueError):
    """An option with a value it does not accept: a grouping, a view, a measure, a chart setting.

    One class for every function's options (``forecast(by=...)``,
    ``Forecast.table(view=...)``, a chart's ``measure``); ``ForecastOptionError``
    and ``ChartOptionError`` are its names in those areas.

    Subclasses :class:`ValueError`: the option exists, its value does not.

    Attributes:
        option: The option's name.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, option: str, value: object) -> None:
        super().__init__(message)
        self.option = option
        self.value = value


class InvalidResultError(FunnelError, ValueError):
    """A result whose fields break one of its invariants.

    Figures that do not add up, a share outside [0, 1], a count below zero, a
    value that does not follow from the others. Raised by the result classes
    themselves, whoever builds them (the library, a document reader, a user),
    so each rule lives in its class only. The message names the field and the
    fix; :attr:`where`, :attr:`why` and :attr:`fix` give them apart.

    Attributes:
        result: The name of the result's class.
    """

    def __init__(
        self, result: str, path: str | tuple[str | int, ...], why: str, fix: str = RECOMPUTE
    ) -> None:
        steps = (path,) if isinstance(path, str) else path
        super().__init__(f"{result}.{dotted(steps)} {why}; {fix}")
        self.result = result
        self.at(*steps, why=why, fix=fix)


class TransitionError(FunnelError, ValueError):
    """A stage move that the stage machine refuses.

    Attributes:
        opportunity_id: The id of the record that was to move: an opportunity,
            or any other record moved by the stage machine (a key account).
        subject_id: The same id under a neutral name.
        from_stage: Its stage before the move.
        to_stage: The stage it was to move to.
        verdict: The gate's :class:`~salesfunnel.Verdict` when the move was
            refused by a qualification gate, else ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        opportunity_id: str,
        from_stage: str,
        to_stage: str,
        verdict: Verdict | None = None,
    ) -> None:
        super().__init__(message)
        self.opportunity_id = opportunity_id
        self.subject_id = opportunity_id
        self.from_stage = from_stage
        self.to_stage = to_stage
        self.verdict = verdict


class GateNotPassedError(TransitionError):
    """The qualification gate of the target (or a skipped) stage did not pass.

    ``verdict`` is always set: its ``failed`` and ``missing`` list what to fix.
    """

    verdict: Verdict

    def __init__(
        self,
        message: str,
        *,
        opportunity_id: str,
        from_stage: str,
        to_stage: str,
        verdict: Verdict,
    ) -> None:
        super().__init__(
            message,
            opportunity_id=opportunity_id,
            from_stage=from_stage,
            to_stage=to_stage,
            verdict=verdict,
        )


class ChronologyError(TransitionError):
    """A move dated before the last recorded change or before creation.

    Attributes:
        on: The date that was given.
        last: The date of the last recorded change.
    """

    def __init__(
        self,
        message: str,
        *,
        opportunity_id: str,
        from_stage: str,
        to_stage: str,
        on: date,
        last: date,
    ) -> None:
        super().__init__(
            message,
            opportunity_id=opportunity_id,
            from_stage=from_stage,
            to_stage=to_stage,
        )
        self.on = on
        self.last = last
