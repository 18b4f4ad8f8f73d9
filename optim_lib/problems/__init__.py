"""What the optimizers minimize: the 2-D test functions, the data sets, and the models trained on them.

``functions`` holds the test functions (Rosenbrock, Beale, ...), ``data`` the digits data and logistic
regression, ``mlp`` and ``cnn`` the networks (batched over parameter sets for the optimizer study).
"""

from .functions import (
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

__all__ = ["Problem", "Quadratic", "Rosenbrock", "Beale", "Saddle", "Himmelblau", "SigmoidNeuron",
           "LinearRegression", "TEST_FUNCTIONS"]
