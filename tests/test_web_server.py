"""`parley serve`'s uvicorn protocol turns Nagle's algorithm off on every connection (with
`--workers N` uvicorn's own listening socket has proto 0, which asyncio does not set
TCP_NODELAY on; each keep-alive response then waited ~40 ms for a delayed ACK)."""

from __future__ import annotations

import socket

from parley.web.server import NoDelayHTTPProtocol, _nodelay


class _Transport:
    def __init__(self, sock):
        self.sock = sock

    def get_extra_info(self, name, default=None):
        return self.sock if name == "socket" else default


def test_accepted_connections_get_tcp_nodelay():
    listener = socket.socket(socket.AF_INET)  # proto 0, as uvicorn binds it for workers
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        _nodelay(_Transport(accepted))
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        _nodelay(_Transport(None))  # no socket: nothing to do, no error
    finally:
        for s in (client, accepted, listener):
            s.close()
    assert callable(NoDelayHTTPProtocol.connection_made)
