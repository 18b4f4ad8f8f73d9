"""optim_lib: the optimizers of *Gradient Descent Optimizers, Derived and Run*, in numpy.

Every optimizer follows torch.optim's arithmetic and shares one interface::

    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.step(params, grad, state)   # pure: nothing is modified in place
"""

from .adadelta import AdaDelta
from .adagrad import AdaGrad
from .adam import Adam, AdamW, AMSGrad, NAdam
from .base import Optimizer
from .glued import Number, format_number, glue_number, number
from .lion import Lion
from .measure import GridBest, GridEdgeError, Spread, first_crossing, grid_best, seed_spread, steps_to_stay_below
from .muon import Muon, newton_schulz
from .problems import (
    Beale,
    Himmelblau,
    LinearRegression,
    Problem,
    Quadratic,
    Rosenbrock,
    Saddle,
    SigmoidNeuron,
    TEST_FUNCTIONS,
)
from .rmsprop import RMSprop
from . import schedules
from .runner import Trajectory, run
from .schedule_free import ScheduleFreeAdamW
from .shampoo import SOAP, Shampoo
from .sgd import SGD, Momentum, Nesterov
from .style import (
    COLOR_NAMES,
    COLORS,
    FULL_WIDTH,
    HALF_WIDTH,
    FigureStyleError,
    check_figure,
    color,
    color_name,
    figure,
    line_style,
    use_book_style,
)

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSprop",
    "AdaDelta",
    "Adam",
    "AMSGrad",
    "AdamW",
    "NAdam",
    "Lion",
    "Muon",
    "ScheduleFreeAdamW",
    "Shampoo",
    "SOAP",
    "newton_schulz",
    "Optimizer",
    "Problem",
    "Quadratic",
    "Rosenbrock",
    "Beale",
    "Saddle",
    "Himmelblau",
    "SigmoidNeuron",
    "LinearRegression",
    "TEST_FUNCTIONS",
    "Trajectory",
    "run",
    "schedules",
    "Number",
    "number",
    "format_number",
    "glue_number",
    "steps_to_stay_below",
    "first_crossing",
    "grid_best",
    "GridBest",
    "GridEdgeError",
    "seed_spread",
    "Spread",
    "use_book_style",
    "figure",
    "check_figure",
    "FigureStyleError",
    "line_style",
    "color",
    "color_name",
    "COLORS",
    "COLOR_NAMES",
    "FULL_WIDTH",
    "HALF_WIDTH",
]
