"""ol.glue_number and its formatter: the text a page shows for a number (issue 12). Values are
checked against the strings written out by hand; glue_number is checked for what it glues."""

import math

import numpy as np
import pytest

import optim_lib as ol
from optim_lib.display.glued import MINUS, NNBSP

TIMES = f"{NNBSP}×{NNBSP}"


@pytest.mark.parametrize("value,fmt,text", [
    (0.5450352015816805, ".3g", "0.545"),
    (0.5450352015816806, ".3g", "0.545"),            # the two machines' values print the same
    (43.968737906869954, ".4g", "43.97"),
    (1.1e-16, ".2g", f"1.1{TIMES}10⁻¹⁶"),
    (1.5e20, ".2g", f"1.5{TIMES}10²⁰"),
    (1e-6, ".2g", "10⁻⁶"),                            # a mantissa of 1 is left out
    (-1e-6, ".2g", f"{MINUS}10⁻⁶"),
    (12345.678, ".3e", f"1.235{TIMES}10⁴"),
    (1.0, ".1e", f"1.0{TIMES}10⁰"),                   # .e keeps its mantissa
    (-0.5, ".2g", f"{MINUS}0.5"),
    (-0.001, ".2f", "0.00"),                          # no "−0.00"
    (-0.004, ".1%", f"{MINUS}0.4%"),
    (-0.00001, ".0%", "0%"),
    (0.55, ".0%", "55%"),
    (0.1234, ".1%", "12.3%"),
    (2.5, ".2f", "2.50"),
    (math.inf, ".3g", "∞"),
    (-math.inf, ".3g", f"{MINUS}∞"),
    (np.float32(0.1), ".3g", "0.1"),
    (137, ".3g", "137"),                              # integers are exact whatever fmt says
    (np.int64(-12345), ".2g", f"{MINUS}12345"),
])
def test_format_number(value, fmt, text):
    assert ol.format_number(value, fmt) == text


def test_number_holds_the_rounded_value_and_reprs_as_its_text():
    n = ol.number(0.5450352015816805, ".3g")
    assert n.text == "0.545" and n.value == 0.545 and str(n) == "0.545"
    assert repr(n) == "'0.545'"            # myst-nb reads text/plain with literal_eval: a string stays "0.545"
    assert ol.number(1.50, ".2f").text == "1.50" and repr(ol.number(1.50, ".2f")) == "'1.50'"
    assert ol.number(0.1234, ".1%").value == pytest.approx(0.123, rel=1e-15)  # 12.3 / 100, one ulp from 0.123
    assert ol.number(7, ".2g").value == 7.0
    assert ol.number(1.1e-16, ".2g").value == 1.1e-16
    assert ol.number(-math.inf).value == -math.inf


def test_glue_number_glues_the_text_not_the_float(monkeypatch):
    import myst_nb

    glued = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, obj, display=True: glued.append((name, obj, display)))
    out = ol.glue_number("momentum-best-rate", 0.5450352015816805, ".3f")
    (name, obj, display), = glued
    assert name == "momentum-best-rate" and display is False
    assert isinstance(out, ol.Number) and out.text == "0.545" and repr(obj) == "'0.545'"
    assert ol.glue_number("steps", 142).text == "142"
    assert glued[-1][1].text == "142"


def test_glue_number_pastes_prefix_and_unit_as_one_unbreakable_piece(monkeypatch):
    import myst_nb

    glued = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, obj, display=True: glued.append(obj))
    out = ol.glue_number("eta", 0.9, ".2g", prefix="η = ")
    assert out.text == "0.9" and glued[-1].text == "η\u00a0=\u00a00.9"
    ol.glue_number("frac", 0.25, ".0%", unit=" of runs")
    assert glued[-1].text == "25%\u00a0of\u00a0runs"
    with pytest.raises(ValueError, match="prefix and unit must be strings"):
        ol.glue_number("x", 1.0, prefix=None)


def test_a_glued_number_is_glued_but_not_shown_under_its_cell():
    """A cell ending in glue_number(...) must not print the number (it belongs in the prose), and
    what myst-nb records is the quoted text, which its formatter can see."""
    from IPython.core.formatters import format_display_data

    out = ol.number(-1.5e-16, ".2g")
    assert out._ipython_display_() is None
    data, _ = format_display_data(ol.display.glued._Pasted(out.text))
    assert data["text/plain"] == repr("\u22121.5\u202f×\u202f10⁻¹⁶")


def test_a_glued_number_never_shows_a_floats_last_bits():
    """Whatever the input, the stored text has no more digits than the format asks for."""
    rng = np.random.default_rng(0)
    for x in 10.0 ** rng.uniform(-20, 20, 200) * rng.choice([-1, 1], 200):
        for fmt, most in ((".3g", 3), (".2e", 3)):
            text = ol.format_number(x, fmt)
            mantissa = text.split(NNBSP)[0].replace(MINUS, "")
            digits = mantissa.replace(".", "").lstrip("0")
            assert len(digits) <= most, (x, fmt, text)
