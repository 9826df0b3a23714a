"""Pages of one document shared with helper processes: the same output as one process, and
a helper that dies or raises changes nothing but where the work was done."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from pdf2md.page_pool import PagePool
from pdf2md.pipeline import Converter
from tests.conftest import simple_page, two_column_page


def _book(doc: pymupdf.Document) -> None:
    """Ten pages: prose, two columns, a ruled table and a picture, each page numbered."""
    for n in range(10):
        if n % 3 == 0:
            two_column_page(doc, title=f"Part {n + 1}")
        else:
            simple_page(doc)
        page = doc[-1]
        if n % 4 == 1:
            pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
            pix.set_rect(pix.irect, (200, 40, 40))
            page.insert_image(pymupdf.Rect(300, 500, 480, 620), pixmap=pix)
        if n % 4 == 2:
            for row in range(4):
                y = 520 + 20 * row
                page.draw_line((72, y), (400, y))
                for col, x in enumerate((76, 200, 320)):
                    page.insert_text((x, y + 14), f"r{row}c{col}", fontsize=10)
            page.draw_line((72, 520), (72, 580))
            page.draw_line((400, 520), (400, 580))
        page.insert_text((300, 800), str(n + 1), fontsize=9)


@pytest.fixture
def book_pdf(make_pdf: Callable[..., Path]) -> Path:
    return make_pdf("book.pdf", _book)


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_helpers_give_the_same_document(book_pdf: Path, tmp_path: Path, profile: str) -> None:
    with Converter(profile) as one:
        alone = one.convert(book_pdf, images_dir=tmp_path / "one")
    progress: list[tuple[int, int]] = []
    with Converter(profile, workers=2) as two:
        shared = two.convert(book_pdf, images_dir=tmp_path / "two", on_progress=_add(progress))
        helpers = two._helpers
        assert helpers is not None and len(helpers._helpers) == 1  # a helper was started
    assert shared.status == alone.status == "ok"
    assert shared.markdown == alone.markdown.replace("one/", "two/")
    assert shared.document is not None and alone.document is not None
    assert shared.document.model_dump_json() == alone.document.model_dump_json().replace(
        "one/", "two/"
    )
    assert shared.ledger == alone.ledger
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(
        p.name for p in (tmp_path / "one").iterdir()
    )
    assert set(shared.timings) >= {"layout", "recognise", "document"}
    assert progress[-1] == (10, 10) and [d for d, _ in progress] == sorted(d for d, _ in progress)


def _add(seen: list[tuple[int, int]]) -> Callable[[int, int], None]:
    return lambda done, total: seen.append((done, total))


def test_a_short_document_starts_no_helper(make_pdf: Callable[..., Path]) -> None:
    pdf = make_pdf("short.pdf", simple_page)
    with Converter("fast", workers=2) as converter:
        assert converter.convert(pdf).status == "ok"
        assert converter._helpers is not None and not converter._helpers._helpers


def test_instances_given_as_backends_keep_to_one_process() -> None:
    with Converter("fast", backends={"pdf-text": object()}, workers=2) as converter:
        assert converter._helpers is None


# the helper side of the generic pool tests: named as "module:function", run in a helper


def helper_state(tag: str) -> str:
    return f"{tag}:{os.getpid()}"


def helper_work(state: str, chunk: int) -> tuple[int, str]:
    if chunk == 13:
        os._exit(3)  # a page that kills the process
    if chunk == 7:
        raise ValueError("chunk 7 is bad")
    return chunk * chunk, state


def _pool() -> PagePool:
    return PagePool(2, f"{__name__}:helper_state", "t", f"{__name__}:helper_work")


def test_pool_results_in_order_from_both_processes() -> None:
    pool = _pool()
    try:
        chunks = list(range(40))
        results = list(pool.map(chunks, lambda c: (c * c, "here")))
        assert [r[0] for r in results] == [c * c for c in chunks]
        # the caller never waited for the helper, and the helper took work once it was ready
        assert {where for _, where in results} >= {"here"}
        more = list(pool.map(list(range(200)), _slow_square))
        assert [r[0] for r in more] == [c * c for c in range(200)]
        assert any(where.startswith("t:") for _, where in more)
    finally:
        pool.close()
    assert not pool._helpers


def _slow_square(chunk: int) -> tuple[int, str]:
    import time

    time.sleep(0.01)
    return chunk * chunk, "here"


def test_a_helper_that_dies_leaves_its_chunk_to_the_caller() -> None:
    pool = _pool()
    try:
        _wait_ready(pool)
        done = list(pool.map([13, 2, 3], lambda c: (c * c, "here")))
        assert done == [(169, "here"), (4, "here"), (9, "here")]  # the helper died on 13
        assert not pool._helpers
    finally:
        pool.close()


def test_an_error_in_a_helper_is_raised_in_the_caller() -> None:
    pool = _pool()
    try:
        _wait_ready(pool)
        with pytest.raises(ValueError, match="chunk 7 is bad"):
            list(pool.map([7, 1], lambda c: (c, "here")))
        assert [r[0] for r in pool.map([2, 3], lambda c: (c * c, "here"))] == [4, 9]
    finally:
        pool.close()


def _wait_ready(pool: PagePool) -> None:
    """Start the helper and wait until it takes work (so the next chunk goes to it)."""
    import time

    pool._start()
    deadline = time.monotonic() + 60
    while not all(h.ready for h in pool._helpers):
        pool._collect({}, deque(), block=True)
        assert time.monotonic() < deadline
