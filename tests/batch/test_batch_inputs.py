"""Input expansion and the shard plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_fixtures import make_pdf

from pdf2md.batch.inputs import document_key, expand_inputs
from pdf2md.batch.shards import plan_shards
from pdf2md.batch.state import StateDir
from pdf2md.errors import ConfigError


def test_folders_files_and_list_files(tmp_path: Path) -> None:
    a = make_pdf(tmp_path / "in" / "a.pdf", ["A"])
    b = make_pdf(tmp_path / "in" / "deep" / "b.PDF", ["B"])
    (tmp_path / "in" / "notes.txt").write_text("not a pdf")
    other = make_pdf(tmp_path / "other" / "a.pdf", ["A2"])
    listing = tmp_path / "list.txt"
    listing.write_text(f"# comment\n\nother/a.pdf\n{a}\nmissing.pdf\n")
    docs = expand_inputs([tmp_path / "in", listing])
    assert [d.path for d in docs] == [
        str(a.resolve()),
        str(b.resolve()),
        str(other.resolve()),
        str((tmp_path / "missing.pdf").resolve()),
    ]
    names = [d.name for d in docs]
    # two "a" documents clash, so both get the key suffix; "deep/b" mirrors the folder
    assert names[0] == f"a-{docs[0].key[:8]}" and names[2] == f"a-{docs[2].key[:8]}"
    assert names[1] == "deep/b" and names[3] == "missing"
    assert docs[0].key == document_key(tmp_path / "in" / ".." / "in" / "a.pdf")


def test_missing_argument_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        expand_inputs([tmp_path / "nope.pdf"])
    with pytest.raises(ConfigError, match="no such file or folder"):
        expand_inputs([tmp_path / "nope"])


def test_plan_is_stable_and_grows_with_new_documents(tmp_path: Path) -> None:
    for i in range(5):
        make_pdf(tmp_path / "in" / f"d{i}.pdf", [f"doc {i}"])
    state = StateDir(tmp_path / "out")
    state.prepare()
    first = plan_shards(state, expand_inputs([tmp_path / "in"]), shard_size=2)
    assert [s.shard_id for s in first] == ["shard-00000", "shard-00001", "shard-00002"]
    assert [len(s.members) for s in first] == [2, 2, 1]
    make_pdf(tmp_path / "in" / "a_new.pdf", ["new"])  # sorts first, yet must not reshuffle
    second = plan_shards(state, expand_inputs([tmp_path / "in"]), shard_size=10)
    assert second[:3] == first
    assert second[3].shard_id == "shard-00003" and [d.name for d in second[3].members] == ["a_new"]
    only_d4 = plan_shards(state, expand_inputs([tmp_path / "in" / "d4.pdf"]), shard_size=2)
    assert only_d4 == [first[2]]
