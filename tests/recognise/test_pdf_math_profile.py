"""The scientific profile: valid, and every name in its equation route is registered."""

from __future__ import annotations

from pdf2md.backend import BackendContext
from pdf2md.profile import resolve_profile
from pdf2md.recognise.nougat import NougatRecogniser
from pdf2md.recognise.pdf_math import PdfMathRecogniser
from pdf2md.registry import RECOGNISERS


def test_scientific_profile_routes_equations_through_nougat_then_text_layer() -> None:
    profile = resolve_profile("scientific").profile
    assert profile.route.equation == ["nougat", "pdf-math", "image-crop"]
    assert all(name in RECOGNISERS for name in profile.route.equation)
    context = BackendContext(profile)
    assert NougatRecogniser(context).options.model == "nougat-small"
    assert PdfMathRecogniser(context).options.min_confidence == 0.5


def test_registry_resolves_the_math_recognisers() -> None:
    assert RECOGNISERS.resolve("pdf-math") is PdfMathRecogniser
    assert RECOGNISERS.resolve("nougat") is NougatRecogniser
    assert RECOGNISERS.resolve("nougat-page").__name__ == "NougatPageRecogniser"
