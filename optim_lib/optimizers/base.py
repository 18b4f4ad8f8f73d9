"""The interface every optimizer of the book shares.

An optimizer is a small object holding validated hyperparameters. It never holds the
parameters or the state: ``init`` makes a fresh state, ``step`` returns new parameters and a
new state and mutates nothing, so one optimizer object can drive many independent runs, and a
grid of runs is a single call on a batched array. ``step_`` is the in-place variant for large
models (torch's habit): it writes the new parameters and moments over the old ones.

Large arrays are updated in slices. An optimizer whose ``update`` treats every coordinate on
its own (all of the book's but Muon) is applied to consecutive slices of ``SLICE_BYTES`` per
array: the result is the same, bit for bit, but the temporaries of ``update``'s expressions
are slice-sized and stay in the CPU cache instead of costing a trip to memory each, and the
slices are shared among the CPU cores (numpy releases the GIL in its loops).
"""

from __future__ import annotations

import copy
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, Optional

import numpy as np

from .._checks import check_broadcast, check_float_array, check_params_grad


SLICE_BYTES = 512 * 1024  # per array and slice: update()'s temporaries stay in the CPU caches (measured best)
SLICED_MIN_BYTES = 2 * 1024 * 1024  # smaller arrays are updated in one piece
PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # from this size on, the slices are shared among threads


