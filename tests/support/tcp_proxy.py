"""A TCP proxy that a test can cut and restore, to take a broker away."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from eventlet import patcher

if TYPE_CHECKING:
    from socket import socket as Socket  # noqa: N812

# The proxy stands for the network between the service and its broker, so it
# runs on real threads and sockets, outside the eventlet hub of the service.
socket = patcher.original("socket")
threading = patcher.original("threading")


class TcpProxy:
    """Forwards 127.0.0.1:<port> to an upstream address until it is cut.

    Cut, it closes every open connection and refuses new ones, as a broker
    that went down would; silenced, it holds connections and answers nothing,
    as a hung one would. Restored, it forwards again on the same port.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._listener: Socket | None = None
        self._open: set[Socket] = set()
        self._lock = threading.Lock()
        self._silent = False

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        self._drop_open()

    def _drop_open(self) -> None:
        with self._lock:
            doomed, self._open = self._open, set()
        for sock in doomed:
            _close(sock)

    def silence(self) -> None:
        """Drop open connections and hold new ones without a word, as a hung
        broker would."""
        self._silent = True
        self._drop_open()

    def restore(self) -> None:
        self._silent = False
        if self._listener is None:
            self.start()

    def _accept(self, listener: Socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._silent:
                with self._lock:
                    self._open.add(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    def _pump(self, source: Socket, sink: Socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except (OSError, EOFError):
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
                with self._lock:
                    self._open.discard(sock)


def _close(sock: Socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
