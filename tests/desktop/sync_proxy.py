"""A loopback TCP proxy between a laptop and the team server that can cut the connection at a
chosen moment, as a network would: the fault-injection tests' tool.

Every connection is relayed byte for byte until a *cut* is armed and the client sends a message
holding its marker (psycopg sends the query text, e.g. `SELECT rapport.push($1, $2, $3)`, in
its Parse message). Then, once (the cut disarms itself):

- `Cut.REQUEST`: the message never reaches the server; both sides are closed.
- `Cut.REPLY`: the message goes through; the server's answer is held back until its
  ReadyForQuery (in autocommit, the server has committed by then), then dropped; both sides
  are closed.
- `Cut.AFTER_SENDING`: the message goes through and `then` runs at once, while the server
  works on it; the proxy itself closes nothing.

`then`, if given, runs at the cut's moment (before closing): a crash of the server, say.
`wait()` returns once it has run; `cuts` counts the cuts made.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

READY = b"Z\x00\x00\x00\x05"  # PostgreSQL's ReadyForQuery: the answer to a query is whole


class Cut(Enum):
    REQUEST = "request"  # the message is dropped
    REPLY = "reply"  # the message goes; its whole answer is dropped
    AFTER_SENDING = "after sending"  # the message goes, then `then` runs; nothing is cut


@dataclass
class _Armed:
    marker: bytes
    cut: Cut
    nth: int  # cut at the marker's nth sighting (1: the first)
    then: Callable[[], None] | None
    seen: int = 0


class Proxy:
    """`Proxy(port)` relays 127.0.0.1:`self.port` to 127.0.0.1:`port`; `arm(...)` a cut;
    `close()` when done (also a context manager). `cuts` counts the cuts made."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # so that the accepting thread sees `close()` soon
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._armed: _Armed | None = None
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.cuts = 0
        self.errors: list[BaseException] = []  # from `then`: the test re-raises them
        self._done = threading.Event()  # the armed cut made, its `then` run
        self._open = True
        self._start(self._accept)

    def url(self, url: str) -> str:
        """`url` (a team server's) through this proxy."""
        return url.replace(f":{self.upstream_port}/", f":{self.port}/", 1)

    def arm(
        self,
        marker: bytes,
        cut: Cut,
        *,
        nth: int = 1,
        then: Callable[[], None] | None = None,
    ) -> None:
        with self._lock:
            self._armed = _Armed(marker, cut, nth, then)
            self._done.clear()

    def disarm(self) -> None:
        with self._lock:
            self._armed = None

    def wait(self, seconds: float = 30) -> None:
        """Until the armed cut has been made and its `then` has run (a restarted server may
        still be starting when the laptop has already given up)."""
        if not self._done.wait(seconds):
            raise TimeoutError("the armed cut was never made")
        if self.errors:
            raise self.errors[0]

    def close(self) -> None:
        self._open = False
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for each in sockets:
            _close(each)
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> Proxy:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ relaying

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while self._open:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            pair = _Pair(self, client, server)
            self._start(pair.upstream)
            self._start(pair.downstream)

    def _sighted(self, tail: bytes, data: bytes) -> _Armed | None:
        """The armed cut, if `data` (after `tail`, the end of what came before) completes its
        nth sighting; it is then disarmed."""
        with self._lock:
            armed = self._armed
            if armed is None:
                return None
            armed.seen += (tail + data).count(armed.marker) - tail.count(armed.marker)
            if armed.seen < armed.nth:
                return None
            self._armed = None
            self.cuts += 1
            return armed

    def _run_then(self, armed: _Armed) -> None:
        try:
            if armed.then is not None:
                armed.then()
        except BaseException as error:  # the test sees it, not this thread
            self.errors.append(error)
        finally:
            self._done.set()


class _Pair:
    """One relayed connection: client → server (`upstream`) and back (`downstream`)."""

    def __init__(self, proxy: Proxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy, self.client, self.server = proxy, client, server
        self.holding: _Armed | None = None  # a REPLY cut: the answer is being held back
        self.held = b""

    def close(self) -> None:
        _close(self.client)
        _close(self.server)

    def upstream(self) -> None:
        tail = b""
        try:
            while data := self.client.recv(65536):
                armed = self.proxy._sighted(tail, data)
                if armed is not None and armed.cut is Cut.REQUEST:
                    self.proxy._run_then(armed)
                    self.close()
                    return
                if armed is not None and armed.cut is Cut.REPLY:
                    self.holding = armed  # before the message goes: its answer is held
                self.server.sendall(data)
                if armed is not None and armed.cut is Cut.AFTER_SENDING:
                    self.proxy._run_then(armed)
                tail = (tail + data)[-64:]
        except OSError:
            pass
        self.close()

    def downstream(self) -> None:
        try:
            while data := self.server.recv(65536):
                if self.holding is not None:
                    self.held += data
                    if READY in self.held:  # the server has answered whole: committed
                        break
                    continue
                self.client.sendall(data)
        except OSError:
            pass
        if self.holding is not None:  # answered, or the server went away: the answer is lost
            self.proxy._run_then(self.holding)
        self.close()


def _close(each: socket.socket) -> None:
    with contextlib.suppress(OSError):
        each.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        each.close()
