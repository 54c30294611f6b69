"""A second Rapport on the same data folder brings the first one's window forward instead of
opening the database a second time (the folder lock refuses anyone else)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from models.audit import os_user

_SHOW = b"show\n"
_WAIT_MS = 1000


def server_name(data_dir: Path) -> str:
    """One name per person and data folder (a local socket is not per folder by itself)."""
    digest = hashlib.sha256(f"{os_user()}\n{Path(data_dir).resolve()}".encode()).hexdigest()
    return f"rapport-{digest[:24]}"


def hand_over_to_open_window(data_dir: Path) -> bool:
    """Ask a Rapport already open on `data_dir` (as this user) to come forward; True if one
    answered, and this one need not start."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(_SHOW)
    sent = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """Listens for a second Rapport started on the same folder.

    Signals:
        show_requested(): another Rapport asked this one's window to come forward.
    """

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)
        name = server_name(data_dir)
        if not self.server.listen(name):
            # left behind by a Rapport that crashed: this one holds the folder lock now
            QLocalServer.removeServer(name)
            self.server.listen(name)

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_SHOW.strip()):
            self.show_requested.emit()
