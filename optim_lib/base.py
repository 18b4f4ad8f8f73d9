"""The interface every optimizer of the book shares.

An optimizer is a small object holding validated hyperparameters. It never holds the
parameters or the state: ``init`` makes a fresh state, ``step`` returns new parameters and a
new state and mutates nothing, so one optimizer object can drive many independent runs, and a
grid of runs is a single call on a batched array.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import numpy as np

from ._checks import check_broadcast, check_float_array, check_params_grad


class Optimizer:
    """Base class: validation and dtype handling around an optimizer's pure ``update``.

    Subclasses define ``hyperparameters`` (the names of their arguments), ``init_state`` and
    ``update``; ``update`` holds the equations of the chapter and nothing else.
    """

    hyperparameters: tuple[str, ...] = ()

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
        return self._step_unchecked(theta, g, state)

    def _step_unchecked(self, theta: np.ndarray, g: np.ndarray, state: NamedTuple) -> tuple[np.ndarray, NamedTuple]:
        """``step`` without the input checks, for the runner's hot loop.

        The caller guarantees what ``step`` checks: ``theta`` and ``g`` are float arrays of the
        same shape, against which the hyperparameters broadcast. The result is the same.
        """
        new_theta, new_state = self.update(theta, g, state)
        dtype = theta.dtype
        if any(isinstance(f, np.ndarray) and f.dtype != dtype for f in new_state):
            new_state = type(new_state)(
                *(f.astype(dtype, copy=False) if isinstance(f, np.ndarray) else f for f in new_state)
            )
        if not (isinstance(new_theta, np.ndarray) and new_theta.dtype == dtype):
            new_theta = np.asarray(new_theta).astype(dtype, copy=False)
        return new_theta, new_state

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
