"""`RemoteMonitor`: post each epoch's logs to an HTTP server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from kerasbridge.callbacks.callback import Callback


def _post(url: str, body: bytes, content_type: str, headers) -> None:
    """POST with `requests` when installed, else with the standard library (same request)."""
    try:
        import requests
    except ImportError:
        requests = None
    if requests is not None:
        try:
            requests.post(url, data=body, headers={"Content-Type": content_type, **(headers or {})})
        except requests.exceptions.RequestException as error:
            raise OSError(str(error)) from error
        return
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError:
        pass  # the server answered: like `requests`, an error status is not a failure to send


class RemoteMonitor(Callback):
    """Stream the logs of every epoch to a server with an HTTP POST.

    The payload is a JSON object with `"epoch"` and the epoch's logs. By default it is sent
    form-encoded, as the value of the form field `field`; with `send_as_json=True` it is the
    request body, with `Content-Type: application/json`. The `requests` package is used when
    it is installed, the standard library otherwise. An unreachable server gives a warning,
    not an error.

    Args:
        root: Root URL of the server. Defaults to `"http://localhost:9000"`.
        path: Path of the endpoint, appended to `root`. Defaults to `"/publish/epoch/end/"`.
        field: Name of the form field holding the JSON data. Defaults to `"data"`.
        headers: Optional dict of extra HTTP headers.
        send_as_json: Send the data as a JSON body instead of a form.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        if self.send_as_json:
            body, content_type = json.dumps(send).encode("utf-8"), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        try:
            _post(self.root + self.path, body, content_type, self.headers)
        except (OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)


__all__ = ["RemoteMonitor"]
