"""A per-ledger-version cache of whole GET responses (pure ASGI middleware, in front of FastAPI).

Every API read and dashboard page is a function of the URL and the ledger's contents, and the
ledger changes only when something is ingested, replaced or deleted, which bumps
`ledger_state.version` (migration 0003). So a 200 response to `GET path?query` is stored under
`(version, path, query)` and replayed, bytes and headers, until the version moves: a hit costs
one primary-key lookup and a socket write instead of routing, validation, SQL, Python
aggregation, JSON encoding or template rendering. On the BBC ledger that is ~0.3 ms of server
CPU instead of 0.5-16 ms (docs/web.md). Misses, errors and non-GET requests go through untouched.

Responses carry an `ETag` (a hash of the body); a request whose `If-None-Match` names it gets a
304. `X-Parley-Cache: hit|miss` says what happened. The cache is per process (each uvicorn worker
has its own), bounded in bytes, least recently used first out, and emptied whenever the ledger
version changes. The version is read before the route runs, so a response can only be newer than
the version it is stored under, never older.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Callable

#: Paths whose GET responses depend on the ledger only (not /static, /docs, /openapi.json).
CACHED_PREFIXES = ("/api/", "/actors/", "/issues/", "/articles/", "/positions/")
CACHED_PATHS = ("/", "/timeline", "/search", "/positions", "/shifts", "/actors", "/issues",
                "/articles", "/map")


def cacheable(path: str) -> bool:
    return path in CACHED_PATHS or (path.startswith(CACHED_PREFIXES) and path != "/api/analyze")


class ResponseCache:
    """ASGI middleware: `app` wrapped, `version()` returning the ledger version (or None)."""

    def __init__(self, app, version: Callable[[], int | None], *, max_bytes: int = 64 << 20):
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, tuple[list, bytes, bytes, int]] = OrderedDict()
        self.size = 0
        self.seen_version = None
        self.hits = self.misses = 0

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET"
                or not cacheable(scope["path"])):
            return await self.app(scope, receive, send)
        try:
            version = self.version()
        except Exception:  # the database is unreachable: let the route answer (or fail) itself
            version = None
        if version is None:
            return await self.app(scope, receive, send)
        if version != self.seen_version:
            self.clear()
            self.seen_version = version
        key = (scope["path"], scope["query_string"])
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            self.hits += 1
            headers, body, etag, _cost = entry
            if _if_none_match(scope) == etag:
                await send({"type": "http.response.start", "status": 304,
                            "headers": [(b"etag", etag), (b"x-parley-cache", b"hit")]})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": 200,
                        "headers": headers + [(b"x-parley-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        await self._miss(scope, receive, send, key, version)

    async def _miss(self, scope, receive, send, key, version) -> None:
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if message["status"] != 200:
                    await send(message)
                return
            if start.get("status") != 200:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"]
            headers.append((b"etag", etag))
            await send({"type": "http.response.start", "status": 200,
                        "headers": headers + [(b"x-parley-cache", b"miss")]})
            await send({"type": "http.response.body", "body": body})
            if self.seen_version == version:
                self._store(key, headers, body, etag)

        await self.app(scope, receive, capture)

    def _store(self, key, headers, body, etag) -> None:
        cost = len(body) + 64 * len(headers) + len(key[0]) + len(key[1])
        if cost > self.max_bytes // 8:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old[3]
        self.entries[key] = (headers, body, etag, cost)
        self.size += cost
        while self.size > self.max_bytes and self.entries:
            _, evicted = self.entries.popitem(last=False)
            self.size -= evicted[3]

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


def _if_none_match(scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == b"if-none-match":
            return value.strip()
    return None
