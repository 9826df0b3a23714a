"""The OpenAI-compatible client against a scripted loopback server."""

from __future__ import annotations

import base64

from model_fixtures import ScriptedServer

from pdf2md.vlm_client import VlmClient, VlmRequest, chat_endpoint


def _client(server: ScriptedServer, **kw: object) -> VlmClient:
    args: dict[str, object] = {
        "url": server.url,
        "model": "m",
        "timeout_s": 2.0,
        "retries": 0,
        "backoff_s": 0.0,
    }
    args.update(kw)
    return VlmClient(**args)  # type: ignore[arg-type]


def test_endpoint_from_base_urls() -> None:
    assert chat_endpoint("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_endpoint("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert chat_endpoint("http://h/v1/chat/completions") == "http://h/v1/chat/completions"


def test_sends_image_prompt_and_key(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("ok", "hello")]
    answer = _client(vlm_server, api_key="sekrit").complete(
        VlmRequest(prompt="read this", image_png=b"\x89PNG fake", max_tokens=77)
    )
    assert answer.text == "hello" and answer.error is None
    body = vlm_server.requests[0]
    assert body["model"] == "m" and body["max_tokens"] == 77
    parts = body["messages"][0]["content"]
    url = parts[0]["image_url"]["url"]
    assert base64.b64decode(url.split(",", 1)[1]) == b"\x89PNG fake"
    assert parts[1] == {"type": "text", "text": "read this"}
    assert vlm_server.headers[0]["Authorization"] == "Bearer sekrit"


def test_retries_a_500_then_succeeds(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("status", 500), ("status", 503), ("ok", "fine")]
    answer = _client(vlm_server, retries=2).complete(VlmRequest(prompt="p"))
    assert answer.text == "fine" and answer.attempts == 3


def test_gives_up_after_retries(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("status", 500)]
    answer = _client(vlm_server, retries=1).complete(VlmRequest(prompt="p"))
    assert answer.text is None and "HTTP 500" in (answer.error or "")
    assert len(vlm_server.requests) == 2


def test_client_error_is_not_retried(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("status", 400)]
    answer = _client(vlm_server, retries=3).complete(VlmRequest(prompt="p"))
    assert answer.text is None and "HTTP 400" in (answer.error or "")
    assert len(vlm_server.requests) == 1


def test_timeout_is_an_error_not_a_hang(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("sleep", 1.0, "late")]
    answer = _client(vlm_server, timeout_s=0.2).complete(VlmRequest(prompt="p"))
    assert answer.text is None and "timed out" in (answer.error or "")
    assert answer.seconds < 0.9


def test_unreachable_server_is_an_error() -> None:
    client = VlmClient(url="http://127.0.0.1:9/v1", model="m", timeout_s=0.5, retries=0)
    answer = client.complete(VlmRequest(prompt="p"))
    assert answer.text is None and answer.error


def test_concurrency_is_bounded_and_order_kept(vlm_server: ScriptedServer) -> None:
    vlm_server.script = [("sleep", 0.15, "same")]
    client = _client(vlm_server, concurrency=2)
    answers = client.complete_many([VlmRequest(prompt=f"p{i}") for i in range(6)])
    assert [a.text for a in answers] == ["same"] * 6
    assert vlm_server.max_in_flight == 2
    prompts = sorted(r["messages"][0]["content"][0]["text"] for r in vlm_server.requests)
    assert prompts == [f"p{i}" for i in range(6)]
