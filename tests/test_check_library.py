"""check_library reads mychain.py afresh and never shows a traceback; wrong library code fails."""
import hashlib
import shutil
from pathlib import Path

import pytest

from lab.exercises import SOLVED, UNSOLVED, WRONG, check, check_library, grade_library
from lab.solutions import mychain

REFERENCE = Path(__file__).resolve().parents[1] / "lab" / "solutions" / "mychain.py"
STUBS = Path(__file__).resolve().parents[1] / "notebooks" / "mychain.py"


def test_a_fresh_read_sees_each_edit(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(STUBS, tmp_path / "mychain.py")
    assert check_library("01.6", "hash256").status == UNSOLVED
    shutil.copyfile(REFERENCE, tmp_path / "mychain.py")
    assert check_library("01.6", "hash256").status == SOLVED
    grade_library("01.6", "hash256")


def test_missing_function_and_syntax_error_give_one_readable_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mychain.py").write_text("def hash256(data):\n    return data\n")
    assert check_library("02.5", "merkle_root").status == WRONG
    (tmp_path / "mychain.py").write_text("def hash256(data)\n    return data\n")
    assert check_library("01.6", "hash256").status == WRONG
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in "".join(lines)
    assert "no function merkle_root()" in lines[0] and "line 1" in lines[1]
    with pytest.raises(AssertionError):
        grade_library("01.6", "hash256")


def _merkle_without_duplicating(hashes):
    level = list(hashes)
    while len(level) > 1:
        level = [mychain.hash256(level[i] + level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0]


@pytest.mark.parametrize("exercise_id, wrong", [
    ("01.6", lambda data: hashlib.sha256(data).digest()),                              # single SHA-256
    ("02.5", _merkle_without_duplicating),
    ("03.5", lambda raw: mychain.Header(int.from_bytes(raw[:4], "little"), raw[4:36][::-1], raw[36:68],
                                        0, 0, 0)),
    ("04.5", lambda header, start=0, stop=2 ** 32: start),
    ("05.2", len),                                                                      # counts blocks
    ("06.5", lambda header, signature, address: True),
])
def test_a_wrong_library_function_fails(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
