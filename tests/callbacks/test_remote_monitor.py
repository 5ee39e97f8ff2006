"""RemoteMonitor: the request a local HTTP server receives at the end of every epoch."""

import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

from kerasbridge.callbacks import RemoteMonitor


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()
    httpd.server_close()


def test_posts_the_logs_as_a_form_field(server):
    root, received = server
    callback = RemoteMonitor(root=root, path="/epoch/", field="payload", headers={"X-Run": "7"})
    callback.on_epoch_end(2, {"loss": np.float32(0.5), "acc": 1.0})
    ((path, headers, body),) = received
    assert path == "/epoch/"
    assert headers["X-Run"] == "7"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(body.decode())
    assert json.loads(form["payload"][0]) == {"epoch": 2, "loss": 0.5, "acc": 1.0}


def test_sends_json_when_asked(server):
    root, received = server
    RemoteMonitor(root=root, send_as_json=True).on_epoch_end(0, {"loss": 1.25})
    ((path, headers, body),) = received
    assert path == "/publish/epoch/end/"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"epoch": 0, "loss": 1.25}


def test_unreachable_server_warns():
    callback = RemoteMonitor(root="http://127.0.0.1:9")  # the discard port: connection refused
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        callback.on_epoch_end(0, {"loss": 1.0})
