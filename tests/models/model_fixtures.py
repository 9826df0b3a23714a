"""Fixtures for the model-backed backends: a scripted OpenAI-compatible server on loopback and
a small PDF with a heading, a paragraph and a table, each with a known region box."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.profile import Profile, VlmSettings
from pdf2md.source import SourceDocument, open_pdf

PARAGRAPH = [
    "Solar panels convert sunlight into electricity",
    "using photovoltaic cells made of silicon wafers.",
]
TABLE = [["Metal", "Density", "Melting"], ["Iron", "7.87", "1538"], ["Copper", "8.96", "1085"]]
GOOD_TABLE = (
    "<table>"
    + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    + "</table>"
)
GOOD_PAGE = "# Materials Report\n\n" + " ".join(PARAGRAPH) + "\n\n" + GOOD_TABLE
INVENTED = (
    GOOD_PAGE + "\n\nThe committee later approved a generous budget for new wind "
    "turbines across the northern provinces next spring."
)


@dataclass
class ScriptedServer:
    """Answers each POST with the next scripted behaviour (the last one repeats).

    Behaviours: ``("ok", text)``, ``("length", text)``, ``("status", code)``,
    ``("sleep", seconds, text)``.
    """

    url: str = ""
    script: list[tuple[Any, ...]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[Any, ...]:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def done(self) -> None:
        with self.lock:
            self.in_flight -= 1


def _handler(state: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:  # the health probe of servers such as llama.cpp's
            if self.path.rstrip("/").endswith("/health"):
                self._send(200, b'{"status": "ok"}')
            else:
                self._send(404, b'{"error": "not found"}')

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            action = state.next(body, dict(self.headers))
            try:
                code, data = self._answer(action)
            finally:
                # the request is over before its answer leaves: a client that has read the
                # answer may send its next request before this thread runs again
                state.done()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(code, data)  # fails where the client gave up (a timeout test)

        def _answer(self, action: tuple[Any, ...]) -> tuple[int, bytes]:
            kind = action[0]
            if kind == "status":
                return int(action[1]), b'{"error": "scripted failure"}'
            if kind == "sleep":
                time.sleep(float(action[1]))
            text = action[-1]
            finish = "length" if kind == "length" else "stop"
            reply = {
                "choices": [
                    {"message": {"role": "assistant", "content": text}, "finish_reason": finish}
                ]
            }
            return 200, json.dumps(reply).encode()

        def _send(self, code: int, data: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def vlm_server() -> Iterator[ScriptedServer]:
    """A loopback OpenAI-compatible server; set ``.script`` before use."""
    state = ScriptedServer(script=[("ok", "")])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def vlm_context(
    url: str,
    *,
    timeout_s: float = 2.0,
    retries: int = 0,
    concurrency: int = 1,
    options: dict[str, Any] | None = None,
) -> BackendContext:
    """A context whose profile points the VLM recognisers at ``url``."""
    vlm = VlmSettings(
        url=url,
        model="test-vlm",
        api_key_env="PDF2MD_TEST_VLM_KEY",
        timeout_s=timeout_s,
        retries=retries,
        concurrency=concurrency,
    )
    return BackendContext(profile=Profile(vlm=vlm, options=options or {}))


@dataclass
class SamplePage:
    """The sample PDF, open, with its regions."""

    doc: SourceDocument
    heading: Region
    paragraph: Region
    table: Region
    page_region: Region

    def crop(self, region: Region) -> RegionCrop:
        return RegionCrop(region, self.doc.page(0))


def _write_sample(path: Path) -> dict[str, BBox]:
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=400)
    page.insert_text((40, 50), "Materials Report", fontsize=16)
    for i, line in enumerate(PARAGRAPH):
        page.insert_text((40, 90 + i * 14), line, fontsize=10)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            page.insert_text((60 + c * 90, 180 + r * 20), cell, fontsize=10)
    doc.save(path)
    doc.close()
    return {
        "heading": BBox(35, 30, 300, 56),
        "paragraph": BBox(35, 78, 360, 112),
        "table": BBox(50, 165, 330, 230),
        "page": BBox(0, 0, 400, 400),
    }


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[SamplePage]:
    """A one-page PDF with a heading, a two-line paragraph and a 3x3 table."""
    boxes = _write_sample(tmp_path / "sample.pdf")
    doc = open_pdf(tmp_path / "sample.pdf")

    def region(name: str, kind: RegionKind, n: int) -> Region:
        return Region(id=f"p0-r{n}", kind=kind, bbox=boxes[name], page_index=0, order=n)

    try:
        yield SamplePage(
            doc,
            region("heading", RegionKind.TITLE, 0),
            region("paragraph", RegionKind.TEXT, 1),
            region("table", RegionKind.TABLE, 2),
            region("page", RegionKind.TEXT, 3),
        )
    finally:
        doc.close()
