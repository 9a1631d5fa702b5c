"""`refuge serve`: the production server answers from several processes."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from refuge.web.management.commands.serve import default_workers, server_options
from tests.scratch import loaded


def test_worker_processes_serve_one_request_each_and_write_no_access_log() -> None:
    options = server_options(host="127.0.0.1", port=8000, workers=5)
    assert options["bind"] == "127.0.0.1:8000"
    assert (options["workers"], options["worker_class"]) == (5, "sync")
    assert options["accesslog"] is None  # a URL in a log line is all it would add
    assert default_workers() == 2 * (os.cpu_count() or 1) + 1
    with pytest.raises(CommandError):
        server_options(host="127.0.0.1", port=8000, workers=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def _children(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()


def test_the_server_answers_from_two_worker_processes(tmp_path: Path) -> None:
    db = loaded(tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "refuge", "serve", "--port", str(port), "--workers", "2"],
        env=db.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers = _get(port, "/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.3)
        assert status == 200
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        # One worker may answer before the master has forked the other: wait for it.
        deadline = time.monotonic() + 30
        while len(workers := _children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        db.drop()
