"""A stand-in for the X-Ray daemon: a UDP socket that keeps every segment the SDK sends it."""

import json
import socket
from typing import Any, Self


class XRayDaemon:
    """`AWS_XRAY_DAEMON_ADDRESS=<address>` makes the X-Ray SDK send its segments here."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.setblocking(False)
        self.raw: list[bytes] = []

    @property
    def address(self) -> str:
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def received(self) -> list[dict[str, Any]]:
        """Every document sent so far: `{"format": "json", "version": 1}`, a newline, a segment."""
        while True:
            try:
                self.raw.append(self._socket.recv(65_536))
            except BlockingIOError:
                break
        return [json.loads(datagram.split(b"\n", 1)[1]) for datagram in self.raw]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._socket.close()


def subsegments(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every subsegment, nested ones included."""
    found: list[dict[str, Any]] = []
    pending = list(documents)
    while pending:
        document = pending.pop()
        children = document.get("subsegments", [])
        found.extend(children)
        pending.extend(children)
        if document.get("type") == "subsegment":
            found.append(document)
    return found
