"""`python -m bench.queue` seeds a database in bulk and reports the queue page's queries and
time."""
import re

from click.testing import CliRunner

from bench import queue


def test_bench_queue_seeds_and_reports(tmp_path):
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = runner.invoke(queue.main, ["--database-url", url, "--count", "400",
                                      "--repeat", "2"])
    assert result.exit_code == 0, result.output
    assert "seeded 400 applications" in result.output
    assert "database: sqlite, 400 applications" in result.output
    rows = re.findall(r"^(street officer|district reviewer|civil affairs): .*?\s+(\d+)\s+"
                      r"[\d.]+\s+[\d.]+\s+[\d.]+$", result.output, re.M)
    assert len(rows) == 11
    # A page of the queue is a handful of statements, never one per row (with the officer's
    # conflicts of interest, the rows flagged as possible second claims, and a search's audit
    # row chained: its lock and the chain's head).
    assert all(int(queries) <= 10 for _who, queries in rows)
    again = runner.invoke(queue.main, ["--database-url", url, "--count", "400",
                                     "--repeat", "1"])
    assert again.exit_code == 0 and "seeded" not in again.output  # already there
