"""Document -> JSON: every block with page, bbox, kind, order and the recogniser that read it."""

from __future__ import annotations

import json
from typing import Any

from pdf2md.model import Document


def document_dict(doc: Document) -> dict[str, Any]:
    """The document as plain JSON-ready data (pydantic's JSON mode)."""
    data: dict[str, Any] = doc.model_dump(mode="json")
    return data


def render_json(doc: Document, *, indent: int | None = 2) -> str:
    """The document as a JSON string (UTF-8, not ASCII-escaped)."""
    return json.dumps(document_dict(doc), indent=indent, ensure_ascii=False) + "\n"
