"""`python -m grid class`, run as a teacher runs it: a real process, its roster, its links, Ctrl-C.

What is expected comes from the command's own contract: a roster.csv row per
student and one for the teacher, every link reaching its own page, a page
without a token refused, and SIGTERM ending the class with its chain saved.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.anvil

REPO = Path(__file__).resolve().parents[2]
START_S = 180


def test_the_class_command_serves_its_roster_and_ends_on_sigterm(tmp_path):
    out = tmp_path / "class"
    process = subprocess.Popen(
        [sys.executable, "-m", "grid", "class", "--students", "3", "--port", "0", "--host", "127.0.0.1",
         "--out", str(out)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    try:
        deadline = time.monotonic() + START_S
        while not any("Press Ctrl-C" in line for line in lines):
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        with (out / "roster.csv").open() as f:
            rows = list(csv.DictReader(f))
        assert [r["student"] for r in rows] == ["student01", "student02", "student03", "teacher"]
        assert len({r["account"] for r in rows}) == 4 and len({r["url"] for r in rows}) == 4
        assert oct((out / "roster.csv").stat().st_mode & 0o777) == "0o600"
        printed = "".join(lines)
        for row in rows:
            assert row["url"] in printed, f"{row['student']}'s link is not printed"

        teacher, student = requests.Session(), requests.Session()
        landing = teacher.get(rows[-1]["url"], timeout=60)
        assert landing.status_code == 200 and "GridChain Lab class · 3 students" in landing.text
        assert student.get(rows[0]["url"], timeout=60, allow_redirects=False).status_code == 302
        base = rows[0]["url"].split("/?", 1)[0]
        refused = requests.get(f"{base}/student", timeout=60)
        assert refused.status_code == 403 and "needs your class link" in refused.text
        assert student.get(f"{base}/roster", timeout=60).status_code == 403      # the teacher's only
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Class ended. State saved to" in rest, rest
