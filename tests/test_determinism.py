"""Every chapter gives the same text twice: each notebook is executed two times (nbclient, two
notebooks at a time) and the text outputs compared: text/plain, stream text and the glue
records (glued values are display outputs whose text/plain is the value).

Slow (two executions of the whole book), so it runs two kernels in parallel; set
SKIP_DETERMINISM=1 to leave it out of a quick local run. Cells tagged nbval-ignore-output
(the to_jshtml animations) are not compared.
"""

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

pytestmark = pytest.mark.skipif(os.environ.get("SKIP_DETERMINISM") == "1", reason="SKIP_DETERMINISM=1")


def text_outputs(path: str) -> list:
    """Execute the notebook at ``path`` in a fresh kernel; return each cell's text outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        texts = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                texts.append((out.name, out.text))
            elif out.output_type in ("execute_result", "display_data"):
                glue = out.get("metadata", {}).get("scrapbook", {}).get("name")
                texts.append(("glue:" + glue if glue else out.output_type, out.get("data", {}).get("text/plain")))
            elif out.output_type == "error":
                texts.append(("error", f"{out.ename}: {out.evalue}"))
        cells.append((i, texts))
    return cells


@pytest.fixture(scope="module")
def two_runs():
    jobs = [str(p) for p in CHAPTERS for _ in range(2)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(text_outputs, jobs))
    return {p.stem: (results[2 * k], results[2 * k + 1]) for k, p in enumerate(CHAPTERS)}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_two_executions_give_the_same_text(path, two_runs):
    first, second = two_runs[path.stem]
    errors = [t for _, ts in first for t in ts if t[0] == "error"]
    assert not errors, f"{path.name} raised: {errors}"
    stderr = [(i, t[1][:200]) for i, ts in first for t in ts if t[0] == "stderr"]
    assert not stderr, f"{path.name} wrote to stderr (a warning?) in cells {stderr}"
    for (i, a), (_, b) in zip(first, second):
        assert a == b, f"{path.name}, cell {i}: the text outputs differ between two runs"
    assert len(first) == len(second)
