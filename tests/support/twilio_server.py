"""A local server that imitates Twilio's Messages API
(`POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, basic
auth), on a free loopback port, with answers scripted per recipient:

    server.script("+34600000001", HANG, TOO_MANY(retry_after=1), UNAVAILABLE)

answers that number's first four requests so, then accepts (201, a new
`SM...` sid) as Twilio does. `HANG` holds the request without a word until
the test ends (the client's timeout fires; nothing is accepted).
`accepted` lists the messages taken, `requests` every request, in order."""

import json
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, object] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


HANG = Answer(status=0, hang=True)
UNAVAILABLE = Answer(503, {"code": 20503, "message": "Service unavailable", "status": 503})


def too_many(retry_after: int) -> Answer:
    return Answer(
        429,
        {"code": 20429, "message": "Too Many Requests", "status": 429},
        {"Retry-After": str(retry_after)},
    )


def refused(code: int, status: int = 400) -> Answer:
    return Answer(status, {"code": code, "message": f"Refused ({code})", "status": status})


@dataclass
class Request:
    path: str
    authorization: str
    form: dict[str, str]
    at: float  # time.monotonic() when it came


@dataclass
class FakeTwilio:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    scripts: dict[str, deque[Answer]] = field(default_factory=lambda: defaultdict(deque))
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, to: str, *answers: Answer) -> None:
        self.scripts[to].extend(answers)

    def requests_to(self, to: str) -> list[Request]:
        return [request for request in self.requests if request.form.get("To") == to]

    def accepted_to(self, to: str) -> list[dict[str, str]]:
        return [message for message in self.accepted if message["to"] == to]


@contextmanager
def fake_twilio() -> Iterator[FakeTwilio]:
    twilio = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            to = form.get("To", "")
            with twilio.lock:
                twilio.requests.append(
                    Request(
                        self.path, self.headers.get("Authorization", ""), form, time.monotonic()
                    )
                )
                queue = twilio.scripts[to]
                answer = queue.popleft() if queue else None
            if answer is not None and answer.hang:
                twilio.released.wait(60)
                self.close_connection = True
                return
            if answer is None:
                message = {
                    "sid": "SM" + uuid.uuid4().hex,
                    "status": "queued",
                    "to": to,
                    "from": form.get("From", ""),
                    "body": form.get("Body", ""),
                    "status_callback": form.get("StatusCallback", ""),
                }
                with twilio.lock:
                    twilio.accepted.append(message)
                answer = Answer(201, dict(message))
            payload = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    twilio.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield twilio
    finally:
        twilio.released.set()
        server.shutdown()
        server.server_close()
