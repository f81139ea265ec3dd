"""What every chart shares: errors, fonts and languages, figures, number formats, colours.

Private module: the public names are re-exported by :mod:`salesfunnel.plot`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from salesfunnel.errors import FunnelError, OptionError
from salesfunnel.i18n import Lang, Text, check_lang

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DPI",
    "ChartOptionError",
    "MissingCjkFontWarning",
    "PlotDependencyError",
    "find_cjk_font",
]

#: Pixels per inch of the figures the chart functions make: a figure of
#: 10 × 6 inches saves as a 1000 × 600 PNG.
DPI = 100


class PlotDependencyError(FunnelError, ImportError):
    """matplotlib, which charts need, is not installed.

    Subclasses :class:`ImportError`: it is the failed import of an optional
    dependency, and callers that probe for optional features catch that.
    """


#: The :class:`~salesfunnel.errors.OptionError` of chart options (one class for every option).
ChartOptionError = OptionError


class MissingCjkFontWarning(UserWarning):
    """Chinese labels were asked for, but no font with Chinese glyphs was found.

    The chart is drawn with English labels rather than empty boxes. Install a
    CJK font: on Debian and Ubuntu ``apt install fonts-noto-cjk``, on Fedora
    ``dnf install google-noto-sans-cjk-fonts``, on macOS and Windows one
    comes with the system. A font installed in the usual places is found by
    the next Python session (or after ``salesfunnel.plot.find_cjk_font.cache_clear()``);
    a font file elsewhere can be registered with
    ``matplotlib.font_manager.fontManager.addfont(path)``.
    """


def require_matplotlib() -> None:
    """Import matplotlib, or say how to install it.

    Raises:
        PlotDependencyError: If matplotlib is not installed.
    """
    try:
        import matplotlib as mpl  # noqa: F401, PLC0415
    except ImportError as err:
        raise PlotDependencyError(
            "salesfunnel.plot needs matplotlib 3.8 or later; install it with "
            "pip install 'salesfunnel[plot]'"
        ) from err


def check_option(name: str, value: object, allowed: tuple[str, ...]) -> None:
    """Raise :class:`ChartOptionError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ChartOptionError(
            f"{name}: {value!r}; use {' or '.join(repr(a) for a in allowed)}",
            option=name,
            value=value,
        )


# -- fonts and languages -----------------------------------------------------

#: Fonts with Chinese glyphs, most wanted first (tried before scanning every font).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)

#: Parts of the file names of well-known CJK fonts (lower case, without spaces, dashes or
#: underscores): a font installed after matplotlib built its font cache is found by its file.
CJK_FILES = (
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "notosanstc",
    "sourcehansans",
    "sourcehanserif",
    "wqymicrohei",
    "wqyzenhei",
    "msyh",
    "pingfang",
    "hiragino",
    "simhei",
    "simsun",
    "stheiti",
    "droidsansfallback",
    "uming",
    "ukai",
    "arialuni",
)

#: What to install when no CJK font is found, named in the warning.
FONT_PACKAGES = (
    "fonts-noto-cjk (Debian, Ubuntu: apt install fonts-noto-cjk)",
    "google-noto-sans-cjk-fonts (Fedora: dnf install google-noto-sans-cjk-fonts)",
)

#: Characters a font must have to count as Chinese-capable ("sales funnel forecast").
_PROBE = "销售漏斗预测"


def covers_chinese(path: str) -> bool:
    """Tell whether the font file at ``path`` draws a few common Chinese characters.

    Each must have its own glyph: a fallback font such as Last Resort maps a
    whole script to one placeholder glyph, which is not drawing Chinese.
    """
    from matplotlib.ft2font import FT2Font  # noqa: PLC0415

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    glyphs = {charmap.get(ord(ch), 0) for ch in _PROBE}
    return 0 not in glyphs and len(glyphs) == len(_PROBE)


def _known_cjk_file(path: str) -> bool:
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    squeezed = "".join(ch for ch in name if ch not in " -_")
    return any(part in squeezed for part in CJK_FILES)


def _register_installed() -> str | None:
    """Register a well-known CJK font installed after matplotlib's font cache was built.

    matplotlib lists the system's fonts once, in a cache file; a font
    installed later stays unknown to it until that file is deleted. The font
    files on the system are listed again (``findSystemFonts``); the first one
    with a well-known CJK name that is not registered and draws Chinese is
    added with ``fontManager.addfont`` for this session, and its name returned
    (of a font collection, the most wanted of its faces).
    """
    from matplotlib import font_manager  # noqa: PLC0415

    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        if path not in known and _known_cjk_file(path) and covers_chinese(path):
            manager.addfont(path)
            # a collection (.ttc) adds a face per region: take the most wanted one
            faces = [entry.name for entry in manager.ttflist if entry.fname == path]
            return next((name for name in CJK_FAMILIES if name in faces), faces[0])
    return None


@functools.cache
def find_cjk_font() -> str | None:
    """Return the name of a font with Chinese glyphs, or ``None``.

    Well-known fonts (Noto Sans CJK, Source Han Sans, WenQuanYi, Microsoft
    YaHei, PingFang, SimHei ...) that matplotlib knows are tried first; then
    the system's font files are looked through for a well-known CJK font
    installed after matplotlib built its font cache, which is registered
    with ``fontManager.addfont`` (no cache to delete by hand); last, every
    font matplotlib knows. A font counts when it has glyphs for a few common
    Chinese characters. The answer is cached for the session; call
    ``find_cjk_font.cache_clear()`` after installing or registering a font.

    Raises:
        PlotDependencyError: If matplotlib is not installed.
    """
    require_matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    paths: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        paths.setdefault(entry.name, entry.fname)
    for name in CJK_FAMILIES:
        if name in paths and covers_chinese(paths[name]):
            return name
    registered = _register_installed()
    if registered is not None:
        return registered
    return next((name for name in sorted(paths) if covers_chinese(paths[name])), None)


def chart_lang(lang: object) -> Lang:
    """Check ``lang``; fall back to English, with a warning, when Chinese cannot be drawn.

    Raises:
        UnknownLanguageError: For anything but ``"en"`` or ``"zh"``.
    """
    checked = check_lang(lang)
    if checked == "zh" and find_cjk_font() is None:
        warnings.warn(
            MissingCjkFontWarning(
                "no font with Chinese glyphs was found, so the chart uses English labels; "
                f"install a CJK font such as Noto Sans CJK: {'; or '.join(FONT_PACKAGES)}. "
                "It is found in the next Python session, or after "
                "salesfunnel.plot.find_cjk_font.cache_clear()"
            ),
            stacklevel=3,
        )
        return "en"
    return checked


def apply_fonts(fig: Figure, axes: Sequence[Axes], *, whole: bool) -> None:
    """Give every text of the chart the default family with a CJK font as fallback.

    With ``whole`` the figure's own texts (title, notes) too; otherwise only
    those of ``axes`` (the caller's figure may hold other charts). Tick labels
    made later, when the figure is drawn, get the families from
    ``tick_params``.
    """
    from matplotlib.text import Text as MplText  # noqa: PLC0415

    cjk = find_cjk_font()
    families = ["sans-serif", cjk] if cjk else ["sans-serif"]
    owners: list[Figure | Axes] = [fig] if whole else list(axes)
    for owner in owners:
        for text in owner.findobj(MplText):
            text.set_fontfamily(families)
    for ax in axes:
        ax.tick_params(labelfontfamily=families)


# -- figures and formats --------------------------------------------------------


def new_figure(size: tuple[float, float], panels: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure of ``size`` inches at :data:`DPI` with ``panels`` axes side by side."""
    require_matplotlib()
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    return fig, [fig.add_subplot(1, panels, i + 1) for i in range(panels)]


def figure_of(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure of ``size``.

    Raises:
        ChartOptionError: For an axes that belongs to no figure.
    """
    if ax is None:
        fig, (made,) = new_figure(size)
        return fig, made
    require_matplotlib()
    root = ax.get_figure(root=True)
    if root is None:
        raise ChartOptionError(
            "ax: the axes belongs to no figure; make it with fig.add_subplot()",
            option="ax",
            value=ax,
        )
    return root, ax


#: Shown in place of a chart with nothing to draw.
NO_DATA = Text("No data to show", "没有可显示的数据")
#: ``"{0} ({1})"`` with the parentheses of each language.
PAREN = Text("{0} ({1})", "{0}（{1}）")


def no_data(ax: Axes, lang: Lang) -> None:
    """Write "No data to show" across ``ax``, without ticks."""
    ax.text(0.5, 0.5, NO_DATA(lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def money(value: float | Decimal) -> str:
    """An amount with thousands separators and no decimals: ``1,234,568``."""
    return f"{value:,.0f}"


def thousands(ax: Axes, axis: Literal["x", "y"]) -> None:
    """Label ``axis`` with amounts with thousands separators, at about six round values."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: money(v)))
    target.set_major_locator(MaxNLocator(nbins=6))


def percent(ax: Axes, axis: Literal["x", "y"], decimals: int = 0) -> None:
    """Label ``axis`` (shares in [0, 1]) in per cent."""
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(PercentFormatter(xmax=1, decimals=decimals))


def tidy(ax: Axes, sides: tuple[str, ...] = ("top", "right")) -> None:
    """Hide the frame on ``sides``."""
    for side in sides:
        ax.spines[side].set_visible(False)


def ink(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    from matplotlib.colors import to_rgb  # noqa: PLC0415

    r, g, b = to_rgb(color)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"  # noqa: PLR2004


#: Sequential blues, light to dark (the funnel's stages, which are ordered and labelled).
BLUES = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")

# The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008): eight
# colours that people with the common colour-vision deficiencies (protanopia,
# deuteranopia) still tell apart. Categories that sit side by side in a chart
# (time buckets, forecast categories, marks on a distribution) take these.

#: Okabe-Ito bluish green: won, booked, closed; the expected total.
GREEN = "#009e73"
#: Okabe-Ito vermillion: overdue; the outer percentiles.
ORANGE = "#d55e00"
#: Okabe-Ito blue: within three months, commit, the median.
BLUE = "#0072b2"
#: Okabe-Ito sky blue.
SKY = "#56b4e9"
#: Okabe-Ito orange.
AMBER = "#e69f00"
#: Okabe-Ito yellow.
YELLOW = "#f0e442"
#: Okabe-Ito reddish purple.
PURPLE = "#cc79a7"
#: Okabe-Ito black: a target.
INK = "#000000"
#: Neutral marks: class C, the line of equal shares.
GREY = "#9e9e9e"
#: Lost deals and the omitted category, when a forecast chart shows them.
DARK_GREY = "#4d4d4d"
#: Light grey: the pipeline category, not yet forecast.
LIGHT_GREY = "#d4d4d4"
#: Notes and secondary labels.
MUTED = "#555555"


def legend_outside(ax: Axes, handles: Sequence[Artist] | None = None) -> None:
    """Put the legend of ``ax`` on its right, outside the axes, where it covers nothing drawn.

    The figure's constrained layout narrows the axes to make room for it.
    """
    options: dict[str, object] = {"handles": handles} if handles is not None else {}
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
        fontsize=8.5,
        frameon=False,
        **options,
    )
