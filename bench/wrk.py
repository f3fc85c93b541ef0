"""Load from wrk (Debian's package `wrk`), an established load generator written in C.

Why wrk and not a Python generator: on a 2-core machine the generator shares the cores with
the servers, and a Python one spends far more of them per request than the servers it
measures – the bare Flask app most of all, so the ratios came out flattered. wrk drives many
connections from one thread with little CPU. It reconnects when the server closes a
connection (gunicorn's sync workers close each one, as behind a proxy) and reads every body.

A small Lua script (SCRIPT) prints, when the run is done, the requests, the errors (failed
connections, reads, writes, time-outs and responses with a status of 400 or more) and the
latency percentiles wrk measured: p50, p95 and p99 in ms.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f\\n",
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    summary.duration / 1000000, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    percentiles_ms: Mapping[int, float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        return self.percentiles_ms[p]


@cache
def executable() -> str:
    """wrk's path; installed from Debian's packages (apt-get) when missing and run as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk)", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ,
                                                      "DEBIAN_FRONTEND": "noninteractive"}}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet).returncode != 0:
            subprocess.run(["apt-get", "update"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, **quiet)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("The benchmark needs wrk: `sudo apt-get install wrk` (Debian, Ubuntu), "
                         "`brew install wrk` (macOS), then run it again.")
    return found


@cache
def _script() -> str:
    handle, path = tempfile.mkstemp(prefix="bench-wrk-", suffix=".lua")
    with os.fdopen(handle, "w") as script:
        script.write(SCRIPT)
    return path


def run(host: str, port: int, path: str, *, seconds: float, connections: int,
        headers: Mapping[str, str] | None = None) -> Result:
    """Drive `path` with `connections` connections for `seconds` (whole seconds, at least 1)."""
    command = [executable(), f"--connections={connections}",
               f"--threads={min(2, connections)}", f"--duration={max(1, round(seconds))}s",
               "--timeout=30s", f"--script={_script()}", "-H", "User-Agent: huyi-bench"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{host}:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((l for l in output.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, failed, bad_status, duration, p50, p95, p99 = line.split()[1:]
    return Result(int(requests), int(failed) + int(bad_status), float(duration),
                  {50: float(p50), 95: float(p95), 99: float(p99)})


def combined(parts: list[Result]) -> Result:
    """Several runs of one page as one (requests and time added up; each percentile the worst
    of the runs', so never better than measured)."""
    return Result(sum(p.requests for p in parts), sum(p.errors for p in parts),
                  sum(p.seconds for p in parts),
                  {q: max(p.percentile(q) for p in parts) for q in (50, 95, 99)})
