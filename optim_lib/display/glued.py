"""Numbers for the prose: rounded where they are made, typeset as a reader expects.

A chapter never glues a raw float. A float's last bits change from one CPU or BLAS kernel to
the next, and the notebooks store what they glue, so a full-precision value would hold only on
the machine that executed the chapter. :func:`glue_number` rounds the value to the digits the
sentence needs and glues the *text* it will show::

    glue_number("momentum-w1", w1, ".3g")       # 0.545
    glue_number("adam-final", loss, ".2g")      # 1.1 × 10⁻¹⁶
    glue_number("share", frac, ".0%")           # 55%
    glue_number("steps", 137)                   # 137

and the markdown pastes it with ``{glue:text}`momentum-w1``` (no format spec: the format lives
in the code, next to the number).

The text uses a real minus sign (−, U+2212), writes powers of ten as ×10ⁿ with superscript
digits, and joins the parts of a number with narrow no-break spaces, so a number never breaks
across two lines.
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real

import numpy as np

MINUS = "\u2212"
NNBSP = "\u202f"  # narrow no-break space
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FORMAT = re.compile(r"^\.(\d+)([gef%])$")
_EXPONENT = re.compile(r"^(?P<mantissa>[^e]+)e(?P<exponent>[+-]\d+)$")


class Number:
    """A number as the prose shows it. ``text`` is what the page prints; ``value`` is the float
    that ``text`` stands for (the rounded value, not the one the cell computed)."""

    def __init__(self, text: str, value: float):
        self.text = text
        self.value = value

    def __repr__(self) -> str:
        # The text, quoted, as a string's repr is: printing a Number in a cell shows "'1.50'",
        # which says it is the text the page shows (glue_number glues a _Pasted, not this).
        return repr(self.text)

    def __str__(self) -> str:
        return self.text

    def _ipython_display_(self) -> None:
        # A cell that ends in glue_number(...) shows nothing: the number belongs in the prose,
        # not under the cell (print(number) shows it when wanted).
        pass


class _Pasted:
    """What :func:`glue_number` hands to myst-nb's ``glue``: its text/plain is the quoted text.

    (A :class:`Number` cannot be glued itself: IPython's formatter calls its empty
    ``_ipython_display_`` and would record nothing.)
    """

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)


def format_number(value: object, fmt: str = ".3g") -> str:
    """The text a page shows for ``value``.

    ``fmt`` is ``".Ng"`` (N significant digits), ``".Nf"`` (N decimals), ``".Ne"`` (scientific,
    N decimals in the mantissa) or ``".N%"`` (a percentage with N decimals). Integers are written
    in full whatever ``fmt`` is. Exponents become ×10ⁿ, minus signs become −.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.integer, np.floating)):
        raise ValueError(f"value must be a real number, got {value!r}")
    if not isinstance(fmt, str) or not _FORMAT.match(fmt):
        raise ValueError(f"fmt must be one of '.Ng', '.Nf', '.Ne', '.N%' (N a digit count), got {fmt!r}")
    if isinstance(value, (Integral, np.integer)):
        return str(int(value)).replace("-", MINUS)
    x = float(value)
    if math.isnan(x):
        raise ValueError("value must not be NaN: a glued NaN is a bug in the cell that made it")
    if math.isinf(x):
        return ("" if x > 0 else MINUS) + "∞"
    text = format(x, fmt)
    if fmt.endswith("%"):
        text = text[:-1] + "%"
    match = _EXPONENT.match(text)
    if match:
        mantissa, exponent = match.group("mantissa"), int(match.group("exponent"))
        power = "10" + str(exponent).translate(_SUPERSCRIPT)
        if mantissa.lstrip("-") == "1" and fmt.endswith("g"):
            text = mantissa[:-1] + power  # 1e-06 reads 10⁻⁶
        else:
            text = f"{mantissa}{NNBSP}×{NNBSP}{power}"
    text = text.replace("-", MINUS)
    # format() can round a small negative number to zero: "−0.00" reads as a sign error
    if re.fullmatch(MINUS + r"0(\.0*)?%?", text):
        text = text[1:]
    return text


def _rounded(value: object, fmt: str) -> float:
    """The float that the text of ``format_number(value, fmt)`` stands for."""
    if isinstance(value, (Integral, np.integer)):
        return float(int(value))
    x = float(value)
    if math.isinf(x):
        return x
    if fmt.endswith("%"):
        return float(format(100 * x, fmt[:-1] + "f")) / 100
    return float(format(x, fmt))


def number(value: object, fmt: str = ".3g") -> Number:
    """``value`` rounded and typeset by :func:`format_number`, as a :class:`Number`."""
    text = format_number(value, fmt)
    return Number(text, _rounded(value, fmt))


def glue_number(name: str, value: object, fmt: str = ".3g", *, prefix: str = "", unit: str = "") -> Number:
    """Glue ``value``, rounded to ``fmt``, under ``name`` for ``{glue:text}`name``` in the prose.

    ``prefix`` and ``unit`` are pasted with the number as one unbreakable piece of text, so that
    ``prefix="η = "`` pastes "η = 0.9" and no line break falls inside it (their spaces become
    no-break spaces). Returns the :class:`Number` glued (without them), so a cell can also print
    or assert on what the page says.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    if not isinstance(prefix, str) or not isinstance(unit, str):
        raise ValueError(f"prefix and unit must be strings, got {prefix!r} and {unit!r}")
    from myst_nb import glue

    glued = number(value, fmt)
    nbsp = "\u00a0"
    text = prefix.replace(" ", nbsp) + glued.text + unit.replace(" ", nbsp)
    glue(name, _Pasted(text), display=False)
    return glued
