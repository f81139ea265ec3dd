"""DataFrames: opportunities to and from pandas and polars, and frame-native forecasts.

An optional part of salesfunnel: it needs narwhals, and pandas (with pyarrow),
polars or Dask for the frames themselves (``pip install 'salesfunnel[pandas]'``,
``[polars]`` or ``[dask]``). Importing :mod:`salesfunnel` never imports them;
this package imports narwhals only when one of its functions is first used.

* :func:`to_pandas`, :func:`from_pandas`, :func:`to_polars`,
  :func:`from_polars`: one row per opportunity with the columns of the CSV
  format, money exact, dates as dates; reading checks every cell like the
  CSV reader, takes what analysts have (float amounts read through their
  shortest repr, date-times, Arrow dates and decimals, percentages) and maps
  an export's own headers and stage names (``columns=``, ``stages=``,
  ``defaults=``, ``tz=``, ``probability_scale=``).
* :func:`read_frame`: a CSV file read straight into a polars or pandas
  frame, every cell checked as :func:`~salesfunnel.io.read_csv` checks it,
  without building a record for each good row.
* :func:`forecast_frame`, :func:`weighted_value_frame`, :func:`abc_frame`:
  the forecast, the weighted pipeline and ABC analysis computed by the frame
  engine (pandas, polars, Dask, ...), equal to the core's results.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesfunnel.frames._common import (
        ColumnTypeError,
        FrameTypeError,
        FrameValueError,
        MissingColumnError,
    )
    from salesfunnel.frames.abc import abc_frame
    from salesfunnel.frames.convert import from_pandas, from_polars, to_pandas, to_polars
    from salesfunnel.frames.forecast import forecast_frame
    from salesfunnel.frames.pipeline import weighted_value_frame
    from salesfunnel.frames.read import FrameReadResult, read_frame

__all__ = [
    "ColumnTypeError",
    "FrameReadResult",
    "FrameTypeError",
    "FrameValueError",
    "MissingColumnError",
    "abc_frame",
    "forecast_frame",
    "from_pandas",
    "from_polars",
    "read_frame",
    "to_pandas",
    "to_polars",
    "weighted_value_frame",
]

_HOME = {
    "ColumnTypeError": "_common",
    "FrameReadResult": "read",
    "FrameTypeError": "_common",
    "FrameValueError": "_common",
    "MissingColumnError": "_common",
    "abc_frame": "abc",
    "forecast_frame": "forecast",
    "from_pandas": "convert",
    "from_polars": "convert",
    "read_frame": "read",
    "to_pandas": "convert",
    "to_polars": "convert",
    "weighted_value_frame": "pipeline",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the attribute's own type
    """Import a public name's module on first use (it needs narwhals)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'salesfunnel.frames' has no attribute {name!r}")
    try:
        module = importlib.import_module(f"salesfunnel.frames.{home}")
    except ImportError as err:
        if err.name != "narwhals" and not (err.name or "").startswith("narwhals."):
            raise
        raise ImportError(
            "salesfunnel.frames needs narwhals; install it with "
            "pip install 'salesfunnel[pandas]' (or [polars], [dask])"
        ) from err
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names."""
    return sorted(__all__)
