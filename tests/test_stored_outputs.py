"""What every chapter stores is what a reader may see: outputs present, and none that is an
error, a warning, stderr, a timing or a memory address (nbval compares text outputs, and the
book shows them). Warnings are fixed where they arise, not filtered.

Stored outputs must also hold on any machine (issue 12), so they may not depend on a float's
last bits: no text output or glue record shows a float with 10 or more significant digits
(numbers are rounded where they are made, by ``ol.glue_number`` or a print format), no
``{glue:text}`` role carries its own format spec (the format lives in the ``ol.glue_number``
call), and every glued figure is a PNG that decodes."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("chapters_conftest", ROOT / "chapters" / "conftest.py")
chapters_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(chapters_conftest)

# A decimal float literal (digits with a point, optional exponent), not part of a longer word,
# version or dotted name: integers and hex digests have no point and never match.
FLOAT = re.compile(r"(?<![\w.])[-+\u2212]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
MAX_DIGITS = 9
TEXT_KEYS = ("text/plain", "text/markdown", "text/html", "text/latex")
# {glue:text}`name` or {glue:text}`name:.3g`; a colon inside the backticks is a format spec.
GLUE_TEXT = re.compile(r"\{glue:text\}`([^`]*)`")
RUN_DEPENDENT = re.compile(r"0x[0-9a-f]{6,}|Wall time|CPU times|\d+(\.\d+)? ?(ms|µs) per loop")
WARNING = re.compile(r"\b\w*Warning\b|\bwarnings\.warn\b")


def outputs(path):
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = out.get("data", {})
            text = "".join(out.get("text", "")) + "".join(
                "".join(v) for k, v in data.items() if k.endswith("text/plain"))
            yield i, cell, out, text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_stores_clean_outputs(path):
    code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert any(c.get("outputs") for c in code), "no stored outputs: nbval compares against them"
    for i, cell, out, text in outputs(path):
        assert out["output_type"] != "error", f"cell {i} stores an error"
        assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"cell {i} stores stderr: {text[:200]}"
        assert not WARNING.search(text), f"cell {i} stores a warning: {text[:200]}"
        if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
            assert not RUN_DEPENDENT.search(text), f"cell {i} stores run-dependent text: {text[:200]}"


def significant_digits(literal: str) -> int:
    """The significant digits a float literal shows: '0.5450352015816805' has 16, '1.50' 3,
    '1.3847091798345588e-08' 17 (leading zeros do not count; shown trailing zeros do)."""
    mantissa = re.split(r"[eE]", literal)[0].lstrip("+-\u2212")
    return len(mantissa.replace(".", "").lstrip("0"))


def long_floats(text: str) -> list:
    return [m.group() for m in FLOAT.finditer(text) if significant_digits(m.group()) > MAX_DIGITS]


def test_significant_digits_and_the_float_pattern():
    assert significant_digits("0.5450352015816805") == 16
    assert significant_digits("43.968737906869954") == 17
    assert significant_digits("1.3847091798345588e-08") == 17
    assert significant_digits("0.00012") == 2 and significant_digits("1.50") == 3
    assert long_floats("loss 0.5450352015816805 after 142 steps") == ["0.5450352015816805"]
    assert long_floats("\u22120.12345678901") == ["\u22120.12345678901"]
    assert long_floats("10.000000000000002") == ["10.000000000000002"]
    # not floats: integers, hex digests, versions, dotted names; short floats are fine
    assert long_floats("seed 12345678901234 md5 3d68d9731309a1b2 numpy 2.4.6 a.b1234567890 0.545 1e-16") == []
    assert long_floats("<Figure size 900x342 with 2 Axes>") == []


def stored_texts(path):
    """(cell index, text) for every text output of every code cell not tagged nbval-ignore-output:
    stream text and each text/* of a display (glue records included)."""
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code" or "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                yield i, "".join(out["text"])
            for key, value in out.get("data", {}).items():
                if key.endswith(TEXT_KEYS):
                    yield i, "".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_stored_text_shows_a_floats_last_bits(path):
    found = [(i, f) for i, text in stored_texts(path) for f in long_floats(text)]
    assert not found, (f"{len(found)} stored floats with more than {MAX_DIGITS} significant digits (they change "
                       f"with the CPU; round them with ol.glue_number or a print format): {found[:10]}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_glue_text_roles_carry_no_format_spec(path):
    cells = json.loads(path.read_text())["cells"]
    specs = [(i, role) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             for role in GLUE_TEXT.findall("".join(c["source"])) if ":" in role]
    assert not specs, (f"{len(specs)} {{glue:text}} roles with a format spec (move it into ol.glue_number and "
                       f"write {{glue:text}}`name`): {specs[:10]}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_glued_figure_decodes_as_a_png(path):
    bad = []
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for label, data in chapters_conftest.figures(cell.get("outputs", [])):
            why = chapters_conftest.png_problem(data)
            if why:
                bad.append((i, label, why))
    assert not bad, f"stored figures that are not PNGs: {bad}"


PHONE_COLUMN_PX = 342  # the text column of a 390 px phone, in CSS pixels (issue 17)


def png_size_and_dpi(data: str) -> tuple[int, int, float]:
    """(width px, height px, dots per inch) of a base64 PNG; 72 dpi when it has no pHYs chunk."""
    import base64
    import struct

    raw = base64.b64decode(data)
    width, height = struct.unpack(">II", raw[16:24])
    dpi, pos = 72.0, 8
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        if kind == b"pHYs":
            x, _, unit = struct.unpack(">IIB", raw[pos + 8:pos + 17])
            if unit == 1:
                dpi = x * 0.0254
            break
        if kind == b"IDAT":
            break
        pos += 12 + length
    return width, height, dpi


def test_png_size_and_dpi_reads_what_matplotlib_writes():
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4.0, 2.0), dpi=125)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=125)
    plt.close(fig)
    w, h, dpi = png_size_and_dpi(base64.b64encode(buf.getvalue()).decode())
    assert (w, h) == (500, 250) and dpi == pytest.approx(125, abs=0.01)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_is_drawn_for_the_phone_column(path):
    """A figure wider than 342 pt is shrunk on a phone below one screen pixel per point, and its
    text with it (the browser check measures the same in the built page, at 390 and 1280 px)."""
    wide = []
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for label, data in chapters_conftest.figures(cell.get("outputs", [])):
            w, _, dpi = png_size_and_dpi(data if isinstance(data, str) else "".join(data))
            points = w / dpi * 72
            if points > PHONE_COLUMN_PX:
                wide.append((i, label, f"{points:.0f} pt"))
    assert not wide, f"figures wider than the {PHONE_COLUMN_PX} pt phone column: {wide}"
