"""The W3C Nu HTML checker (vnu-jar, Java) on files: its JSON report and the errors in it.
Used by the whole-run check of every page (test_axe_and_html.py) and the report's own check
(test_report.py)."""
from __future__ import annotations

import json
import shutil
import subprocess

from a11y_tests.conftest import VNU_JAR, _require


def check(files: list[str]) -> tuple[dict, list[dict]]:
    """(the checker's report, its error messages) for these HTML files."""
    _require(VNU_JAR.exists(), f"the W3C Nu HTML checker is missing ({VNU_JAR})")
    _require(shutil.which("java") is not None, "Java is not installed")
    completed = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         "--stdout", *files],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(completed.stdout or "{}")
    errors = [m for m in report.get("messages", []) if m.get("type") == "error"]
    assert completed.returncode == 0 or errors, completed.stderr[-2000:]
    return report, errors
