"""Optional test dependencies: a missing one skips its tests locally, but fails them when its
REQUIRE flag is set (``.ci/run`` sets every flag, so CI never skips silently).

    REQUIRE_TORCH=1     torch, the test oracle, and the oracles built on it (schedulefree,
                        pytorch_optimizer, lion_pytorch), which .ci/run installs with it
    REQUIRE_WIDGETS=1   ipywidgets, for the explorers
    REQUIRE_SKLEARN=1   scikit-learn, for the digits data
"""

import importlib
import os

import pytest

FLAGS = {"torch": "REQUIRE_TORCH", "schedulefree": "REQUIRE_TORCH", "pytorch_optimizer": "REQUIRE_TORCH",
         "lion_pytorch": "REQUIRE_TORCH",
         "ipywidgets": "REQUIRE_WIDGETS", "sklearn": "REQUIRE_SKLEARN"}


def require(module: str):
    """Import ``module``, or skip the calling test (module) when it is missing; with its REQUIRE
    flag set, a missing module is an ImportError, which fails the test."""
    flag = FLAGS[module]
    if os.environ.get(flag) == "1":
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            raise ImportError(f"{module} is required ({flag}=1) but cannot be imported: {exc}") from exc
    return pytest.importorskip(module, reason=f"{module} is not installed (set {flag}=1 to make this a failure)")
