"""No secret reaches a log line, an error record or the JSON: a server that echoes the key."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pdf2md.pipeline import convert
from pdf2md.profile import resolve_profile
from pdf2md.urls import redact_text, redact_url, scrub_secrets
from pdf2md.vlm_client import VlmClient, VlmRequest
from tests.faults.hostile import nested_forms_pdf

API_KEY = "sk-test-0123456789abcdefghijklmnopqrstuv"
PASSWORD = "hunter2-very-secret"


class _Echo(BaseHTTPRequestHandler):
    """Answers every POST with an error that quotes the request's Authorization header."""

    def do_POST(self) -> None:  # http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        auth = self.headers.get("Authorization", "")
        raw_key = auth.split(" ", 1)[-1]
        body = json.dumps(
            {"error": {"message": f"invalid credentials {auth}; key={raw_key} {raw_key}"}}
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://vlm-user:{PASSWORD}@127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _assert_clean(text: str) -> None:
    import base64

    basic = base64.b64encode(f"vlm-user:{PASSWORD}".encode()).decode()
    for secret in (API_KEY, PASSWORD, basic, API_KEY[-20:]):
        assert secret not in text


@pytest.mark.parametrize("with_key", [True, False])
def test_echoed_key_and_url_password_stay_out(
    echo_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    with_key: bool,
) -> None:
    if with_key:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    else:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    profile = resolve_profile(
        "vlm-page", overrides={"vlm.url": echo_url, "vlm.model": "m", "vlm.retries": 0}
    )
    pdf = nested_forms_pdf(tmp_path / "p.pdf", depth=2, pages=1, bad_page=0)
    with caplog.at_level(logging.DEBUG):
        result = convert(pdf, profile=profile)
    assert result.status == "partial"  # the page fell back to its text layer
    assert "Alpha is the text of this page." in result.markdown
    messages = [e.message for e in result.errors]
    assert any("HTTP 401" in m for m in messages), messages
    _assert_clean(caplog.text)
    _assert_clean(result.model_dump_json())
    _assert_clean(json.dumps(messages))


def test_unreachable_endpoint_is_named_without_its_password() -> None:
    client = VlmClient(url=f"http://me:{PASSWORD}@127.0.0.1:9/v1", model="m", retries=0)
    answer = client.complete(VlmRequest(prompt="hi"))
    assert answer.error is not None
    assert answer.error.startswith("cannot reach http://127.0.0.1:9/v1/chat/completions")
    assert PASSWORD not in answer.error and PASSWORD not in repr(client.endpoint)


def test_redaction_helpers() -> None:
    assert redact_url("https://user:pass@host/v1") == "https://***@host/v1"
    assert redact_url("https://host/v1?api_key=abc&x=1") == "https://host/v1?api_key=***&x=1"
    assert redact_text("at https://a:b@h/v1 now") == "at https://***@h/v1 now"
    assert scrub_secrets("Authorization: Bearer abcdefgh123") == "Authorization: ***"
    assert scrub_secrets("token sk-" + "a1" * 20 + " end") == "token *** end"
    assert scrub_secrets("x" * 500).endswith("…") and len(scrub_secrets("x" * 500)) == 300


def test_profile_show_redacts_the_url() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "PDF2MD_VLM__URL": f"https://u:{PASSWORD}@h/v1"}
    done = subprocess.run(
        [sys.executable, "-m", "pdf2md", "profile", "show", "vlm"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "'https://***@h/v1'" in done.stdout and PASSWORD not in done.stdout
