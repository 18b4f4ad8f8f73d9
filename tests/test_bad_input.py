"""Bad input to any public function of optim_lib raises a ValueError that names the argument and
the accepted range or type: never a TypeError, an IndexError, a numpy broadcasting error, a
stray RuntimeWarning or a silent NaN. (A run that diverges is not bad input: see test_runner.)

Each row of a table is (callable, arguments, the message it must match). The last test checks
that every public callable of the audited modules has at least one row.
"""

import inspect
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from required import require  # noqa: E402

import optim_lib as ol  # noqa: E402
from optim_lib.display import explorer, glued, plotting, style  # noqa: E402
from optim_lib.experiments import hessian, measure, quadratic_theory, runner  # noqa: E402
from optim_lib.optimizers import adam_variants, muon, schedule_free, schedules, shampoo  # noqa: E402
from optim_lib.problems import cnn, data, functions, mlp  # noqa: E402
from optim_lib.experiments import quadratic_theory as qt  # noqa: E402
from optim_lib.optimizers import schedules as S  # noqa: E402
from optim_lib.display.explorer import Explorer, Slider  # noqa: E402

ROWS = []  # (target, fn, args, kwargs, match): every row of the tables below


def case(target, fn, *args, match, **kwargs):
    """One row: calling ``fn(*args, **kwargs)`` must raise ValueError matching ``match``, and the
    ValueError must come out of ``target`` (the public callable the row is about)."""
    ROWS.append((target, fn, args, kwargs, match))
    return pytest.param(fn, args, kwargs, match, id=f"{target}-{match[:40]}")


