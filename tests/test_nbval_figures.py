"""chapters/conftest.py: nbval no longer compares glued PNG bytes, and checks instead that every
stored figure comes back under the same glue name as a PNG that decodes; a fresh run writes no
stderr; the other-kernel run refuses a kernel that did not change.

The end-to-end test runs nbval (with that conftest) on small notebooks in a temporary folder:
a figure redrawn with other bytes passes; a garbled PNG, a missing figure, a renamed glue and a
write to stderr each fail their cell."""

import base64
import importlib.util
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("chapters_conftest", ROOT / "chapters" / "conftest.py")
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)

PREFIX = "application/papermill.record/"


def png(color, size=(6, 4)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def glued(name, data):
    return {"output_type": "display_data", "metadata": {"scrapbook": {"name": name, "mime_prefix": PREFIX}},
            "data": {PREFIX + "image/png": data, PREFIX + "text/plain": "<Figure size 6x4 with 1 Axes>"}}


def test_png_problem_accepts_a_png_and_names_what_is_wrong_otherwise():
    assert cc.png_problem(png("red")) is None
    assert cc.png_problem([png("red")[:20], png("red")[20:]]) is None  # nbformat may split lines
    assert "no PNG data" in cc.png_problem("")
    raw = base64.b64decode(png("red"))
    truncated = base64.b64encode(raw[: len(raw) // 2]).decode()
    assert "does not decode" in cc.png_problem(truncated)
    assert "does not decode" in cc.png_problem(base64.b64encode(b"not an image at all").decode())
    buf = io.BytesIO()
    Image.new("RGB", (6, 4), "red").save(buf, format="JPEG")
    assert "JPEG" in cc.png_problem(base64.b64encode(buf.getvalue()).decode())
    assert "1x1" in cc.png_problem(png("red", (1, 1)))


def test_check_fresh_outputs():
    stored = [glued("fig-a", png("red")), glued("fig-b", png("red"))]
    assert cc.check_fresh_outputs(stored, [glued("fig-a", png("blue")), glued("fig-b", png("green"))]) == []
    (p,) = cc.check_fresh_outputs(stored, [glued("fig-a", png("blue")), glued("fig-b", "AAAA")])
    assert "fig-b" in p and "does not decode" in p
    problems = cc.check_fresh_outputs(stored, [glued("fig-a", png("blue"))])
    assert any("figures differ" in p for p in problems)
    problems = cc.check_fresh_outputs(stored, [glued("fig-b", png("blue")), glued("fig-a", png("blue"))])
    assert any("glue names differ" in p for p in problems)
    stderr = {"output_type": "stream", "name": "stderr", "text": "UserWarning: x\n"}
    assert any("stderr" in p for p in cc.check_fresh_outputs([], [stderr]))
    shown = {"output_type": "display_data", "metadata": {}, "data": {"image/png": png("red"), "text/plain": "<Figure>"}}
    assert cc.check_fresh_outputs([shown], [shown]) == []
    assert any("displayed figure 1" in p for p in cc.check_fresh_outputs([shown], []))


def test_kernel_problems():
    default = {"simd": ["AVX2", "X86_V3"], "blas": [("openblas", "Haswell", 2)]}
    env = {"OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_NUM_THREADS": "1", "NPY_DISABLE_CPU_FEATURES": "X86_V3"}
    assert cc.kernel_problems({"simd": ["AVX2"], "blas": [("openblas", "Sandybridge", 1)]}, default, env) == []
    same = cc.kernel_problems({"simd": ["AVX2"], "blas": [("openblas", "Haswell", 1)]}, default, env)
    assert len(same) == 1 and "same as this machine's default" in same[0]
    threads = cc.kernel_problems({"simd": ["AVX2"], "blas": [("openblas", "Sandybridge", 2)]}, default, env)
    assert len(threads) == 1 and "2 threads" in threads[0]
    simd = cc.kernel_problems({"simd": ["AVX2", "X86_V3"], "blas": [("openblas", "Sandybridge", 1)]}, default, env)
    assert len(simd) == 1 and "still uses ['X86_V3']" in simd[0]
    assert any("not set" in p for p in cc.kernel_problems({"simd": [], "blas": [("openblas", "Sandybridge", 1)]},
                                                            default, {"OPENBLAS_CORETYPE": "Sandybridge"}))
    assert cc.kernel_problems({"simd": [], "blas": []}, default, env)[0].startswith("no OpenBLAS")


def notebook(cells):
    """A notebook of code cells, each given as (source, stored outputs, tags)."""
    return {"cells": [{"cell_type": "code", "execution_count": i + 1, "id": f"c{i}", "metadata": {"tags": list(tags)},
                       "source": code, "outputs": outputs} for i, (code, outputs, tags) in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


DISPLAY = ("from IPython.display import display\n"
           "display({{'{p}image/png': {data!r}, '{p}text/plain': '<Figure size 6x4 with 1 Axes>'}}, raw=True,\n"
           "        metadata={{'scrapbook': {{'name': {name!r}, 'mime_prefix': '{p}'}}}})\n")
NO_PNG = ("from IPython.display import display\n"
          "display({{'{p}text/plain': '<Figure size 6x4 with 1 Axes>'}}, raw=True,\n"
          "        metadata={{'scrapbook': {{'name': {name!r}, 'mime_prefix': '{p}'}}}})\n")


def nbval(folder, *notebooks):
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-rA",
                           "-p", "no:cacheprovider", "-p", "no:xdist", *notebooks],
                          cwd=folder, capture_output=True, text=True, timeout=300).stdout


def test_nbval_with_the_chapters_conftest_end_to_end(tmp_path):
    stored = [glued("fig-a", png("red"))]
    cells = [
        (DISPLAY.format(p=PREFIX, data=png("blue"), name="fig-a"), stored, []),       # 0: other bytes, passes
        (DISPLAY.format(p=PREFIX, data=png("blue")[:40], name="fig-a"), stored, []),  # 1: garbled PNG
        (DISPLAY.format(p=PREFIX, data=png("blue"), name="fig-b"), stored, []),       # 2: renamed glue
        # 3: the glue record is there, its PNG is not (nbval alone compares only the text/plain)
        (NO_PNG.format(p=PREFIX, name="fig-a"), stored, []),
        # 4: stderr in a cell whose outputs nbval does not compare
        (DISPLAY.format(p=PREFIX, data=png("blue"), name="fig-a") + "import sys; print('oops', file=sys.stderr)\n",
         stored, ["nbval-ignore-output"]),
    ]
    (tmp_path / "figures.ipynb").write_text(json.dumps(notebook(cells)))
    # Without the conftest, nbval compares the PNG text: it fails the redrawn figure (cell 0) and
    # passes the stderr of an ignored cell (cell 4).
    plain = nbval(tmp_path, "figures.ipynb")
    assert "FAILED figures.ipynb::Cell 0" in plain, plain[-3000:]
    assert "PASSED figures.ipynb::Cell 4" in plain, plain[-3000:]
    shutil.copy(ROOT / "chapters" / "conftest.py", tmp_path / "conftest.py")
    out = nbval(tmp_path, "figures.ipynb")
    assert "PASSED figures.ipynb::Cell 0" in out, out[-3000:]
    for bad in (1, 2, 3, 4):
        assert f"FAILED figures.ipynb::Cell {bad}" in out, out[-3000:]
    assert "the fresh glued figure 'fig-a' does not decode as a PNG" in out
    assert "glue names differ: stored ['fig-a'], fresh ['fig-b']" in out
    assert "figures differ: stored [\"glued figure 'fig-a'\"], fresh []" in out
    assert "the fresh run wrote to stderr: 'oops\\n'" in out
