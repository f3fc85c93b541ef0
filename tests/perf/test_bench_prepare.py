"""`make bench` prepares each database from its own process: the schema, the seed and the
reference of one of the bench resident's applications (the page it measures)."""
import re

import bench.__main__ as bench_main


def test_prepare_migrates_seeds_and_names_an_application(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_main.servers, "ROOT", tmp_path)
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    reference = bench_main._prepare(url, 60)
    assert re.fullmatch(r"[A-Z0-9-]{6,}", reference), reference
    assert (tmp_path / "instance" / "bench" / "data-key").stat().st_mode & 0o077 == 0
    # A second run finds the rows there and names the same application.
    assert bench_main._prepare(url, 60) == reference
