"""A small HTTP proxy that makes an OpenSearch node look like Elasticsearch 8 to
elasticsearch-py, for tests only.

No Elasticsearch server can run here, so the ElasticsearchEngine adapter is driven through
this proxy against the OpenSearch node the other engine tests use: the adapter's own code
(elasticsearch-py's request building, serialisation, error classes) runs against a real
engine. It is not Elasticsearch: anything where the two engines differ goes unnoticed.

What elasticsearch-py 8 needs, and what is rewritten for it (nothing else is touched):

- Requests: it sends `Accept` and `Content-Type` as
  `application/vnd.elasticsearch+json; compatible-with=8` (and `+x-ndjson` for bulk and
  msearch), which OpenSearch refuses with 406. They are sent on as `application/json` and
  `application/x-ndjson`.
- Answers: it refuses any 2xx answer without `X-Elastic-Product: Elasticsearch`
  (UnsupportedProductError, elasticsearch/_sync/client/_base.py), so every answer gets it;
  a JSON `Content-Type` goes back in the compatible form, as Elasticsearch 8 answers.

elasticsearch-py 8 does not read `GET /` (no version, tagline or build flavour check: that
was 7.x), so the root answer goes back as OpenSearch gave it.
"""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_COMPAT_REQUEST = re.compile(
    r"application/vnd\.elasticsearch\+([\w-]+)(?:\s*;\s*compatible-with=\d+)?"
)
_JSON_ANSWER = re.compile(r"^application/json\b[^,]*")
# Connection-level headers: each hop has its own (http.client sets Host and Content-Length).
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def _plain_mimetype(value: str) -> str:
    return _COMPAT_REQUEST.sub(r"application/\1", value)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with a Content-Length on every answer: the client keeps its connections.
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: _plain_mimetype(value) if name.lower() in ("accept", "content-type") else value
            for name, value in self.headers.items()
            if name.lower() not in _HOP_BY_HOP
        }
        upstream = self.server.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
            self.send_response_only(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() == "content-type":
                    value = _JSON_ANSWER.sub(
                        "application/vnd.elasticsearch+json;compatible-with=8", value
                    )
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            # A HEAD answer states the length of the body it does not send.
            length = answer.getheader("Content-Length", "0") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)
        finally:
            connection.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, format, *args):
        pass  # quiet: the test output is not the place for an access log


class ElasticsearchProxy:
    """A threaded proxy on a free port of 127.0.0.1 (its `url`), forwarding to
    `upstream_url`; start() and stop() it, or use it as a context manager."""

    def __init__(self, upstream_url: str):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.upstream = urlsplit(upstream_url)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> ElasticsearchProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> ElasticsearchProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