def check_raises(fn, args, kwargs, match):
    """Call ``fn``; it must raise ValueError matching ``match``. Returns the code object of the
    public entry point the error came out of: the first frame of the traceback outside this
    file (a row's lambda or helper lives here; what it calls does not)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning on the way to the error is a failure too
        with pytest.raises(ValueError, match=match) as excinfo:
            fn(*args, **kwargs)
    tb = excinfo.tb
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return None if tb is None else tb.tb_frame.f_code


# --- optimizers: constructors, init, step ------------------------------------------------------

OPTIMIZERS = [ol.SGD, ol.Momentum, ol.Nesterov, ol.AdaGrad, ol.RMSprop, ol.AdaDelta, ol.Adam, ol.AMSGrad,
              ol.AdamW, ol.NAdam, ol.Lion, ol.Muon, ol.AdamL2, ol.KerasAdam]
BAD_HYPER = {"nesterov": [(1, "nesterov must be True or False")],
             "ns_steps": [(2.5, r"ns_steps must be an integer in \[1, 99\]"), (0, r"ns_steps must be in \[1, 99\]")]}


def _shape(cls):
    return (2, 2) if cls is ol.Muon else (2,)


def _hyper_cases():
    for cls in OPTIMIZERS:
        for hp in cls.hyperparameters:
            bad = BAD_HYPER.get(hp, [(np.nan, rf"{hp} must be finite and in"), (-1.0, rf"{hp} must be in [\[(]0, "),
                                     ("0.1", rf"{hp} must be a real number"), (None, rf"{hp} must be a real number")])
            for value, match in bad:
                yield case(f"{cls.__name__}", lambda cls=cls, hp=hp, v=value: cls(**{"lr": 0.1, hp: v}), match=match)


OPTIMIZER_CASES = [
    *_hyper_cases(),
    case("Adam", ol.Adam, beta1=1.0, match=r"^beta1 must be in \[0, 1\), got 1.0$"),  # the README's example
    case("AdamW", ol.AdamW, beta2=1.0, match=r"beta2 must be in \[0, 1\), got 1.0"),
    case("Nesterov", ol.Nesterov, lr=0.1, momentum=0.0, match=r"momentum must be in \(0, 1\), got 0.0"),
    case("Lion", ol.Lion, beta1=1.5, match=r"beta1 must be in \[0, 1\], got 1.5"),
    case("Shampoo", ol.Shampoo, matrix_eps=0.0, match=r"matrix_eps must be in \(0, inf\), got 0.0"),
    case("SOAP", ol.SOAP, shampoo_beta=1.0, match=r"shampoo_beta must be in \[0, 1\), got 1.0"),
    case("ScheduleFreeAdamW", ol.ScheduleFreeAdamW, warmup_steps=-1, match=r"warmup_steps must be in \[0, inf\), got -1"),
    case("ScheduleFreeAdamW.eval_point", ol.ScheduleFreeAdamW().eval_point, (), match="state must be the ScheduleFreeState"),
    case("SGD", ol.SGD, lr=[0.1, np.inf], match="lr must be finite"),
    case("SGD", ol.SGD, lr=True, match="lr must be a real number"),
    case("Muon", ol.Muon, lr=np.array([0.1, 0.2]), match="lr must be a scalar for Muon"),
    case("Optimizer.init", ol.SGD(lr=0.1).init, [1, 2], match="params must be a floating-point array"),
    case("Optimizer.init", ol.SGD(lr=np.ones((3, 1))).init, np.zeros(2), match=r"lr has shape \(3, 1\), which does not broadcast"),
    case("Optimizer.init", ol.Muon().init, np.zeros(4), match="params must be a 2-D matrix for Muon"),
    case("Optimizer.step", ol.Adam().step, np.zeros(2), np.zeros(3), ol.Adam().init(np.zeros(2)),
         match=r"grad must have the shape of params \(2,\), got \(3,\)"),
    case("Optimizer.step", ol.Adam().step, np.zeros(2), np.array([1, 2]), ol.Adam().init(np.zeros(2)),
         match="grad must be a floating-point array"),
    case("Optimizer.step", ol.Adam().step, np.zeros(2), np.zeros(2), None,
         match="state must be the AdamState that Adam.init returns, got NoneType"),
    case("Optimizer.step", ol.Adam().step, np.zeros(2), np.zeros(2), ol.AMSGrad().init(np.zeros(2)),
         match="state must be the AdamState that Adam.init returns, got AMSGradState"),
    case("Optimizer.step", ol.Momentum(lr=0.1).step, np.zeros(2), np.zeros(2), ol.Momentum(lr=0.1).init(np.zeros(3)),
         match=r"state.b has shape \(3,\), but params have shape \(2,\)"),
    case("Optimizer.step_", ol.SGD(lr=0.1).step_, (1.0, 2.0), np.zeros(2), ol.SGD(lr=0.1).init(np.zeros(2)),
         match="params must be a writeable numpy array for step_, got tuple"),
    case("Optimizer.step_", ol.RMSprop().step_, np.zeros(2), np.zeros(2), ol.RMSprop().init(np.zeros(4)),
         match=r"state.v has shape \(4,\), but params have shape \(2,\)"),
    case("Optimizer.with_lr", ol.Adam().with_lr, -1.0, match=r"lr must be in \[0, inf\), got -1.0"),
    case("AdaGrad.effective_lr", ol.AdaGrad().effective_lr, None,
         match="state must be the AdaGradState that AdaGrad.init returns, got NoneType"),
]
if hasattr(ol.Optimizer, "step_"):  # the in-place step
    OPTIMIZER_CASES.append(case("Optimizer.step_", ol.SGD(lr=0.1).step_, np.broadcast_to(0.0, (2,)), np.zeros(2), (),
                                match="params must be a writeable numpy array"))


@pytest.mark.parametrize("fn,args,kwargs,match", OPTIMIZER_CASES)
def test_bad_optimizer_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_every_optimizer_checks_init_and_step(cls):
    opt = cls(lr=0.1)
    shape = _shape(cls)
    state = opt.init(np.zeros(shape))
    check_raises(opt.init, (np.zeros(shape, dtype=int),), {}, "params must be a floating-point array")
    check_raises(opt.step, (np.zeros(shape), np.zeros((3, 3)), state), {}, "grad must have the shape of params")
    check_raises(opt.step, (np.zeros(shape), np.zeros(shape, dtype=np.int64), state), {}, "grad must be a floating-point array")


# --- problems ----------------------------------------------------------------------------------

LINREG = ol.LinearRegression(n=20, dim=2)
PROBLEM_CASES = [
    case("Quadratic", ol.Quadratic, [[1.0, 2.0, 3.0]], match=r"hessian must be a square \(d, d\) matrix"),
    case("Quadratic", ol.Quadratic, [[1.0, 0.0], [0.0, -1.0]], match="hessian must be positive definite"),
    case("Quadratic", ol.Quadratic, [[1.0], [1.0, 2.0]], match="hessian must be a real number or an array of real numbers"),
    case("Quadratic", ol.Quadratic, [[1j]], match="hessian must be a real number or an array of real numbers, got dtype complex"),
    case("Quadratic", ol.Quadratic, [[np.nan]], match="hessian must be finite"),
    case("Quadratic", ol.Quadratic, [[1.0]], minimizer=[1.0, 2.0], match="minimizer must be a finite vector of length 1"),
    case("Quadratic", ol.Quadratic, [[1.0]], minimizer="a", match="minimizer must be a real number or an array"),
    case("Quadratic.with_condition_number", ol.Quadratic.with_condition_number, 0.5, match=r"kappa must be in \[1, inf\)"),
    case("Quadratic.with_condition_number", ol.Quadratic.with_condition_number, np.array([2.0, 3.0]),
         match=r"kappa must be a single real number in \[1, inf\), got an array of shape \(2,\)"),
    case("Quadratic.with_condition_number", ol.Quadratic.with_condition_number, 10.0, angle=np.array([0.1, 0.2]),
         match="angle must be a single real number"),
    case("Quadratic.with_condition_number", ol.Quadratic.with_condition_number, 10.0, dim=0, match=r"dim must be in \[1, inf\)"),
    case("Rosenbrock", ol.Rosenbrock, b=0.0, match=r"b must be in \(0, inf\)"),
    case("Rosenbrock", ol.Rosenbrock, a=np.array([1.0, 2.0]), match="a must be a single real number"),
    case("SigmoidNeuron", ol.SigmoidNeuron, sparsity=1.5, match=r"sparsity must be in \[0, 1\]"),
    case("SigmoidNeuron", ol.SigmoidNeuron, w_true=np.array([1.0, 2.0]), match="w_true must be a single real number"),
    case("SigmoidNeuron", ol.SigmoidNeuron, n=0, match=r"n must be in \[1, inf\)"),
    case("LinearRegression", ol.LinearRegression, noise=-1.0, match=r"noise must be in \[0, inf\)"),
    case("LinearRegression", ol.LinearRegression, dim=2, scales=[1.0, -1.0], match="scales must be 2 positive finite numbers"),
    case("LinearRegression", ol.LinearRegression, scales="ab", match="scales must be a real number or an array"),
    case("LinearRegression", ol.LinearRegression, seed=1.5, match=r"seed must be an integer in \[0, inf\)"),
    case("LinearRegression.minibatch_grad", LINREG.minibatch_grad, np.zeros(2), np.array([0, 20]),
         match=r"rows must hold integers in \[0, 19\], got values from 0 to 20"),
    case("LinearRegression.minibatch_grad", LINREG.minibatch_grad, np.zeros(2), np.array([-1, 3]),
         match=r"rows must hold integers in \[0, 19\]"),  # would silently index from the end
    case("LinearRegression.minibatch_grad", LINREG.minibatch_grad, np.zeros(2), np.array([0.0, 1.0]),
         match=r"rows must be an array of integers in \[0, 19\], got dtype float64"),
    case("LinearRegression.minibatch_grad", LINREG.minibatch_grad, np.zeros(2), np.array([], dtype=int),
         match=r"rows must have shape \(\.\.\., \|B\|\) with \|B\| >= 1"),  # was 0/0 = NaN and a warning
    case("LinearRegression.minibatch_grad", LINREG.minibatch_grad, np.zeros((4, 2)), np.zeros((3, 5), dtype=int),
         match=r"rows has batch axes \(3,\), which do not broadcast against theta's \(4,\)"),
    case("sigmoid", functions.sigmoid, "a", match="z must be a real number or an array of real numbers"),
    case("sigmoid", functions.sigmoid, None, match="z must be a real number"),
]
for _p in [ol.Quadratic.with_condition_number(4.0), ol.Rosenbrock(), ol.Beale(), ol.Saddle(), ol.Himmelblau(),
           ol.SigmoidNeuron(n=10), LINREG]:
    _name = type(_p).__name__
    PROBLEM_CASES += [
        case(f"{_name}.value", _p.value, np.zeros(3), match=r"theta must have shape \(\.\.\., 2\)"),
        case(f"{_name}.grad", _p.grad, np.zeros(2, dtype=int), match="theta must be a floating-point array"),
        case("Problem.__call__", _p, "ab", match="theta must be a floating-point array"),
    ]


@pytest.mark.parametrize("fn,args,kwargs,match", PROBLEM_CASES)
def test_bad_problem_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


def test_problems_pass_non_finite_theta_through():
    """Not bad input: the runner evaluates J at a diverged point and must get NaN or inf back."""
    with np.errstate(all="ignore"):
        assert not np.isfinite(ol.Rosenbrock().value(np.array([np.nan, 0.0])))


# --- schedules ---------------------------------------------------------------------------------

SCHEDULES = [S.Constant(0.1), S.StepDecay(0.1, 2), S.Exponential(0.1, 0.9), S.InverseTime(0.1),
             S.CosineAnnealing(0.1, 10), S.WarmupDecay(0.1, 2, 10),
             S.WarmupStableDecay(0.1, 2, 3, 10)]
SCHEDULE_CASES = [
    case("Constant", S.Constant, -0.1, match=r"lr must be in \[0, inf\), got -0.1"),
    case("StepDecay", S.StepDecay, 0.1, 0, match=r"step_size must be in \[1, inf\), got 0"),
    case("StepDecay", S.StepDecay, 0.1, 2, gamma=0.0, match=r"gamma must be in \(0, 1\]"),
    case("Exponential", S.Exponential, 0.1, 1.5, match=r"gamma must be in \(0, 1\], got 1.5"),
    case("InverseTime", S.InverseTime, 0.1, decay=np.nan, match="decay must be finite"),
    case("CosineAnnealing", S.CosineAnnealing, 0.1, 10, min_lr=0.2, match=r"min_lr must be in \[0, lr\]"),
    case("CosineAnnealing", S.CosineAnnealing, np.array([0.1, 0.2]), 10, min_lr=np.array([0.0, 0.0, 0.0]),
         match=r"lr has shape \(2,\) and min_lr has shape \(3,\), which do not broadcast"),
    case("WarmupDecay", S.WarmupDecay, 0.1, 10, 10, match=r"total_steps must be in \[11, inf\)"),
    case("WarmupDecay", S.WarmupDecay, 0.1, 1, 10, decay="exp", match="decay must be 'cosine' or 'linear'"),
    case("WarmupDecay", S.WarmupDecay, 0.1, 1, 10, decay=np.array(["cosine", "linear"]), match="decay must be 'cosine' or 'linear'"),
    case("WarmupStableDecay", S.WarmupStableDecay, 0.1, 5, 6, 10, match=r"total_steps must be in \[11, inf\)"),
    case("WarmupStableDecay", S.WarmupStableDecay, 0.1, 2, 0, 10, match=r"decay_steps must be in \[1, inf\)"),
    case("WarmupStableDecay", S.WarmupStableDecay, 0.1, 2, 5, 10, decay="cosine", match="decay must be 'linear' or '1-sqrt'"),
    case("Constant.__call__", S.Constant(np.array([0.1, 0.2])), np.arange(1, 4),
         match=r"t has shape \(3,\) and lr has shape \(2,\), which do not broadcast"),
]
for _s in SCHEDULES:
    _name = f"{type(_s).__name__}.__call__"
    SCHEDULE_CASES += [
        case(_name, _s, 0, match=r"t must be an integer step >= 1 \(the first step is t = 1\)"),
        case(_name, _s, 2.5, match="t must be an integer step >= 1"),
        case(_name, _s, 1e30, match="t must be an integer step >= 1"),  # too large for an int64 step
        case(_name, _s, [[1, 2], [3]], match="t must be an integer step >= 1, or a regular array"),
    ]


@pytest.mark.parametrize("fn,args,kwargs,match", SCHEDULE_CASES)
def test_bad_schedule_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


# --- runner ------------------------------------------------------------------------------------


def _run(**kwargs):
    args = dict(optimizer=ol.SGD(lr=0.1), problem=ol.Rosenbrock(), theta0=np.zeros(2), steps=5)
    args.update(kwargs)
    return ol.run(args.pop("optimizer"), args.pop("problem"), args.pop("theta0"), args.pop("steps"), **args)


_TR = ol.run(ol.SGD(lr=0.1), ol.Rosenbrock(), np.zeros(2), 3)
RUNNER_CASES = [
    case("run", _run, steps=-1, match=r"steps must be in \[0, 10000000\]"),
    case("run", _run, theta0=np.array([1, 2]), match="theta0 must be a floating-point array"),
    case("run", _run, theta0=np.array([np.inf, 0.0]), match="theta0 must be finite"),
    case("run", _run, bound=np.array([1.0, 2.0]), match=r"bound must be a single real number in \(0, inf\)"),
    case("run", _run, seed=-1, match=r"seed must be in \[0, inf\), got -1"),  # checked with or without batch_size
    case("run", _run, record_path="no", match="record_path must be True or False, got 'no'"),
    case("run", _run, problem=ol.LinearRegression(n=10), batch_size=11, match=r"batch_size must be in \[1, 10\]"),
    case("run", _run, lr_schedule=lambda t: -0.1 * t, match=r"lr_schedule\(1\) gave a bad learning rate: lr must be in \[0, inf\)"),
    case("run", _run, lr_schedule=lambda t: np.full(5, 0.1),
         match=r"lr_schedule\(1\) gave a bad learning rate: lr has shape \(5,\), which does not broadcast"),
    case("run", _run, optimizer=ol.SGD, match="optimizer must be an optim_lib optimizer"),
    case("run", _run, problem="rosenbrock", match="problem must be an optim_lib Problem"),
    case("Trajectory.status", _TR.status, None, match="label must be a string, got None"),
    case("Trajectory", ol.Trajectory, None, None, None, match="path must be a numpy array, got NoneType"),
    case("Trajectory", ol.Trajectory, np.zeros((4, 2)), np.zeros((4, 3)), np.full((), -1),
         match=r"losses must have shape \(steps \+ 1, \*\(\)\)"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", RUNNER_CASES)
def test_bad_runner_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


# --- quadratic theory --------------------------------------------------------------------------

THEORY_CASES = [
    case("gd_rate", qt.gd_rate, -0.1, 1.0, match=r"lr must be in \[0, inf\), got -0.1"),
    case("gd_rate", qt.gd_rate, 0.1, np.nan, match="lam must be finite"),
    case("gd_rate", qt.gd_rate, np.ones(3), np.ones(2), match=r"lr has shape \(3,\) and lam has shape \(2,\)"),
    case("gd_optimal", qt.gd_optimal, 0.0, 1.0, match=r"ell must be in \(0, 1\], got 0.0"),
    case("gd_optimal", qt.gd_optimal, None, 1.0, match="ell must be a real number"),
    case("heavy_ball_optimal", qt.heavy_ball_optimal, 2.0, 1.0, match=r"ell must be in \(0, 1\], got 2.0"),
    case("nesterov_standard", qt.nesterov_standard, 0.1, np.inf, match=r"L must be finite and in \(0, inf\)"),
    case("heavy_ball_radius", qt.heavy_ball_radius, 0.1, 1.0, 1.0, match=r"momentum must be in \[0, 1\), got 1.0"),
    case("heavy_ball_radius", qt.heavy_ball_radius, 0.1, 0.5, "a", match="lam must be a real number"),
    case("heavy_ball_is_complex", qt.heavy_ball_is_complex, 0.1, -0.5, 1.0, match=r"momentum must be in \[0, 1\)"),
    case("heavy_ball_stable_lr", qt.heavy_ball_stable_lr, 0.5, 0.0, match=r"lam must be in \(0, inf\), got 0.0"),
    case("nesterov_radius", qt.nesterov_radius, np.nan, 0.5, 1.0, match="lr must be finite"),
    case("quadratic_radius", qt.quadratic_radius, "adam", 0.1, 0.5, [1.0], match="method must be 'gd', 'heavy_ball' or 'nesterov'"),
    case("quadratic_radius", qt.quadratic_radius, "gd", 0.1, 0.0, [], match=r"eigenvalues must have shape \(\.\.\., d\) with d >= 1"),
    case("quadratic_radius", qt.quadratic_radius, "heavy_ball", np.ones(3), np.zeros(2), [1.0],
         match=r"lr\[\.\.\., None\] has shape \(3, 1\) and momentum\[\.\.\., None\] has shape \(2, 1\)"),
    case("measured_factor", qt.measured_factor, np.ones(5), match=r"path must have shape \(T \+ 1, \*batch, d\) with T >= 1"),
    case("measured_factor", qt.measured_factor, np.ones((5, 2)), t0=1.5, match=r"t0 must be an integer in \[0, 3\]"),
    case("measured_factor", qt.measured_factor, np.ones((5, 2)), t0=4, match=r"t0 must be in \[0, 3\], got 4"),
    case("measured_factor", qt.measured_factor, np.ones((5, 2)), minimizer=np.ones(3),
         match=r"path\[0\] has shape \(2,\) and minimizer has shape \(3,\)"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", THEORY_CASES)
def test_bad_theory_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


# --- Muon's Newton–Schulz ----------------------------------------------------------------------

G = np.random.default_rng(0).normal(size=(3, 2))
MUON_CASES = [
    case("newton_schulz", ol.newton_schulz, np.ones(3), match=r"G must be a non-empty 2-D matrix, got shape \(3,\)"),
    case("newton_schulz", ol.newton_schulz, np.ones((2, 2), dtype=int), match="G must be a floating-point array"),
    case("newton_schulz", ol.newton_schulz, np.full((2, 2), np.nan), match="G must be finite"),
    case("newton_schulz", ol.newton_schulz, G, steps=-1, match=r"steps must be in \[0, 99\], got -1"),
    case("newton_schulz", ol.newton_schulz, G, steps=2.5, match=r"steps must be an integer in \[0, 99\]"),
    case("newton_schulz", ol.newton_schulz, G, eps=0.0, match=r"eps must be in \(0, inf\), got 0.0"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", MUON_CASES)
def test_bad_newton_schulz_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


# --- plotting and explorers --------------------------------------------------------------------


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


ROSEN = ol.Rosenbrock()
SGD_SPEC = {"SGD": (ol.SGD, {"lr": Slider(1e-4, 1e-2)})}
AX, FIG = object(), object()  # placeholders for the ``ax`` fixture and a fresh figure


def _make_sgd(v):
    return {"SGD": ol.SGD(lr=v)}


FIGURE_CASES = [
    case("color", plotting.color, None, match="name must be a string, got None"),
    case("color_name", ol.color_name, 3, match="name must be a string, got 3"),
    case("BatchedMLP", mlp.BatchedMLP, (4,), match="sizes needs an input width"),
    case("BatchedMLP.init_params", mlp.BatchedMLP((4, 3)).init_params, -1, match=r"seed must be in \[0, inf\)"),
    case("MinibatchModel.loss_grad", mlp.BatchedMLP((4, 3)).loss_grad, np.zeros(15), np.zeros((2, 4)), np.zeros(2, int),
         match=r"theta must have shape \(B, 15\)"),
    case("MinibatchModel.loss", mlp.BatchedMLP((4, 3)).loss, np.zeros((1, 15)), np.zeros((2, 5)), np.zeros(2, int),
         match=r"X must be \(B, n, 4\)"),
    case("MinibatchModel.evaluate", mlp.BatchedMLP((4, 3)).evaluate, np.zeros((1, 15)), np.zeros((2, 4)),
         np.array([0, 3]), match="integer labels"),
    case("CNN1D", cnn.CNN1D, 6, match="too short"),
    case("CNN1D.init_params", cnn.CNN1D().init_params, -1, match="seed must be"),
    case("ConvNet1D", cnn.ConvNet1D, 2, match="too short for the convolutions"),
    case("ConvNet1D", cnn.ConvNet1D, 40, (), match="convs must list at least one convolution"),
    case("ConvNet1D", cnn.ConvNet1D, 40, ((25, 5, 0, 1),), match=r"stride must be in \[1, inf\)"),
    case("ConvNet1D.init_params", cnn.ConvNet1D().init_params, -1, match=r"seed must be in \[0, inf\)"),
    case("ResidualMLP", mlp.ResidualMLP, (40, 100, 50, 10), match=r"sizes must be \(inputs, width, ..., width, classes\)"),
    case("ResidualMLP", mlp.ResidualMLP, (40, 0, 10), match=r"sizes\[1\] must be in \[1, inf\)"),
    case("ResidualMLP.init_params", mlp.ResidualMLP().init_params, 1.5, match="seed must be an integer"),
    case("torch_default_init", mlp.torch_default_init, mlp.ResidualMLP(), -2, match=r"seed must be in \[0, inf\)"),
    case("line_style", ol.line_style, None, match="name must be a string, got None"),
    case("figure", ol.figure, width="wide", match="width must be 'full' or 'half', got 'wide'"),
    case("figure", ol.figure, height=0.1, match=r"height must be in \[0.5, 12\], got 0.1"),
    case("check_figure", ol.check_figure, "fig", match="fig must be a matplotlib Figure, got 'fig'"),
    case("contour", plotting.contour, AX, ol.Quadratic.with_condition_number(2.0, dim=3), match="problem must be a 2-D optim_lib Problem"),
    case("contour", plotting.contour, AX, ROSEN, levels=0, match=r"levels must be in \[1, inf\), got 0"),
    case("contour", plotting.contour, AX, ROSEN, resolution=1, match=r"resolution must be in \[2, inf\), got 1"),
    case("contour", plotting.contour, AX, ROSEN, xlim=(1.0, 1.0), match="xlim must be \\(low, high\\) with low < high"),
    case("contour", plotting.contour, AX, ROSEN, ylim=(np.nan, 1.0), match="ylim must be two finite numbers"),
    case("contour", plotting.contour, None, ROSEN, match="ax must be a matplotlib Axes, got None"),
    case("path", plotting.path, AX, np.ones((5, 3)), match=r"path_xy must have shape \(steps \+ 1, 2\) for one 2-D run, got \(5, 3\)"),
    case("path", plotting.path, AX, np.ones((0, 2)), match=r"path_xy must have shape \(steps \+ 1, 2\)"),
    case("path", plotting.path, AX, np.ones((5, 2)), label=3, match="label must be a string or None, got 3"),
    case("Slider", Slider, 0.0, 1.0, value="a", match=r"value must be a real number in \[0, 1\]"),
    case("Slider", Slider, 0.0, 1.0, value=np.nan, match="value must be finite"),
    case("Slider", Slider, 0.1, 1.0, log="yes", match="log must be True or False, got 'yes'"),
    case("Slider", Slider, np.array([0.0, 1.0]), 2.0, match="low must be a single real number"),
    case("Slider.widget", Slider(0.0, 1.0).widget, None, match="description must be a string, got None"),
    case("compute", explorer.compute, ROSEN, {"SGD": ol.SGD(lr=0.1)}, (0.0, 0.0, 0.0), 5,
         match=r"start must have shape \(\.\.\., 2\) for Rosenbrock, got \(3,\)"),
    case("compute", explorer.compute, ROSEN, [ol.SGD(lr=0.1)], (0.0, 0.0), 5, match="optimizers must be a dict of name: an optim_lib optimizer"),
    case("compute", explorer.compute, ROSEN, {"SGD": ol.SGD}, (0.0, 0.0), 5, match=r"optimizers\['SGD'\] must be an optim_lib optimizer"),
    case("draw", explorer.draw, None, ROSEN, {}, match="fig must be a matplotlib Figure, got None"),
    case("draw", explorer.draw, FIG, ROSEN, {}, match="runs must hold at least one Trajectory"),
    case("draw", explorer.draw, FIG, ROSEN, {"SGD": _TR.path}, match=r"runs\['SGD'\] must be a Trajectory"),
    case("Explorer", Explorer, None, print, match="widget must be an ipywidgets widget, got None"),
    case("small_multiples", explorer.small_multiples, ROSEN, 3, [0.1], label="η", match="make_optimizers must be a function"),
    case("small_multiples", explorer.small_multiples, ROSEN, _make_sgd, None, label="η", match="values must be a sequence of numbers"),
    case("small_multiples", explorer.small_multiples, ROSEN, _make_sgd, ["a"], label="η", match=r"values\[0\] must be a real number"),
    case("small_multiples", explorer.small_multiples, ROSEN, _make_sgd, [0.1], label="η", fmt="{:d}",
         match="fmt must format one number, like '{:.3g}', got '{:d}'"),
    case("small_multiples", explorer.small_multiples, ROSEN, _make_sgd, [0.1], label="η", start=(1.0,), match="start must be two finite numbers"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", FIGURE_CASES)
def test_bad_figure_input_raises(fn, args, kwargs, match, ax):
    args = tuple(ax if a is AX else ax.figure if a is FIG else a for a in args)
    try:
        check_raises(fn, args, kwargs, match)
    finally:
        plt.close("all")


EXPLORER_CASES = [
    case("explorer", explorer.explorer, ROSEN, SGD_SPEC, max_steps=0, match=r"max_steps must be in \[1, inf\), got 0"),
    case("explorer", explorer.explorer, ROSEN, SGD_SPEC, start=(100.0, 1.0), match=r"start\[0\] \(θ₁\) must be in \[-2, 2\] for Rosenbrock"),
    case("explorer", explorer.explorer, ROSEN, {"SGD": ("SGD", {})}, match=r"optimizers\['SGD'\] must be \(OptimizerClass"),
    case("explorer", explorer.explorer, ROSEN, {"SGD": (ol.SGD, {"lr": 0.1})}, match=r"optimizers\['SGD'\] sliders\['lr'\] must be a Slider"),
    case("explorer", explorer.explorer, ROSEN, {"SGD": (ol.SGD, {"momentum": Slider(0.1, 0.5)})}, match="SGD has no hyperparameter 'momentum'"),
    case("explorer", explorer.explorer, ROSEN, {"M": (ol.Momentum, {"momentum": Slider(0.1, 0.5)})},
         match=r"optimizers\['M'\] needs a Slider for lr \(Momentum has no default\)"),
    case("explorer", explorer.explorer, ROSEN, {"N": (ol.Nesterov, {"lr": Slider(1e-3, 0.1), "momentum": Slider(0.0, 0.99, 0.9)})},
         match=r"the momentum slider reaches 0, which Nesterov refuses: momentum must be in \(0, 1\)"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", EXPLORER_CASES)
def test_bad_explorer_input_raises(fn, args, kwargs, match):
    require("ipywidgets")
    try:
        check_raises(fn, args, kwargs, match)
    finally:
        plt.close("all")


# --- data and the MLP --------------------------------------------------------------------------

_X = np.random.default_rng(0).random((12, 4))
_Y = np.arange(12) % 3
DATA_CASES = [
    case("load_digits_split", data.load_digits_split, 0, match=r"n_train must be in \[1, 1796\]"),
    case("LogisticRegression", data.LogisticRegression, _X.astype(int), _Y, 3, match="X must be a floating-point array"),
    case("LogisticRegression", data.LogisticRegression, _X, _Y, 2, match="labels must be in"),
    case("MLP", mlp.MLP, _X, _Y, (4,), match="sizes needs at least an input and an output width"),
    case("MLP", mlp.MLP, _X, _Y, (4, 2.5, 3), match=r"sizes\[1\] must be an integer"),
]
_LOGREG = data.LogisticRegression(_X, _Y, 3)
_NET = mlp.MLP(_X, _Y, (4, 5, 3))
for _p in (_LOGREG, _NET):
    _name = type(_p).__name__
    DATA_CASES += [
        case(f"{_name}.value", _p.value, np.zeros(3), match=r"theta must have shape \(\.\.\., "),
        case(f"{_name}.grad", _p.grad, np.zeros(_p.dim, dtype=int), match="theta must be a floating-point array"),
        case(f"{_name}.logits", _p.logits, np.zeros(_p.dim), np.zeros((2, 4), dtype=int), match="X must be a floating-point array"),
        case(f"{_name}.accuracy", _p.accuracy, np.zeros(_p.dim), np.zeros((2, 5)), np.zeros(2, dtype=int), match="X must have 4 columns"),
    ]
DATA_CASES += [
    case("MLP.init_params", _NET.init_params, -1, match=r"seed must be in \[0, inf\)"),
    case("MLP.init_params", _NET.init_params, 0, 3, match=r"batch must be a tuple of batch sizes"),
    case("MLP", mlp.MLP, _X, _Y, None, match="sizes must be a sequence of layer widths"),
    case("MLP", mlp.MLP, _X, _Y, 5, match="sizes must be a sequence of layer widths"),
    case("LogisticRegression", data.LogisticRegression, _X, _Y, 3, np.array([0.1, 0.2]),
         match=r"l2 must be a single real number in \[0, inf\)"),
    case("LogisticRegression.logits", _LOGREG.logits, np.zeros(_LOGREG.dim), np.zeros((2, 5)),
         match=r"X must be an \(n, 4\) matrix of inputs, got shape \(2, 5\)"),
    case("MLP.logits", _NET.logits, np.zeros(_NET.dim), np.zeros(4), match=r"X must be an \(n, 4\) matrix of inputs"),
    case("MLP.logits", _NET.logits, np.zeros(_NET.dim), "ab", match="X must be a floating-point array"),
    case("log_softmax", data.log_softmax, "a", match="z must be a floating-point array"),
    case("log_softmax", data.log_softmax, np.zeros((3, 0)), match=r"z must have a non-empty last axis"),
    case("log_softmax", data.log_softmax, np.arange(3), match="z must be a floating-point array"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", DATA_CASES)
def test_bad_data_input_raises(fn, args, kwargs, match):
    require("sklearn")
    check_raises(fn, args, kwargs, match)


# --- numbers for the prose and shared measurements ----------------------------------------------

AXIS3 = np.array([0.1, 0.2, 0.3])
_G = ol.Quadratic(np.diag([1.0, 3.0])).grad
MEASURE_CASES = [
    case("hessian", ol.hessian, _G, [1, 2], match="theta must be a floating-point array"),
    case("hessian", ol.hessian, _G, np.zeros((2, 2)), match=r"theta must be a non-empty 1-D array \(one point\), got shape \(2, 2\)"),
    case("hessian", ol.hessian, _G, np.zeros(2), 0.0, match=r"h must be in \(0, inf\), got 0.0"),
    case("hvp", ol.hvp, _G, np.zeros(2), np.zeros(3), match=r"v must have theta's shape \(2,\), got \(3,\)"),
    case("hvp", ol.hvp, _G, np.zeros(2), np.ones(2), -1e-5, match=r"h must be in \(0, inf\), got -1e-05"),
    case("top_eigenpair", ol.top_eigenpair, _G, np.zeros(2), iters=0, match=r"iters must be in \[1, inf\)"),
    case("top_eigenpair", ol.top_eigenpair, _G, np.zeros(2), v0=np.zeros(2), match="v0 must be a non-zero array"),
    case("sharpness", ol.sharpness, _G, np.zeros(2), iters=2.5, match="iters must be an integer"),
    case("lanczos_top", ol.lanczos_top, _G, np.zeros(2), k=0, match=r"k must be in \[1, inf\)"),
    case("lanczos_top", ol.lanczos_top, _G, np.zeros(2), v0=np.ones(3), match="v0 must be a non-zero array of theta's shape"),
    case("sharpness", ol.sharpness, _G, np.array([]), match=r"theta must be a non-empty 1-D array"),
    case("format_number", ol.format_number, "1", match="value must be a real number, got '1'"),
    case("format_number", ol.format_number, True, match="value must be a real number, got True"),
    case("format_number", ol.format_number, np.array([1.0, 2.0]), match="value must be a real number, got array"),
    case("format_number", ol.format_number, float("nan"), match="value must not be NaN"),
    case("format_number", ol.format_number, 1.0, ".3x", match=r"fmt must be one of '.Ng', '.Nf', '.Ne', '.N%'"),
    case("format_number", ol.format_number, 1.0, "3g", match=r"fmt must be one of .*, got '3g'"),
    case("format_number", ol.format_number, 1.0, None, match=r"fmt must be one of .*, got None"),
    case("number", ol.number, None, match="value must be a real number, got None"),
    case("number", ol.number, 0.5, "%", match=r"fmt must be one of .*, got '%'"),
    case("glue_number", ol.glue_number, "", 1.0, match="name must be a non-empty string, got ''"),
    case("glue_number", ol.glue_number, None, 1.0, match="name must be a non-empty string, got None"),
    case("glue_number", ol.glue_number, "x", "1.0", match="value must be a real number, got '1.0'"),
    case("glue_number", ol.glue_number, "x", 1.0, ".3", match=r"fmt must be one of .*, got '.3'"),
    case("steps_to_stay_below", ol.steps_to_stay_below, 1.0, 0.5, match="losses must have at least one dimension, got a scalar"),
    case("steps_to_stay_below", ol.steps_to_stay_below, [], 0.5, match="losses must not be empty"),
    case("steps_to_stay_below", ol.steps_to_stay_below, [1.0, 0.1], np.nan, match="target must be finite"),
    case("steps_to_stay_below", ol.steps_to_stay_below, [1.0, 0.1], "a", match="target must be a real number"),
    case("steps_to_stay_below", ol.steps_to_stay_below, ["a", "b"], 0.5, match="losses must be a real number or an array of real numbers"),
    case("steps_to_stay_below", ol.steps_to_stay_below, [[1.0], [1.0, 2.0]], 0.5, match="losses must be a real number or an array"),
    case("first_crossing", ol.first_crossing, np.zeros(0), 0.5, match="losses must not be empty"),
    case("first_crossing", ol.first_crossing, [1.0, 0.1], np.array([0.5, 0.2]), match="target must be a single real number"),
    case("first_crossing", ol.first_crossing, 2.0, 0.5, match="losses must have at least one dimension"),
    case("grid_best", ol.grid_best, np.ones((3, 3)), [AXIS3], match=r"axes must be a list of 2 arrays \(one per axis of values\)"),
    case("grid_best", ol.grid_best, np.ones(3), None, match="axes must be a list of 1 arrays"),
    case("grid_best", ol.grid_best, np.ones((3, 3)), [AXIS3, np.arange(4.0)], match=r"axes\[1\] must be 1-D with 3 points, got shape \(4,\)"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], names=["a", "b"], match="names must have 1 entries, got 2"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], names=[1], match="names must be a string, got 1"),
    case("grid_best", ol.grid_best, np.full(3, np.nan), [AXIS3], match="values must have at least one finite entry: every run diverged"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], rtol=-1.0, match=r"rtol must be in \[0, inf\), got -1.0"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], atol=np.nan, match="atol must be finite"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], lower_is_better="yes", match="lower_is_better must be True or False, got 'yes'"),
    case("grid_best", ol.grid_best, np.ones(3), [AXIS3], allow_edge=1, match="allow_edge must be True or False, got 1"),
    # a best on the grid's edge is a GridEdgeError, a ValueError that names the axis and the point
    case("grid_best", ol.grid_best, np.array([1.0, 2.0, 3.0]), [AXIS3], names=["lr"],
         match=r"the best value sits on the edge of the grid: lr = 0.1 is the first of its 3 points"),
    case("seed_spread", ol.seed_spread, [], match="values must not be empty"),
    case("seed_spread", ol.seed_spread, [np.nan, np.nan], match="values must have at least one finite entry"),
    case("seed_spread", ol.seed_spread, np.ones((2, 3)), match=r"values must hold one result per seed along axis -1, got shape \(2, 3\)"),
    case("seed_spread", ol.seed_spread, np.ones((1, 3)), axis=5, match=r"axis must be in \[-2, 1\]"),
    case("seed_spread", ol.seed_spread, np.ones((1, 3)), axis="a", match="axis must be an integer"),
    case("seed_spread", ol.seed_spread, ["a"], match="values must be a real number or an array of real numbers"),
]


@pytest.mark.parametrize("fn,args,kwargs,match", MEASURE_CASES)
def test_bad_measure_input_raises(fn, args, kwargs, match):
    check_raises(fn, args, kwargs, match)


# --- every public callable has a row -----------------------------------------------------------

MODULES = [functions, schedules, runner, explorer, plotting, quadratic_theory, data, mlp, muon, glued, measure, cnn,
           schedule_free, shampoo, style, hessian, adam_variants]
# Public names that are hooks behind a checked entry point (classes and functions without
# arguments are left out automatically: they take no input).
NOT_INPUT = {"Problem.value", "Problem.grad"}  # abstract; every concrete problem's own are covered
# Records that a checked function returns (grid_best, seed_spread, number): their constructors
# are not an entry point for input.
RESULTS = {"GridBest", "Spread", "Number"}
HOOKS = {"update", "init_state"}  # an optimizer's equations: ``step`` and ``init`` check their input
# Public callables whose bad input still escapes as another error, in files outside this change.
KNOWN_GAPS: dict[str, str] = {}  # public callables without a row yet, with what happens now


def _takes_input(obj):
    try:
        return bool(inspect.signature(obj).parameters)
    except (TypeError, ValueError):  # no signature to read
        return True


def _public_callables():
    found = set()

    def add_class(cls):
        if issubclass(cls, (tuple, BaseException)):  # NamedTuple records (states, Split), errors: no input
            return
        if _takes_input(cls):
            found.add(cls.__name__)
        for attr, value in vars(cls).items():
            if issubclass(cls, ol.Optimizer) and attr in HOOKS:
                continue
            if (not attr.startswith("_") or attr == "__call__") and (inspect.isfunction(value) or isinstance(value, classmethod)):
                if _takes_input(getattr(cls, attr)) and list(inspect.signature(getattr(cls, attr)).parameters) != ["self"]:
                    found.add(f"{cls.__name__}.{attr}")

    for mod in MODULES:
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isclass(obj):
                add_class(obj)
            elif inspect.isfunction(obj) and _takes_input(obj):
                found.add(name)
    for name in ol.__all__:
        obj = getattr(ol, name)
        if inspect.isclass(obj):
            add_class(obj)
        elif inspect.isfunction(obj) and _takes_input(obj):
            found.add(name)
    for cls in OPTIMIZERS:  # methods an optimizer defines besides the base class's
        add_class(cls)
    return found - NOT_INPUT - RESULTS


def _code(obj):
    """The code object that runs first when ``obj`` is called (a class: its __init__)."""
    if inspect.isclass(obj):
        obj = obj.__init__
    obj = getattr(obj, "__func__", obj)  # classmethods, bound methods
    obj = inspect.unwrap(obj)
    return getattr(obj, "__code__", None)


def _namespace():
    """Every public class and function by the name a row uses ('run', 'Adam', 'Optimizer.step')."""
    names = {}
    for mod in [*MODULES, ol]:
        for name, obj in vars(mod).items():
            if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj)):
                names.setdefault(name, obj)
    return names


def _resolve(qualname):
    """The code object behind a row's target or a public callable's name (inherited methods too)."""
    names = _namespace()
    head, _, attr = qualname.partition(".")
    obj = names[head]
    return _code(getattr(obj, attr) if attr else obj)


def _run_row(fn, args, kwargs, match):
    fig, ax = plt.subplots()
    try:
        args = tuple(ax if a is AX else ax.figure if a is FIG else a for a in args)
        return check_raises(fn, args, kwargs, match)
    finally:
        plt.close("all")


def test_every_public_callable_has_a_bad_input_row():
    """Counts the callables the rows actually call: every row is run, the public entry point
    its ValueError came out of is read from the traceback, and it must be the row's target."""
    require("ipywidgets")
    require("sklearn")
    mislabelled, covered = [], set()
    for target, fn, args, kwargs, match in ROWS:
        try:
            code = _run_row(fn, args, kwargs, match)
        except (Exception, pytest.fail.Exception) as exc:  # the row's own test reports it in full
            mislabelled.append(f"row {target!r} ({match[:40]!r}) fails: {str(exc).splitlines()[0][:120]}")
            continue
        if code is None or code != _resolve(target):
            where = "this file" if code is None else f"{code.co_name} ({code.co_filename}:{code.co_firstlineno})"
            mislabelled.append(f"row {target!r} ({match[:40]!r}) raised from {where}")
        else:
            covered.add(code)
    assert not mislabelled, "rows that fail or whose ValueError does not come from their target:\n" + "\n".join(mislabelled)
    public = _public_callables()
    missing = {name for name in public - set(KNOWN_GAPS) if _resolve(name) not in covered}
    assert not missing, f"public callables without a bad-input test: {sorted(missing)}"
    assert not {n for n in KNOWN_GAPS if _resolve(n) in covered}, "a known gap has a passing row now: remove it from KNOWN_GAPS"


def test_the_entry_point_is_the_callable_a_row_calls():
    """The coverage check reads the callable from the traceback, so a row cannot be labelled
    with a callable it never reaches."""
    code = check_raises(lambda: ol.run(ol.SGD(lr=0.1), ol.Rosenbrock(), np.zeros(2), -1), (), {}, "steps must be in")
    assert code is _resolve("run") and code is not _resolve("SGD")
    assert check_raises(ol.SGD, (), {"lr": -1.0}, "lr must be in") is _resolve("SGD")
    # a method inherited from a base class resolves to the base's code, under either name
    assert check_raises(ol.Adam().with_lr, (-1.0,), {}, "lr must be in") is _resolve("Optimizer.with_lr")
    assert _resolve("Adam.with_lr") is _resolve("Optimizer.with_lr")
    # an error raised by numpy itself, called straight from a row, is not optim_lib's entry point
    code = check_raises(lambda: np.zeros(2).reshape(3), (), {}, "cannot reshape")
    assert code not in {_resolve(n) for n in _public_callables()}
