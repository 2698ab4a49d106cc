"""A loopback stand-in for the Slack Web API, for tests that drive the real slack_sdk client.

Speaks chat.postMessage and auth.test on 127.0.0.1 and records every request. Modes:
  ok            answer like Slack: 200 {"ok": true, ...}
  http_500      answer 500 with a plain-text body
  invalid_auth  answer 200 {"ok": false, "error": "invalid_auth"}
  slow          wait `slow_seconds` (bounded, cut short by stop()) before answering like "ok"
  drip          send the headers, then the body one byte every `drip_interval_seconds`, so each read
                finishes inside a socket timeout while the whole response takes >= `slow_seconds`
  drop          close the connection without answering (what a crashing proxy does)
With `expected_token`, a request without "Authorization: Bearer <expected_token>" gets
not_authed / invalid_auth, as from Slack.

In a test:
    with LoopbackSlackServer(expected_token=token) as server:
        ... WebClient(token=token, base_url=server.base_url) ...
        assert server.requests[0].payload["channel"] == "#alerts"

Standalone, for an end-to-end test (prints the port, then serves until SIGTERM or Ctrl-C):
    python -m glaive_assets_tests.harness.slack_server --port 0 --record /tmp/slack.jsonl \
        --expected-token-env SLACK_BOT_TOKEN
    SLACK_API_BASE_URL=http://127.0.0.1:<port>/api/
The --record file gets one JSON object per request, with the Authorization header left out and an
"authorized" flag instead, so no token lands in a file.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MODES = ("ok", "http_500", "invalid_auth", "slow", "drip", "drop")
MAX_SLOW_SECONDS = 30.0  # a forgotten slow server must not hold a test run for long
_MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str  # e.g. "/api/chat.postMessage"
    headers: dict[str, str]
    payload: dict[str, Any]  # the JSON body, or the form fields
    raw_body: bytes = field(repr=False)
    received_at: float

    @property
    def api_method(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class LoopbackSlackServer:
    """A threaded HTTP server on 127.0.0.1; `mode` may be changed while it runs."""

    def __init__(
        self,
        mode: str = "ok",
        *,
        expected_token: str | None = None,
        slow_seconds: float = 3.0,
        drip_interval_seconds: float = 0.2,
        port: int = 0,
        record_path: Path | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {MODES}")
        if not 0 < slow_seconds <= MAX_SLOW_SECONDS:
            raise ValueError(f"slow_seconds must be in (0, {MAX_SLOW_SECONDS}]")
        self.mode = mode
        self.expected_token = expected_token
        self.slow_seconds = slow_seconds
        self.drip_interval_seconds = drip_interval_seconds
        self.record_path = record_path
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The value for SLACK_API_BASE_URL / WebClient(base_url=...)."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, api_method: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.api_method == api_method]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def start(self) -> "LoopbackSlackServer":
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="loopback-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers sleeping in slow/drip mode
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> "LoopbackSlackServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- called from handler threads --

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            if self.record_path is not None:
                line = {
                    "method": request.method,
                    "path": request.path,
                    "headers": {k: v for k, v in request.headers.items() if k.lower() != "authorization"},
                    "authorized": self._auth_error(request.headers) is None,
                    "payload": request.payload,
                    "received_at": request.received_at,
                }
                with self.record_path.open("a", encoding="utf-8") as record_file:
                    record_file.write(json.dumps(line) + "\n")

    def _auth_error(self, headers: dict[str, str]) -> str | None:
        if self.expected_token is None:
            return None
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if authorization is None:
            return "not_authed"
        return None if authorization == f"Bearer {self.expected_token}" else "invalid_auth"

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True when the full time passed."""
        return not self._stopping.wait(min(seconds, MAX_SLOW_SECONDS))


def _handler_class(server: LoopbackSlackServer) -> type[BaseHTTPRequestHandler]:
    class SlackApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

        def _handle(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), _MAX_BODY_BYTES)
            raw_body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            headers = dict(self.headers.items())
            payload = _parse_payload(headers.get("Content-Type", ""), raw_body, split.query)
            request = RecordedRequest(self.command, split.path, headers, payload, raw_body, time.time())
            server._record(request)

            mode = server.mode
            if mode == "drop":
                self.close_connection = True
                return
            if mode == "http_500":
                self._send(500, b"Internal Server Error", "text/plain; charset=utf-8")
                return
            if mode == "slow" and not server._wait(server.slow_seconds):
                self.close_connection = True  # stopping: drop the connection unanswered
                return
            body = _answer(request, server._auth_error(headers), mode)
            encoded = json.dumps(body).encode("utf-8")
            if mode == "drip":
                self._drip(encoded)
            else:
                self._send(200, encoded, "application/json; charset=utf-8")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _drip(self, body: bytes) -> None:
            # Pad the body so the drip lasts slow_seconds, then send it one byte at a time.
            steps = max(1, int(server.slow_seconds / server.drip_interval_seconds))
            body = body + b" " * max(0, steps - len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            for index in range(len(body)):
                if index and not server._wait(server.drip_interval_seconds):
                    self.close_connection = True
                    return
                try:
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                except OSError:
                    self.close_connection = True  # the client gave up
                    return

    return SlackApiHandler


def _parse_payload(content_type: str, raw_body: bytes, query: str) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(raw_body or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw_body.decode("utf-8", "replace")))
    return dict(parse_qsl(query))


def _answer(request: RecordedRequest, auth_error: str | None, mode: str) -> dict[str, Any]:
    if mode == "invalid_auth":
        return {"ok": False, "error": "invalid_auth"}
    if auth_error is not None:
        return {"ok": False, "error": auth_error}
    if request.api_method == "auth.test":
        return {"ok": True, "url": "https://loopback.slack.test/", "team": "loopback", "user": "glaive-bot",
                "team_id": "T0LOOPBACK", "user_id": "U0LOOPBACK", "bot_id": "B0LOOPBACK"}
    if request.api_method == "chat.postMessage":
        channel = request.payload.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = f"{request.received_at:.6f}"
        message = {"type": "message", "text": request.payload.get("text", ""), "ts": ts, "bot_id": "B0LOOPBACK"}
        return {"ok": True, "channel": "C0LOOPBACK", "ts": ts, "message": message}
    return {"ok": False, "error": "unknown_method"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--record", type=Path, help="append each request to this JSONL file")
    parser.add_argument("--expected-token-env", metavar="NAME",
                        help="check Authorization against the token in this environment variable")
    args = parser.parse_args(argv)
    expected_token = os.environ.get(args.expected_token_env) if args.expected_token_env else None
    if args.expected_token_env and not expected_token:
        parser.error(f"{args.expected_token_env} is not set")
    server = LoopbackSlackServer(args.mode, expected_token=expected_token, slow_seconds=args.slow_seconds,
                                 port=args.port, record_path=args.record)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with server:
        print(server.port, flush=True)
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
