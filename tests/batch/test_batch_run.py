"""A whole batch: outputs once, failures recorded, reruns resume, shards complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_fixtures import (
    FAKE_CONVERTER,
    HANG_TOKEN,
    Corpus,
    InProcessEngine,
    all_records,
    assert_exactly_once,
    build_corpus,
    error_lines,
    make_pdf,
)

from pdf2md.batch import BatchConfig, LocalPool, WorkerSpec, run_batch
from pdf2md.batch.converter import ConvertOptions


def _config(corpus: Corpus, out: Path, **kwargs: object) -> BatchConfig:
    worker = WorkerSpec(converter=FAKE_CONVERTER, timeout_s=1.5)
    base: dict[str, object] = {
        "inputs": (corpus.root,),
        "output_dir": out,
        "worker": worker,
        "formats": frozenset({"md", "jsonl"}),
        "shard_size": 3,
        "options": ConvertOptions(profile="fast"),  # the machinery is under test, not layout
    }
    base.update(kwargs)
    return BatchConfig(**base)  # type: ignore[arg-type]


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and ".pdf2md-batch" not in p.parts
    }


@pytest.mark.usefixtures("fake_env")
def test_local_pool_contains_bad_documents_and_rerun_skips(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(_config(corpus, out), LocalPool(2))
    assert (summary.done, summary.failed, summary.skipped) == (len(corpus.good), len(corpus.bad), 0)
    assert summary.pages_by_method == {"text-layer": 12, "blank": 1}
    assert_exactly_once(out, corpus)
    stages = {Path(e["path"]).stem: e["stage"] for e in error_lines(out)}
    assert stages == {
        "corrupt": "source",
        "encrypted": "source",
        "empty": "source",
        "slow": "timeout",
    }
    assert (out / "sub" / "doc01.md").read_text().startswith("Document 1 page 1. ")
    before = _snapshot(out)
    again = run_batch(_config(corpus, out), LocalPool(2))
    assert (again.done, again.failed, again.skipped) == (0, 0, summary.total)
    assert _snapshot(out) == before


def test_record_fields_and_page_limit(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "in", good=3, hang=False)
    out = tmp_path / "out"
    config = _config(
        corpus,
        out,
        options=ConvertOptions(profile="fast", max_pages=1),
        compression="zstd",
        source="unit-test",
    )
    run_batch(config, InProcessEngine())
    assert sorted(p.name for p in (out / "jsonl").iterdir()) == [
        f"shard-0000{i}.jsonl.zst" for i in range(3)
    ]
    records = {r["metadata"]["path"]: r for r in all_records(out)}
    doc02 = records[str(corpus.good["doc02"].resolve())]
    meta = doc02["metadata"]
    assert (meta["page_count"], meta["pages_converted"], meta["profile"]) == (3, 1, "fast")
    assert meta["page_methods"] == ["text-layer"] and doc02["source"] == "unit-test"
    start, end, page = meta["pdf_page_numbers"][0]
    assert (page, doc02["text"][start:end]) == (1, doc02["text"].rstrip("\n"))


def test_retry_failed_and_new_documents_keep_shards_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = build_corpus(tmp_path / "in", good=3)
    out = tmp_path / "out"
    monkeypatch.setenv("PDF2MD_TEST_FAIL_TOKEN", HANG_TOKEN)  # the "slow" document raises
    run_batch(_config(corpus, out, formats=frozenset({"jsonl"})), InProcessEngine())
    assert_exactly_once(out, corpus, md=False)
    assert {e["stage"] for e in error_lines(out) if e["path"].endswith("slow.pdf")} == {"convert"}
    # the fault goes away; a plain rerun still skips the document, --retry-failed converts it
    monkeypatch.delenv("PDF2MD_TEST_FAIL_TOKEN")
    engine = InProcessEngine()
    run_batch(_config(corpus, out, formats=frozenset({"jsonl"})), engine)
    assert engine.converted == []
    new = make_pdf(corpus.root / "zz_new.pdf", ["A late arrival."])
    engine = InProcessEngine()
    run_batch(_config(corpus, out, formats=frozenset({"jsonl"}), retry_failed=True), engine)
    slow = corpus.bad.pop("slow")
    corpus.good.update(slow=slow, new=new)
    assert sorted(engine.converted) == sorted(
        str(p.resolve()) for p in [*corpus.bad.values(), slow, new]
    )
    assert_exactly_once(out, corpus, md=False)


def test_new_format_redoes_documents(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "in", good=2, hang=False)
    out = tmp_path / "out"
    run_batch(_config(corpus, out, formats=frozenset({"md"})), InProcessEngine())
    assert not (out / "jsonl").exists()
    engine = InProcessEngine()
    run_batch(_config(corpus, out, formats=frozenset({"md", "jsonl"})), engine)
    assert len(engine.converted) == len(corpus.good)  # failures stay failed; done ones need records
    assert_exactly_once(out, corpus)


@pytest.mark.usefixtures("fake_env")
def test_worker_killed_mid_document_its_document_is_in_the_output_once(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal
    import threading

    from pdf2md.batch.task import Task
    from pdf2md.batch.worker import WorkerProcess

    monkeypatch.setenv("PDF2MD_TEST_SLEEP_S", "1.0")
    killed: list[str] = []
    submit = WorkerProcess.submit

    def submit_then_kill(self: WorkerProcess, task: Task) -> None:
        submit(self, task)
        if not killed and "doc" in Path(task.path).stem:  # a good document, mid-conversion
            killed.append(task.path)
            threading.Timer(0.5, os.kill, (self.pid, signal.SIGKILL)).start()

    monkeypatch.setattr(WorkerProcess, "submit", submit_then_kill)
    out = tmp_path / "out"
    summary = run_batch(_config(corpus, out), LocalPool(1))
    assert len(killed) == 1
    assert (summary.done, summary.failed) == (len(corpus.good), len(corpus.bad))
    assert_exactly_once(out, corpus)  # the killed document too, once, in the same run
