# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny round-robin reverse proxy, standing for the load balancer in front
of several ``demine serve`` processes: each request goes to the next server,
and the answer says which one served it (``X-Upstream``)."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Hop-by-hop headers are the proxy's own business, not the servers'.
HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host"}


@contextlib.contextmanager
def round_robin(upstreams: Sequence[str]) -> Iterator[str]:
    """A proxy over ``upstreams`` (base URLs) on a free port; its URL."""
    turn = itertools.cycle(range(len(upstreams)))
    lock = threading.Lock()
    client = httpx.Client(timeout=120, follow_redirects=False)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            with lock:
                index = next(turn)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP]
            headers.append(("Accept-Encoding", "identity"))
            answer = client.request(
                self.command,
                upstreams[index] + self.path,
                headers=headers,
                content=body,
            )
            self.send_response(answer.status_code)
            for key, value in answer.headers.multi_items():
                if key.lower() not in HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.send_header("X-Upstream", str(index))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _forward  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads answers, not a log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        client.close()
