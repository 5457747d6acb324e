"""Every data file names its source and is listed in data/README.md."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
FILES = sorted(DATA.glob("*.json"))


def test_there_are_data_files():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_names_its_source_and_is_documented(path):
    content = json.loads(path.read_text())
    assert content.get("source"), f"{path.name} has no top-level source"
    assert content.get("description")
    assert f"`{path.name}`" in (DATA / "README.md").read_text()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_entries_with_per_entry_sources_all_have_one(path):
    content = json.loads(path.read_text())
    if "per entry" not in str(content["source"]):
        return
    lists = [v for v in content.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    for entries in lists:
        for entry in entries:
            assert entry.get("source"), f"{path.name}: entry without source: {str(entry)[:60]}"
