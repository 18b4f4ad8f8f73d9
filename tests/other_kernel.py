"""The environment of the portability run (`make portability`): another OpenBLAS kernel,
one BLAS thread, and numpy's SIMD loops dispatched for this CPU switched off, so every float
that depends on the kernel, the summation order or the vector width changes its last bits.

    OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=1 NPY_DISABLE_CPU_FEATURES='X86_V3' NBVAL_OTHER_KERNEL=1

`python tests/other_kernel.py ARGS...` runs `python ARGS...` in that environment (the Makefile
passes nbval's command line); without arguments it prints the variables.

The core type is Sandybridge (AVX without FMA) unless this machine picks it by default or has no
AVX, then Prescott (SSE3, on every x86-64). The numpy features are those dispatched at run time
and found on this CPU (numpy refuses to disable the baseline ones). chapters/conftest.py checks
in every notebook's kernel that the kernel really changed.
"""

import ast
import os
import subprocess
import sys

VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "NPY_DISABLE_CPU_FEATURES", "NBVAL_OTHER_KERNEL")
QUERY = (
    "import numpy, threadpoolctl\n"
    "from numpy._core import _multiarray_umath as m\n"
    "print(repr({'arch': [i.get('architecture') for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'],"
    " 'found': [k for k, v in m.__cpu_features__.items() if v], 'dispatch': list(m.__cpu_dispatch__)}))"
)


def machine() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    out = subprocess.run([sys.executable, "-c", QUERY], env=env, check=True, capture_output=True, text=True).stdout
    return ast.literal_eval(out.strip())


def other_kernel_env(m: dict) -> dict:
    core = "Sandybridge" if "AVX" in m["found"] and "Sandybridge" not in m["arch"] else "Prescott"
    env = {"OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": "1", "NBVAL_OTHER_KERNEL": "1"}
    off = [f for f in m["dispatch"] if f in m["found"]]
    if off:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(off)
    return env


if __name__ == "__main__":
    env = other_kernel_env(machine())
    print(" ".join(f"{k}='{v}'" for k, v in env.items()), flush=True)
    if len(sys.argv) > 1:
        os.execve(sys.executable, [sys.executable, *sys.argv[1:]], {**os.environ, **env})
