"""optim_lib: the optimizers of *Gradient Descent Optimizers, Derived and Run*, in numpy.

Every optimizer follows torch.optim's arithmetic and shares one interface::

    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.step(params, grad, state)   # pure: nothing is modified in place

The library has four parts, and every public name below is also importable from its part:

- ``optim_lib.optimizers``: the optimizers (one module per family) and the learning-rate ``schedules``;
- ``optim_lib.problems``: the test functions, the data sets and the models (``functions``, ``data``,
  ``mlp``, ``cnn``);
- ``optim_lib.experiments``: the batched ``runner``, the shared measurements (``measure``), the rates on
  quadratics (``quadratic_theory``) and second derivatives from gradients (``hessian``);
- ``optim_lib.display``: the figure ``style``, ``glued`` numbers, ``plotting``, ``explorer`` and ``animation``.
"""

from .display import (
    COLOR_NAMES,
    COLORS,
    FULL_WIDTH,
    HALF_WIDTH,
    FigureStyleError,
    Number,
    check_figure,
    color,
    color_name,
    figure,
    format_number,
    glue_number,
    line_style,
    number,
    use_book_style,
)
from .experiments import (
    GridBest,
    GridEdgeError,
    Spread,
    Trajectory,
    first_crossing,
    grid_best,
    hessian,
    hvp,
    lanczos_top,
    run,
    seed_spread,
    sharpness,
    steps_to_stay_below,
    top_eigenpair,
)
from .optimizers import (
    SGD,
    SOAP,
    AdaDelta,
    AdaGrad,
    Adam,
    AdamL2,
    AdamW,
    AMSGrad,
    KerasAdam,
    Lion,
    Momentum,
    Muon,
    NAdam,
    Nesterov,
    Optimizer,
    RMSprop,
    ScheduleFreeAdamW,
    Shampoo,
    newton_schulz,
    schedules,
)
from .problems import (
    TEST_FUNCTIONS,
    Beale,
    Himmelblau,
    LinearRegression,
    Problem,
    Quadratic,
    Rosenbrock,
    Saddle,
    SigmoidNeuron,
)

__version__ = "0.1.0"

__all__ = [
    # optimizers
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "AMSGrad", "AdamW", "NAdam",
    "AdamL2", "KerasAdam", "Lion", "Muon", "ScheduleFreeAdamW", "Shampoo", "SOAP", "newton_schulz",
    "Optimizer", "schedules",
    # problems
    "Problem", "Quadratic", "Rosenbrock", "Beale", "Saddle", "Himmelblau", "SigmoidNeuron", "LinearRegression",
    "TEST_FUNCTIONS",
    # experiments
    "Trajectory", "run", "steps_to_stay_below", "first_crossing", "grid_best", "GridBest", "GridEdgeError",
    "seed_spread", "Spread", "hessian", "hvp", "sharpness", "top_eigenpair", "lanczos_top",
    # display
    "Number", "number", "format_number", "glue_number", "use_book_style", "figure", "check_figure",
    "FigureStyleError", "line_style", "color", "color_name", "COLORS", "COLOR_NAMES", "FULL_WIDTH", "HALF_WIDTH",
]
