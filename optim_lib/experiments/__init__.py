"""Running optimizers and measuring what they do: the batched runner, the shared measurements, the rates
predicted on quadratics, and second derivatives from gradients."""

from .hessian import hessian, hvp, lanczos_top, sharpness, top_eigenpair
from .measure import GridBest, GridEdgeError, Spread, first_crossing, grid_best, seed_spread, steps_to_stay_below
from .runner import Trajectory, run

__all__ = ["Trajectory", "run", "steps_to_stay_below", "first_crossing", "grid_best", "GridBest", "GridEdgeError",
           "seed_spread", "Spread", "hessian", "hvp", "sharpness", "top_eigenpair", "lanczos_top"]