class Optimizer:
    """Base class: validation and dtype handling around an optimizer's pure ``update``.

    Subclasses define ``hyperparameters`` (the names of their arguments), ``init_state`` and
    ``update``; ``update`` holds the equations of the chapter and nothing else. A subclass
    whose ``update`` acts on each coordinate independently sets ``elementwise = True``, which
    lets large arrays be updated in slices.
    """

    hyperparameters: tuple[str, ...] = ()
    elementwise: bool = False
    state_type: type = tuple  # the NamedTuple that init_state returns

    def init(self, params: Any) -> NamedTuple:
        """Return the optimizer's initial state for parameters shaped like ``params``."""
        theta = check_float_array("params", params)
        self._check_shapes(theta.shape)
        return self.init_state(theta)

    def step(self, params: Any, grad: Any, state: NamedTuple) -> tuple[np.ndarray, NamedTuple]:
        """One update: ``params, state = opt.step(params, grad, state)``.

        ``params`` and ``grad`` are float arrays of the same shape; the result keeps the float
        dtype of ``params`` (float32 stays float32), and the inputs are not modified.
        """
        theta, g = check_params_grad(params, grad)
        self._check_shapes(theta.shape)
        self._check_state(state, theta.shape)
        return self._step_unchecked(theta, g, state)

    def step_(self, params: np.ndarray, grad: Any, state: NamedTuple) -> tuple[np.ndarray, NamedTuple]:
        """In-place update: ``params, state = opt.step_(params, grad, state)``.

        The same numbers as ``step``, written over ``params`` and over the arrays of ``state``
        (the old values are lost, as with ``torch.optim``). Use the returned state: its step
        counter is new, and an array of ``state`` that cannot be overwritten (read-only, or
        sharing memory with another) is replaced by a new one. ``params`` must be a writeable
        float ndarray.
        """
        theta, g = check_params_grad(params, grad)
        if not (isinstance(params, np.ndarray) and params.flags.writeable):
            kind = "a read-only array" if isinstance(params, np.ndarray) else type(params).__name__
            raise ValueError(f"params must be a writeable numpy array for step_, got {kind}; use step for a pure update")
        self._check_shapes(theta.shape)
        self._check_state(state, theta.shape)
        if self._sliceable(theta, g, state) and _writeable_apart(theta, g, state):
            return self._update_in_slices(theta, g, state, theta, state)
        new_theta, new_state = self._step_unchecked(theta, g, state)
        theta[...] = new_theta
        return theta, new_state

    def _step_unchecked(self, theta: np.ndarray, g: np.ndarray, state: NamedTuple) -> tuple[np.ndarray, NamedTuple]:
        """``step`` without the input checks, for the runner's hot loop.

        The caller guarantees what ``step`` checks: ``theta`` and ``g`` are float arrays of the
        same shape, against which the hyperparameters broadcast. The result is the same.
        """
        if self._sliceable(theta, g, state):
            out_state = type(state)(*(np.empty_like(f) if isinstance(f, np.ndarray) else f for f in state))
            return self._update_in_slices(theta, g, state, np.empty_like(theta), out_state)
        new_theta, new_state = self.update(theta, g, state)
        dtype = theta.dtype
        if any(isinstance(f, np.ndarray) and f.dtype != dtype for f in new_state):
            new_state = type(new_state)(
                *(f.astype(dtype, copy=False) if isinstance(f, np.ndarray) else f for f in new_state)
            )
        if not (isinstance(new_theta, np.ndarray) and new_theta.dtype == dtype):
            new_theta = np.asarray(new_theta).astype(dtype, copy=False)
        return new_theta, new_state

    def _check_state(self, state: Any, shape: Optional[tuple[int, ...]] = None) -> None:
        """The state must be this optimizer's own (from ``init`` or a ``step``), for params of ``shape``."""
        if type(state) is not self.state_type:
            raise ValueError(f"state must be the {self.state_type.__name__} that {type(self).__name__}.init returns, "
                             f"got {type(state).__name__}")
        for name, field in zip(state._fields, state):
            if shape is not None and isinstance(field, np.ndarray) and field.shape != shape:
                raise ValueError(f"state.{name} has shape {field.shape}, but params have shape {shape}")

    def _sliceable(self, theta: np.ndarray, g: np.ndarray, state: NamedTuple) -> bool:
        """Whether ``update`` may be applied slice by slice: an elementwise optimizer with scalar
        hyperparameters, on a large contiguous array, with state arrays shaped like it."""
        return (
            self.elementwise
            and theta.nbytes >= SLICED_MIN_BYTES
            and theta.flags.c_contiguous
            and g.flags.c_contiguous
            and g.dtype == theta.dtype
            and not any(isinstance(getattr(self, name), np.ndarray) for name in self.hyperparameters)
            and all(
                f.shape == theta.shape and f.dtype == theta.dtype and f.flags.c_contiguous
                for f in state
                if isinstance(f, np.ndarray)
            )
        )

    def _update_in_slices(
        self, theta: np.ndarray, g: np.ndarray, state: NamedTuple, out_theta: np.ndarray, out_state: NamedTuple
    ) -> tuple[np.ndarray, NamedTuple]:
        """``update`` applied to consecutive slices of the flattened arrays, each result written
        into the same slice of ``out_theta`` and of ``out_state``'s arrays (which may be the
        inputs themselves: each slice is read before it is written)."""
        flat_theta, flat_g, flat_out = theta.reshape(-1), g.reshape(-1), out_theta.reshape(-1)
        fields = [f.reshape(-1) if isinstance(f, np.ndarray) else None for f in state]
        outs = [f.reshape(-1) if isinstance(f, np.ndarray) else None for f in out_state]
        size = max(1, SLICE_BYTES // theta.itemsize)

        def update_range(lo: int, hi: int) -> NamedTuple:
            for a in range(lo, hi, size):
                b = min(a + size, hi)
                sub = type(state)(*(s if f is None else f[a:b] for f, s in zip(fields, state)))
                new_theta, new_state = self.update(flat_theta[a:b], flat_g[a:b], sub)
                flat_out[a:b] = new_theta
                for out, new in zip(outs, new_state):
                    if out is not None:
                        out[a:b] = new
            return new_state  # its scalar fields (the step counter) are the same for every slice

        n = flat_theta.size
        workers = _workers(theta.nbytes, n // size)
        if workers == 1:
            last = update_range(0, n)
        else:
            bounds = [n * k // workers // size * size for k in range(workers)] + [n]
            last = list(_pool().map(update_range, bounds[:-1], bounds[1:]))[-1]
        new_state = type(state)(*(s if out is None else f for out, f, s in zip(outs, out_state, last)))
        return out_theta, new_state

    def init_state(self, theta: np.ndarray) -> NamedTuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, theta: np.ndarray, g: np.ndarray, state: NamedTuple) -> tuple[np.ndarray, NamedTuple]:
        raise NotImplementedError  # pragma: no cover - abstract

    def with_lr(self, lr: Any) -> "Optimizer":
        """A copy of this optimizer with another learning rate (used by schedules)."""
        new = copy.copy(self)
        new.__init__(**{**self.get_hyperparameters(), "lr": lr})
        return new

    def get_hyperparameters(self) -> dict[str, Any]:
        """The constructor arguments of this optimizer, by name."""
        return {name: getattr(self, name) for name in self.hyperparameters}

    def _check_shapes(self, shape: tuple[int, ...]) -> None:
        for name in self.hyperparameters:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                check_broadcast(name, value, shape)

    def __repr__(self) -> str:
        def show(v: Any) -> str:
            return f"array{v.shape}" if isinstance(v, np.ndarray) else repr(v)

        args = ", ".join(f"{k}={show(v)}" for k, v in self.get_hyperparameters().items())
        return f"{type(self).__name__}({args})"


def _writeable_apart(theta: np.ndarray, g: np.ndarray, state: NamedTuple) -> bool:
    """True when every state array is writeable and no two of θ, g and the state arrays share
    memory, so that ``step_`` may write each slice over its inputs."""
    arrays = [theta, g, *(f for f in state if isinstance(f, np.ndarray))]
    if not all(a.flags.writeable for a in arrays[2:]):
        return False
    return not any(np.may_share_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1:])


_POOL: Optional[ThreadPoolExecutor] = None
_POOL_PID = -1


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _workers(nbytes: int, slices: int) -> int:
    """How many threads share the slices of an array of ``nbytes``: one below PARALLEL_MIN_BYTES."""
    return 1 if nbytes < PARALLEL_MIN_BYTES else max(1, min(_cpus(), slices))


def _pool() -> ThreadPoolExecutor:
    """The thread pool of sliced updates, made on first use (and anew in a forked process)."""
    global _POOL, _POOL_PID
    if _POOL is None or _POOL_PID != os.getpid():
        _POOL, _POOL_PID = ThreadPoolExecutor(max_workers=_cpus(), thread_name_prefix="optim_lib"), os.getpid()
    return _POOL
