"""pdf2md: convert PDFs to clean, faithful Markdown.

Example:
    >>> import pdf2md
    >>> result = pdf2md.convert("paper.pdf")  # doctest: +SKIP
    >>> print(result.markdown)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pdf2md.onnx_env import set_telemetry_env

# before any pdf2md module imports pymupdf, which starts ONNX Runtime (and its telemetry
# files) at import; see pdf2md.onnx_env for why this cannot wait for a backend's load()
set_telemetry_env()

__version__ = "0.1.0"

__all__ = ["Converter", "__version__", "convert"]

if TYPE_CHECKING:
    from pdf2md.model import Result
    from pdf2md.pipeline import Converter


def convert(path: Any, **kwargs: Any) -> Result:
    """Convert one PDF; see :func:`pdf2md.pipeline.convert` for the arguments."""
    from pdf2md.pipeline import convert as _convert

    return _convert(path, **kwargs)


def __getattr__(name: str) -> Any:
    """``pdf2md.Converter``, imported on first use (importing pdf2md stays cheap)."""
    if name == "Converter":
        from pdf2md.pipeline import Converter

        return Converter
    raise AttributeError(f"module 'pdf2md' has no attribute {name!r}")
