"""uvicorn's HTTP protocol with TCP_NODELAY on every accepted connection.

asyncio sets TCP_NODELAY only on sockets whose `proto` is IPPROTO_TCP. With `--workers N`,
uvicorn binds the listening socket itself as `socket.socket(AF_INET)` (proto 0), so the workers'
connections keep Nagle's algorithm on; a response goes out as two writes (headers, then body),
the second waits for the client's delayed ACK, and every keep-alive request took >= 40 ms
(measured: p50 pinned at 44 ms with 2 workers, docs/web.md). One worker is unaffected (asyncio
creates that socket with the right proto), but the option costs nothing there either.
"""

from __future__ import annotations

import socket


def _nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a Unix socket)
            pass


try:  # the protocol uvicorn's "auto" would choose
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base


class NoDelayHTTPProtocol(_Base):
    def connection_made(self, transport) -> None:
        _nodelay(transport)
        super().connection_made(transport)
