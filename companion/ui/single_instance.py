"""One app per home folder: a lock file with stale-PID detection, and a local socket that
asks the running instance to come to the front (SECURITY §2.3, test D1)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from companion.ui.qt import QLocalServer, QLocalSocket, QLockFile, QObject, Signal

LOCK_NAME = "app.lock"


class SingleInstance(QObject):
    activation_did_request = Signal()

    def __init__(self, home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock = QLockFile(str(home / LOCK_NAME))
        # 0: never stale by age (a long session must keep its lock); a lock whose process
        # is gone is still recognised as stale by its PID.
        self.lock.setStaleLockTime(0)
        self.server_name = "health-companion-" + hashlib.sha256(str(home).encode()).hexdigest()[:16]
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True if we are the only instance; otherwise ask the other one to show itself."""
        if self.lock.tryLock(200):
            QLocalServer.removeServer(self.server_name)
            self.server = QLocalServer(self)
            self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self.server.newConnection.connect(self._on_connection)
            self.server.listen(self.server_name)
            return True
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if socket.waitForConnected(1000):
            socket.write(b"activate\n")
            socket.waitForBytesWritten(1000)
            socket.disconnectFromServer()
        return False

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).startswith(b"activate"):
            self.activation_did_request.emit()
        connection.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()
