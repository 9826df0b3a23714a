"""URL checks and redaction, shared by the readers, the writers and the clients.

- :func:`link_target_is_safe` / :func:`image_target_is_local`: which link and image targets
  pdf2md writes into Markdown (see :mod:`pdf2md.render.safe`).
- :func:`redact_url` / :func:`scrub_secrets`: what may be printed, logged or recorded about an
  endpoint or a server's answer (no password, no key, no token).
"""

from __future__ import annotations

import html
import re
import urllib.parse

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\\]+")

# credentials in a URL, key=value pairs, bearer tokens and long key-like words
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]+@")
_SECRET_PAIR = re.compile(
    r"(?i)\b(authorization|api[_-]?key|apikey|access[_-]?token|token|secret|password|passwd"
    r"|x-api-key|key)(\"?\s*[:=]\s*\"?)(?:bearer\s+|basic\s+)?[^\s\"',;&}]+"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{6,}")
_KEY_LIKE = re.compile(r"\b(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{24,}\b")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:api[_-]?key|key|token|access_token|sig|signature)=)[^&#\s]+"
)


def _plain_target(target: str) -> str:
    """A link target as a browser reads it: entities decoded, blanks and control characters
    and backslashes dropped, lower case (``JaVa&#115;cript:`` is ``javascript:``)."""
    return _INVISIBLE.sub("", html.unescape(target.strip().strip("<>"))).lower()


def link_target_is_safe(target: str) -> bool:
    """True for ``http``, ``https`` and ``mailto`` URLs and in-document anchors (``#...``)."""
    plain = _plain_target(target)
    if plain.startswith("#"):
        return True
    scheme = _SCHEME.match(plain)
    return scheme is not None and scheme.group(1) in _SAFE_SCHEMES


def image_target_is_local(target: str) -> bool:
    """True for a relative path (``doc_images/p1-r2.png``): nothing to fetch from elsewhere."""
    plain = _plain_target(target)
    return bool(plain) and not plain.startswith("/") and _SCHEME.match(plain) is None


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` shown as ``***@`` and secret query values as ``***``.

    Example:
        >>> redact_url("https://user:pass@host/v1?key=abc")
        'https://***@host/v1?key=***'
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return scrub_secrets(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        url = urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))
    return _QUERY_SECRET.sub(r"\1***", url)


def redact_text(text: str) -> str:
    """``text`` with the credentials of any URL in it (``user:pass@``), secret query values
    and bearer tokens shown as ``***``; everything else kept (for messages pdf2md records)."""
    text = _URL_USERINFO.sub(r"\1***@", text)
    text = _QUERY_SECRET.sub(r"\1***", text)
    return _BEARER.sub(r"\1 ***", text)


def scrub_secrets(text: str, *, secrets: tuple[str, ...] = (), limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters, with anything that looks like a credential as
    ``***``: the given ``secrets``, URL passwords, ``key=...`` pairs, bearer tokens and long
    key-like words (24 or more letters and digits)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _URL_USERINFO.sub(r"\1***@", text)
    text = _QUERY_SECRET.sub(r"\1***", text)
    text = _BEARER.sub(r"\1 ***", text)
    text = _SECRET_PAIR.sub(r"\1\2***", text)
    text = _KEY_LIKE.sub("***", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
