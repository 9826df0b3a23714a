"""A small client for OpenAI-compatible chat-completion endpoints (vLLM, Ollama, llama.cpp, APIs).

Standard library only (``urllib`` + a thread pool): one POST per request to
``<url>/chat/completions`` with the image as a base64 ``data:`` URL. Requests run concurrently
up to a bound, each with a timeout and retries on timeouts, connection errors, HTTP 429 and 5xx.
Failures are returned as :class:`VlmAnswer` with ``error`` set, never raised, so one bad answer
cannot stop a batch. No secret reaches an error or a log line: credentials written into the URL
(``https://user:pass@host/v1``) are sent as a Basic ``Authorization`` header and shown as
``https://***@host/v1``; server error bodies are cut and scrubbed of the key and of anything
that looks like one.

Example:
    >>> client = VlmClient(url="http://user:pw@127.0.0.1:8000/v1", model="qwen2.5-vl")
    >>> client.endpoint
    'http://127.0.0.1:8000/v1/chat/completions'
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pdf2md.urls import redact_url, scrub_secrets

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class VlmRequest:
    """One question: a prompt and (optionally) a PNG image."""

    prompt: str
    image_png: bytes | None = None
    max_tokens: int = 2048
    temperature: float = 0.0
    system: str | None = None


@dataclass(frozen=True)
class VlmAnswer:
    """What came back. ``text`` is ``None`` exactly when ``error`` says why."""

    text: str | None
    error: str | None = None
    finish_reason: str | None = None
    attempts: int = 1
    seconds: float = 0.0


class _Retryable(Exception):
    """A failure worth another attempt."""


class _Fatal(Exception):
    """A failure no retry will fix (HTTP 4xx, an unreadable body)."""


def _split_credentials(url: str) -> tuple[str, str | None]:
    """``https://user:pass@host/v1`` -> (``https://host/v1``, ``"user:pass"``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), urllib.parse.unquote(userinfo)


def chat_endpoint(url: str) -> str:
    """The chat-completions URL for a base URL (``.../v1``) or a full endpoint URL."""
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return f"{base}/chat/completions"
    return f"{base}/v1/chat/completions"


def _payload(model: str, request: VlmRequest) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if request.image_png is not None:
        encoded = base64.b64encode(request.image_png).decode("ascii")
        content.append(
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{encoded}"}}
        )
    content.append({"type": "text", "text": request.prompt})
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.append({"role": "user", "content": content})
    return {
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }


def _message_text(body: dict[str, Any]) -> tuple[str, str | None]:
    try:
        choice = body["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise _Fatal(f"unexpected response shape ({exc!r})") from exc
    if isinstance(content, list):  # some servers return content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if content is None:
        content = ""
    return str(content), choice.get("finish_reason")


class VlmClient:
    """Sends :class:`VlmRequest` s to one endpoint and model. Thread-safe; holds no connection.

    Args:
        url: base URL (``http://host:8000/v1``) or the full chat-completions URL.
        model: the model name the server knows.
        api_key: sent as a bearer token where given.
        timeout_s: socket timeout per attempt, in seconds.
        retries: extra attempts after a retryable failure.
        concurrency: requests in flight at once.
        backoff_s: wait before the first retry; doubles each time.
    """

    def __init__(
        self,
        *,
        url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 2,
        concurrency: int = 4,
        backoff_s: float = 0.5,
    ) -> None:
        plain, self._userinfo = _split_credentials(chat_endpoint(url))
        self.endpoint = plain
        """The chat-completions URL, credentials taken out (safe to print)."""
        self.model = model
        self._api_key = api_key
        self.timeout_s = timeout_s
        self.retries = retries
        self.concurrency = max(1, concurrency)
        self.backoff_s = backoff_s

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        elif self._userinfo:
            token = base64.b64encode(self._userinfo.encode("utf-8")).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        req = urllib.request.Request(self.endpoint, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            try:
                detail = self._scrub(exc.read(2000).decode("utf-8", "replace").strip())
            finally:
                exc.close()
            message = f"HTTP {exc.code}: {detail}" if detail else f"HTTP {exc.code}"
            if exc.code in _RETRY_STATUS:
                raise _Retryable(message) from exc
            raise _Fatal(message) from exc
        except TimeoutError as exc:
            raise _Retryable(f"timed out after {self.timeout_s:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Retryable(f"timed out after {self.timeout_s:g} s") from exc
            reason = self._scrub(str(exc.reason))
            raise _Retryable(f"cannot reach {redact_url(self.endpoint)}: {reason}") from exc
        except OSError as exc:  # connection reset, remote closed, ...
            raise _Retryable(f"connection failed: {self._scrub(str(exc))}") from exc
        except ValueError as exc:  # http.client.InvalidURL and the like
            raise _Fatal(f"bad endpoint URL {redact_url(self.endpoint)}") from exc
        try:
            body: dict[str, Any] = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Fatal(f"response is not JSON ({self._scrub(str(exc))})") from exc
        return body

    def _scrub(self, text: str) -> str:
        """A server's words, cut and without the key, the URL's password or key-like words."""
        secrets = tuple(s for s in (self._api_key, self._userinfo) if s)
        if self._userinfo and ":" in self._userinfo:
            secrets += (self._userinfo.split(":", 1)[1],)
        return scrub_secrets(text, secrets=secrets)

    def complete(self, request: VlmRequest) -> VlmAnswer:
        """Ask one question, with retries. Never raises for transport or server failures."""
        payload = _payload(self.model, request)
        start = time.monotonic()
        error = "no attempt made"
        attempts = 0
        for attempt in range(self.retries + 1):
            attempts = attempt + 1
            try:
                text, finish = _message_text(self._post(payload))
            except _Retryable as exc:
                error = str(exc)
                log.info("vlm attempt %d/%d failed: %s", attempts, self.retries + 1, error)
                if attempt < self.retries:
                    time.sleep(self.backoff_s * (2**attempt))
                continue
            except _Fatal as exc:
                error = str(exc)
                break
            return VlmAnswer(text, None, finish, attempts, time.monotonic() - start)
        return VlmAnswer(
            None, f"{error} ({attempts} attempt(s))", None, attempts, time.monotonic() - start
        )

    def complete_many(self, requests: Sequence[VlmRequest]) -> list[VlmAnswer]:
        """Ask many questions, at most ``concurrency`` at once; answers in request order."""
        if not requests:
            return []
        if len(requests) == 1 or self.concurrency == 1:
            return [self.complete(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self.complete, requests))
