"""How uvicorn serves the app: slow clients cannot hold its workers.

uvicorn closes a kept-alive connection that is idle for `--timeout-keep-alive` seconds, but has no
deadline for a request's headers: a client that connects and sends nothing, or a byte now and
then, holds the connection for as long as it likes. This protocol closes a connection whose
request headers have not all arrived `header_timeout_s` (settings) after it opened, or after the
request's first byte on a kept-alive connection. Started with
`uvicorn ... --http widgets.serving:HeaderDeadline` (stack/supervisor.py, docker/).
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from widgets.settings import get_web_settings


class HeaderDeadline(HttpToolsProtocol):
    header_timeout_s: float | None = None  # None: from settings (a test sets its own)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = self.header_timeout_s or get_web_settings().header_timeout_s
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # the next request on a kept-alive connection

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self.header_deadline is None:
            self.header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _too_slow(self) -> None:
        self.header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
