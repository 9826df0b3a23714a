"""olmOCR-bench unit tests: the test record, the JSONL loader, and one verdict type.

A test file is JSONL, one test per line, with ``pdf`` (relative to the folder's ``pdfs/``),
``page`` (1-based), ``id``, ``type`` and type-specific fields (see ``docs/eval.md``). The judging
code is in :mod:`pdf2md.eval.olmocr`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TEST_TYPES = ("present", "absent", "order", "table", "math", "baseline")
_REQUIRED = {
    "present": ("text",),
    "absent": ("text",),
    "order": ("before", "after"),
    "table": ("cell",),
    "math": ("math",),
    "baseline": (),
}


@dataclass(frozen=True)
class BenchTest:
    """One olmOCR-style test. Fields that do not apply to the test's type stay None."""

    id: str
    pdf: str
    page: int
    type: str
    max_diffs: int = 0
    text: str | None = None
    case_sensitive: bool = True
    first_n: int | None = None
    last_n: int | None = None
    before: str | None = None
    after: str | None = None
    cell: str | None = None
    up: str | None = None
    down: str | None = None
    left: str | None = None
    right: str | None = None
    top_heading: str | None = None
    left_heading: str | None = None
    math: str | None = None
    max_length: int | None = None
    max_repeats: int = 30
    check_disallowed_characters: bool = True

    @property
    def page_index(self) -> int:
        """0-based page index."""
        return self.page - 1


@dataclass(frozen=True)
class Verdict:
    """The outcome of one test on one converter's output.

    For a failed text test (``present``, ``absent``, ``order``), ``expected`` is the test's text
    and ``closest`` the window of the (normalised) output that matched it best; both are empty
    where they do not apply.
    """

    test_id: str
    test_type: str
    passed: bool
    explanation: str = ""
    expected: str = ""
    closest: str = ""


_FIELD_NAMES = frozenset(f.name for f in fields(BenchTest))


def parse_test_record(record: dict[str, Any]) -> BenchTest | None:
    """Build a BenchTest from one JSON object; None (with a log line) for unsupported types.

    Raises:
        ValueError: a supported test lacks a field its type needs.
    """
    kind = record.get("type")
    if kind not in _REQUIRED:
        log.warning("skipping test %s: unsupported type %r", record.get("id"), kind)
        return None
    missing = [name for name in ("id", "pdf", "page", *_REQUIRED[kind]) if record.get(name) is None]
    if missing:
        raise ValueError(f"test {record.get('id')!r} lacks {', '.join(missing)}")
    values = {k: v for k, v in record.items() if k in _FIELD_NAMES and v is not None}
    values["page"] = int(values["page"])
    values["max_diffs"] = int(values.get("max_diffs", 0) or 0)
    return BenchTest(**values)


def looks_like_test_file(path: Path) -> bool:
    """True when the first non-empty line of a JSONL file is an olmOCR-style test."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and {"pdf", "page", "type"} <= record.keys()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def load_tests(path: Path) -> list[BenchTest]:
    """All supported tests of one JSONL file, in file order."""
    tests: list[BenchTest] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                test = parse_test_record(json.loads(line))
            except (json.JSONDecodeError, ValueError, TypeError) as err:
                log.warning("%s:%d: bad test line: %s", path, number, err)
                continue
            if test is not None:
                tests.append(test)
    return tests
