"""How nbval compares the chapters (pytest loads this file for chapters/*.ipynb; the book builds
only the files in _toc.yml, so it never sees it).

1. Figures are not compared byte for byte. nbval skips ``image/png`` but compares a glued
   figure's ``application/papermill.record/image/png`` as text, and a figure's PNG bytes change
   with the CPU (one intensity level in two pixels fails the cell). That key leaves nbval's
   comparison; instead every figure the stored notebook has (glued, by its glue name, or
   displayed) must be in the fresh output of the same cell, in the same order, and decode as a
   PNG. The glue names of every glued output are compared too (nbval ignores metadata, where
   they live).
2. A fresh run writes nothing to stderr, in any cell (also in cells tagged nbval-ignore-output,
   whose outputs nbval does not compare).
3. Under ``NBVAL_OTHER_KERNEL=1`` (``make portability``), before a notebook's first cell runs its
   kernel is asked, with threadpoolctl, which OpenBLAS core type and thread count it uses and
   which numpy SIMD loops are on: the core type must differ from the one this machine picks by
   default, BLAS must use one thread, and the features named in NPY_DISABLE_CPU_FEATURES must
   be off. Otherwise the run would compare nothing new and pass for the wrong reason.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import subprocess
import sys

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

GLUED_PNG = "application/papermill.record/image/png"
OTHER_KERNEL_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "NPY_DISABLE_CPU_FEATURES", "NBVAL_OTHER_KERNEL")

# Evaluated in the notebook's kernel as a user expression (no output, no name left behind).
# numpy first: threadpoolctl lists only the BLAS libraries already loaded.
KERNEL_QUERY = (
    "{'simd': sorted(k for k, v in __import__('numpy')._core._multiarray_umath.__cpu_features__.items() if v),"
    " 'blas': [(i['internal_api'], i.get('architecture'), i['num_threads'])"
    " for i in __import__('threadpoolctl').threadpool_info() if i['user_api'] == 'blas']}"
)


def png_problem(data) -> str | None:
    """None if ``data`` (base64 text, as a notebook stores it) decodes as a PNG image, else why not."""
    from PIL import Image

    if isinstance(data, list):
        data = "".join(data)
    if not isinstance(data, str) or not data.strip():
        return "no PNG data"
    try:
        raw = base64.b64decode(data, validate=False)
        with Image.open(io.BytesIO(raw)) as im:
            if im.format != "PNG":
                return f"decodes as {im.format}, not PNG"
            im.load()  # decodes every pixel: a truncated or garbled stream raises here
            if im.width < 2 or im.height < 2:
                return f"a {im.width}x{im.height} image is not a figure"
    except Exception as exc:  # PIL raises several types for bad data; all mean "not a PNG"
        return f"does not decode as a PNG ({type(exc).__name__}: {exc})"
    return None


def figures(outputs) -> list:
    """(label, PNG data) for every figure among ``outputs``: glued ones by glue name, displayed
    ones as 'displayed figure k'."""
    found, shown = [], 0
    for out in outputs:
        data = out.get("data", {}) or {}
        name = (out.get("metadata", {}) or {}).get("scrapbook", {}).get("name")
        for key in (GLUED_PNG, "image/png"):
            if key in data:
                if name is None:
                    shown += 1
                found.append((f"glued figure '{name}'" if name else f"displayed figure {shown}", data[key]))
    return found


def glue_names(outputs) -> list:
    return [(out.get("metadata", {}) or {}).get("scrapbook", {}).get("name") for out in outputs
            if (out.get("metadata", {}) or {}).get("scrapbook", {}).get("name")]


def check_fresh_outputs(stored, fresh) -> list:
    """What is wrong with a cell's fresh outputs beside its stored ones (nbval compares the rest)."""
    problems = []
    stderr = "".join(o.get("text", "") for o in fresh if o.get("output_type") == "stream" and o.get("name") == "stderr")
    if stderr:
        problems.append(f"the fresh run wrote to stderr: {stderr[:500]!r}")
    if glue_names(stored) != glue_names(fresh):
        problems.append(f"glue names differ: stored {glue_names(stored)}, fresh {glue_names(fresh)}")
    want, got = figures(stored), figures(fresh)
    if [label for label, _ in want] != [label for label, _ in got]:
        problems.append(f"figures differ: stored {[l for l, _ in want]}, fresh {[l for l, _ in got]}")
    for label, data in got:
        why = png_problem(data)
        if why:
            problems.append(f"the fresh {label} {why}")
    return problems


