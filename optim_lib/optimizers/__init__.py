"""The optimizers, one module per family, and the learning-rate schedules.

Every optimizer is a small class with torch.optim's arithmetic: ``init(params) -> state`` and
``step(params, grad, state) -> (params, state)`` (see :mod:`.base`).
"""

from . import schedules
from .adadelta import AdaDelta
from .adagrad import AdaGrad
from .adam import Adam, AdamW, AMSGrad, NAdam
from .adam_variants import AdamL2, KerasAdam
from .base import Optimizer
from .lion import Lion
from .muon import Muon, newton_schulz
from .rmsprop import RMSprop
from .schedule_free import ScheduleFreeAdamW
from .sgd import SGD, Momentum, Nesterov
from .shampoo import SOAP, Shampoo

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "AMSGrad", "AdamW", "NAdam",
           "AdamL2", "KerasAdam", "Lion", "Muon", "newton_schulz", "ScheduleFreeAdamW", "Shampoo", "SOAP",
           "Optimizer", "schedules"]
