"""Input checks shared by every public function of optim_lib.

Bad input raises ``ValueError`` naming the argument and the accepted range, for example
``beta1 must be in [0, 1), got 1.0``. Divergence of a run is *not* bad input: the runner
handles it (see :mod:`optim_lib.experiments.runner`).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Optional, Union

import numpy as np

Hyper = Union[float, np.ndarray]


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    def fmt(x: float) -> str:
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if float(x).is_integer() and abs(x) < 1e16:
            return str(int(x))
        return f"{x:g}"

    left = "(" if low_open or math.isinf(low) else "["
    right = ")" if high_open or math.isinf(high) else "]"
    return f"{left}{fmt(low)}, {fmt(high)}{right}"


def check_hyper(
    name: str,
    value: object,
    low: float = 0.0,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Hyper:
    """Validate a hyperparameter: a finite real number, or an array of them, in an interval.

    Returns a Python ``float`` for a scalar and a float64 ``ndarray`` for an array, so that a
    grid of hyperparameters broadcasts against the parameters.
    """
    interval = _interval(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")
    if isinstance(value, Real):
        try:
            arr = np.asarray(float(value))
        except OverflowError:  # an integer too large for a float
            arr = np.asarray(math.inf if value > 0 else -math.inf)
    else:
        try:
            arr = np.asarray(value)
        except Exception as exc:  # ragged lists and the like
            raise ValueError(f"{name} must be a real number or array in {interval}, got {value!r}") from exc
        if arr.dtype.kind not in "iuf":
            raise ValueError(
                f"{name} must be a real number or array in {interval}, got dtype {arr.dtype}"
            )
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite and in {interval}, got {_show(arr)}")
    lo_ok = arr > low if low_open else arr >= low
    hi_ok = arr < high if high_open else arr <= high
    if not (np.all(lo_ok) and np.all(hi_ok)):
        raise ValueError(f"{name} must be in {interval}, got {_show(arr)}")
    return float(arr) if arr.ndim == 0 else arr


def check_scalar(
    name: str,
    value: object,
    low: float = 0.0,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Validate a single finite real number in an interval (``check_hyper`` without arrays)."""
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        interval = _interval(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a single real number in {interval}, got {_kind(value)}")
    return check_hyper(name, value, low, high, low_open=low_open, high_open=high_open)


def check_bool(name: str, value: object) -> bool:
    """Validate a flag: ``True`` or ``False`` (numpy booleans too), never a truthy number or string."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_str(name: str, value: object, *, optional: bool = False) -> str:
    """Validate a text argument (a label, a name), or ``None`` when ``optional``."""
    if not (isinstance(value, str) or (optional and value is None)):
        raise ValueError(f"{name} must be a string{' or None' if optional else ''}, got {value!r}")
    return value


def check_int(name: str, value: object, low: int = 0, high: float = math.inf) -> int:
    """Validate an integer argument (a count of steps, points, ...) in ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in {_interval(low, high, False, False)}, got {value!r}")
    if not (low <= int(value) <= high):
        raise ValueError(f"{name} must be in {_interval(low, high, False, False)}, got {int(value)}")
    return int(value)


def _kind(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__} of length {len(value)}"


def _show(arr: np.ndarray) -> str:
    if arr.ndim == 0:
        return repr(float(arr))
    bad = arr[~np.isfinite(arr)] if not np.all(np.isfinite(arr)) else arr
    return f"an array with values from {float(np.min(bad))!r} to {float(np.max(bad))!r}"


def check_float_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a floating-point array; integer, boolean or complex input is refused."""
    try:
        arr = np.asarray(value)
    except Exception as exc:
        raise ValueError(f"{name} must be a floating-point array, got {value!r}") from exc
    if arr.dtype.kind != "f":
        raise ValueError(
            f"{name} must be a floating-point array (float32 or float64), got dtype {arr.dtype}; "
            f"convert it first, e.g. np.asarray({name}, dtype=float)"
        )
    return arr


def check_params_grad(params: object, grad: object) -> tuple[np.ndarray, np.ndarray]:
    """Check one optimizer step's inputs: float arrays of the same shape."""
    theta = check_float_array("params", params)
    g = check_float_array("grad", grad)
    if g.shape != theta.shape:
        raise ValueError(f"grad must have the shape of params {theta.shape}, got {g.shape}")
    return theta, g


def check_broadcast(name: str, value: Hyper, shape: tuple[int, ...]) -> None:
    """Check that an array hyperparameter broadcasts against parameters of ``shape``."""
    if isinstance(value, np.ndarray):
        try:
            out = np.broadcast_shapes(value.shape, shape)
        except ValueError:
            out = None
        if out != shape:
            raise ValueError(
                f"{name} has shape {value.shape}, which does not broadcast against params of shape {shape}"
            )


def _asarray(name: str, value: object, kinds: str, what: str) -> np.ndarray:
    """``value`` as an array whose dtype kind is one of ``kinds``, unconverted; else a ValueError."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be {what}, got {value!r}") from exc
    if arr.dtype.kind not in kinds:
        got = repr(value) if arr.ndim == 0 else f"dtype {arr.dtype}"
        raise ValueError(f"{name} must be {what}, got {got}")
    return arr


def check_real_array(
    name: str, value: object, *, finite: bool = True, dtype: Optional[type] = np.float64
) -> np.ndarray:
    """Return ``value`` as an array of real numbers; bool, complex, text and ragged input is refused.

    The array is converted to ``dtype`` (float64 by default; ``None`` keeps its own dtype). With
    ``finite`` (the default) NaN and ±inf are refused too.
    """
    arr = _asarray(name, value, "iuf", "a real number or an array of real numbers")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {_show(arr.astype(np.float64))}")
    return arr


def check_int_array(name: str, value: object, low: int, high: int) -> np.ndarray:
    """Return ``value`` as an integer array whose entries all lie in ``[low, high]``."""
    arr = _asarray(name, value, "iu", f"an array of integers in [{low}, {high}]")
    if arr.size and (arr.min() < low or arr.max() > high):
        raise ValueError(f"{name} must hold integers in [{low}, {high}], got values from {arr.min()} to {arr.max()}")
    return arr


def check_broadcast_together(**arrays: object) -> tuple[int, ...]:
    """Check that the named arrays broadcast against each other; return the common shape."""
    shapes = {name: np.shape(a) for name, a in arrays.items()}
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = " and ".join(f"{name} has shape {shape}" for name, shape in shapes.items())
        raise ValueError(f"{listed}, which do not broadcast against each other") from None
