"""Start and stop gunicorn for the benchmark: the portal (on a given database) or the bare
Flask app, with the same settings – sync workers, 2 × CPU cores of them (gunicorn's advice
for CPU-bound work on a machine that also runs the database), bound to a free local port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .load import get

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str] | None = None, workers: int | None = None,
             log: Path | None = None):
    """Serve `app` ("module:object" or "module:factory()"); yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}",
               "--workers", str(workers or default_workers()), "--worker-class", "sync",
               "--chdir", str(ROOT), "--log-level", "warning"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    output = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=environment, stdout=output, stderr=output,
                               start_new_session=True)
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} (see its log)")
        try:
            get(HOST, port, "/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f} s")