# --- the other kernel -------------------------------------------------------------------------

_DEFAULT_KERNEL = None


def default_kernel() -> dict:
    """The OpenBLAS core type and numpy SIMD features of a process started without the
    other-kernel variables (what this machine picks by itself)."""
    global _DEFAULT_KERNEL
    if _DEFAULT_KERNEL is None:
        env = {k: v for k, v in os.environ.items() if k not in OTHER_KERNEL_VARS}
        out = subprocess.run([sys.executable, "-c", f"print(repr({KERNEL_QUERY}))"], env=env, check=True,
                             capture_output=True, text=True).stdout
        _DEFAULT_KERNEL = ast.literal_eval(out.strip())
    return _DEFAULT_KERNEL


def kernel_problems(seen: dict, default: dict, env) -> list:
    """Why the kernel ``seen`` is not the other kernel that ``env`` asks for."""
    problems = []
    blas = [b for b in seen["blas"] if b[0] == "openblas"]
    if not blas:
        return [f"no OpenBLAS loaded in the kernel: {seen['blas']}"]
    default_arch = {b[1] for b in default["blas"] if b[0] == "openblas"}
    for api, arch, threads in blas:
        if arch in default_arch:
            problems.append(f"OpenBLAS uses core type {arch}, the same as this machine's default: "
                            f"OPENBLAS_CORETYPE={env.get('OPENBLAS_CORETYPE')!r} had no effect")
        if threads != 1:
            problems.append(f"OpenBLAS uses {threads} threads, not 1 (OPENBLAS_NUM_THREADS={env.get('OPENBLAS_NUM_THREADS')!r})")
    disabled = env.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    if not disabled:
        problems.append("NPY_DISABLE_CPU_FEATURES is not set: numpy's SIMD loops are this machine's default")
    still_on = [f for f in disabled if f in seen["simd"]]
    if still_on:
        problems.append(f"numpy still uses {still_on} although NPY_DISABLE_CPU_FEATURES names them")
    if disabled and not [f for f in disabled if f in default["simd"]]:
        problems.append(f"none of {disabled} is on by default here, so disabling them changes nothing")
    return problems


def query_kernel(nbfile: IPyNbFile, timeout: float = 60) -> dict:
    kc = nbfile.kernel.kc
    msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"k": KERNEL_QUERY})
    while True:
        msg = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            result = msg["content"]["user_expressions"]["k"]
            if result.get("status") != "ok":
                raise RuntimeError(f"the kernel query failed: {result}")
            return ast.literal_eval(result["data"]["text/plain"])


# --- hooks --------------------------------------------------------------------------------------

def _checked_runtest(item: IPyNbCell, first: bool):
    original = item.runtest

    def runtest():
        if first and os.environ.get("NBVAL_OTHER_KERNEL") == "1":
            problems = kernel_problems(query_kernel(item.parent), default_kernel(), os.environ)
            if problems:
                item.raise_cell_error("The other-kernel run does not run another kernel", "\n".join(problems))
        original()
        if item.test_outputs is None:  # a skipped cell
            return
        problems = check_fresh_outputs(item.cell.get("outputs", []), item.test_outputs)
        if problems:
            item.raise_cell_error("Cell outputs differ (figures, glue names or stderr)", "\n".join(problems))

    return runtest


def pytest_collection_modifyitems(session, config, items):
    seen_files = set()
    for item in items:
        if not isinstance(item, IPyNbCell):
            continue
        nbfile = item.parent
        if GLUED_PNG not in nbfile.skip_compare:
            nbfile.skip_compare = tuple(nbfile.skip_compare) + (GLUED_PNG,)
        item.runtest = _checked_runtest(item, first=nbfile not in seen_files)
        seen_files.add(nbfile)


def pytest_report_header(config):
    if os.environ.get("NBVAL_OTHER_KERNEL") == "1":
        d = default_kernel()
        return (f"other kernel: OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} "
                f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')} "
                f"NPY_DISABLE_CPU_FEATURES={os.environ.get('NPY_DISABLE_CPU_FEATURES')!r}; "
                f"this machine's default: {json.dumps(d['blas'])}")
