"""Convert every page (or document) a set of subsets needs, with one converter, in subprocesses.

The plan is the sorted set of :class:`ConversionKey` (a PDF and a 0-based page, or None for the
whole document) that the subsets need; each key is converted once per converter even when several
subsets use it. Outputs are written under ``OUT/outputs/<converter>/`` so a person can read them.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pdf2md.eval.corpus import Subset
from pdf2md.eval.docscore import load_icdar
from pdf2md.eval.worker import ConverterWorker, Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class ConversionKey:
    """One unit of conversion: a PDF and a 0-based page index (None = the whole document)."""

    pdf: Path
    page_index: int | None

    def sort_key(self) -> tuple[str, int]:
        """Deterministic order: by path, whole documents first."""
        return (str(self.pdf), -1 if self.page_index is None else self.page_index)


@dataclass(frozen=True)
class Conversion:
    """A key, the pages it covers, where its Markdown was written, and the outcome."""

    key: ConversionKey
    pages: int
    output: Path | None
    outcome: Outcome


def keys_for(subset: Subset) -> set[ConversionKey]:
    """What a subset needs converted."""
    if subset.kind == "olmocr":
        root = subset.pdf_root or Path()
        return {ConversionKey((root / t.pdf).resolve(), t.page_index) for t in subset.tests}
    if subset.kind == "icdar":
        return {
            ConversionKey(doc.pdf.resolve(), region.page_index)
            for doc in subset.docs
            for region in load_icdar(doc.truth)
        }
    return {ConversionKey(doc.pdf.resolve(), None) for doc in subset.docs}


def plan(subsets: Iterable[Subset]) -> list[ConversionKey]:
    """The sorted union of the keys of all subsets."""
    keys: set[ConversionKey] = set()
    for subset in subsets:
        keys |= keys_for(subset)
    return sorted(keys, key=ConversionKey.sort_key)


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF (0 when it cannot be opened)."""
    import pymupdf

    try:
        with pymupdf.open(pdf) as doc:  # type: ignore[no-untyped-call]  # pymupdf is untyped
            return int(doc.page_count)
    except (RuntimeError, ValueError, OSError):
        return 0


def safe_name(spec: str) -> str:
    """A folder name for a converter spec (``pdf2md:fast`` -> ``pdf2md_fast``)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in spec)


def output_path(out_dir: Path, spec: str, key: ConversionKey, root: Path) -> Path:
    """Where the Markdown of one key is written."""
    try:
        rel = key.pdf.relative_to(root).with_suffix("")
    except ValueError:
        rel = Path(key.pdf.stem)
    name = "document.md" if key.page_index is None else f"page-{key.page_index + 1:04d}.md"
    return out_dir / "outputs" / safe_name(spec) / rel / name


@dataclass(frozen=True)
class RunSettings:
    """How to run conversions: output folder, corpus root, time limit per page, parallel jobs."""

    out_dir: Path
    corpus_root: Path
    timeout_s: float = 120.0
    jobs: int = 1
    reuse: bool = False
    on_progress: Callable[[str, int, int], None] | None = None
    """Called with ``(spec, done, planned)`` after each conversion (and once at the start)."""


def journal_path(out_dir: Path, spec: str) -> Path:
    """The JSONL journal of one converter's conversions (one record per conversion, appended)."""
    return out_dir / "outputs" / safe_name(spec) / "conversions.jsonl"


def _journal_record(conversion: Conversion) -> str:
    outcome = conversion.outcome
    record = {
        "pdf": str(conversion.key.pdf),
        "page_index": conversion.key.page_index,
        "pages": conversion.pages,
        "status": outcome.status,
        "seconds": round(outcome.seconds, 3),
        "message": outcome.message,
        "output": str(conversion.output) if conversion.output else None,
        "ledger": outcome.ledger,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def load_journal(path: Path) -> dict[ConversionKey, Conversion]:
    """Earlier conversions whose result is still there (the last record of each key wins)."""
    found: dict[ConversionKey, Conversion] = {}
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            key = ConversionKey(Path(record["pdf"]), record["page_index"])
            output = Path(record["output"]) if record.get("output") else None
            markdown = output.read_text(encoding="utf-8") if output else ""
        except (json.JSONDecodeError, KeyError, TypeError, OSError):
            continue
        outcome = Outcome(
            record["status"], markdown, record["seconds"], record["message"], record.get("ledger")
        )
        found[key] = Conversion(key, int(record["pages"]), output, outcome)
    return found


def _convert_one(
    worker: ConverterWorker, spec: str, key: ConversionKey, settings: RunSettings
) -> Conversion:
    pages = 1 if key.page_index is not None else max(page_count(key.pdf), 1)
    outcome = worker.convert(key.pdf, key.page_index, settings.timeout_s * pages)
    target = output_path(settings.out_dir, spec, key, settings.corpus_root.resolve())
    if outcome.ok:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(outcome.markdown, encoding="utf-8")
    else:
        log.warning(
            "%s failed on %s page %s: %s %s",
            spec,
            key.pdf.name,
            key.page_index,
            outcome.status,
            outcome.message,
        )
    return Conversion(key, pages, target if outcome.ok else None, outcome)


def convert_all(
    spec: str, keys: Sequence[ConversionKey], settings: RunSettings
) -> dict[ConversionKey, Conversion]:
    """Convert every key with converter ``spec`` in ``settings.jobs`` worker processes.

    With ``settings.reuse``, keys already in the converter's journal are not converted again.
    """
    journal = journal_path(settings.out_dir, spec)
    journal.parent.mkdir(parents=True, exist_ok=True)
    earlier = load_journal(journal) if settings.reuse else {}
    if not settings.reuse:
        journal.write_text("", encoding="utf-8")
    results: dict[ConversionKey, Conversion] = {k: earlier[k] for k in keys if k in earlier}
    tasks: queue.Queue[ConversionKey] = queue.Queue()
    for key in keys:
        if key not in results:
            tasks.put(key)
    lock = threading.Lock()
    if settings.on_progress is not None:
        settings.on_progress(spec, len(results), len(keys))
    log_dir = settings.out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    def drain(slot: int) -> None:
        with ConverterWorker(spec, log_dir / f"{safe_name(spec)}-{slot}.log") as worker:
            while True:
                try:
                    key = tasks.get_nowait()
                except queue.Empty:
                    return
                conversion = _convert_one(worker, spec, key, settings)
                with lock:
                    results[key] = conversion
                    with journal.open("a", encoding="utf-8") as handle:
                        handle.write(_journal_record(conversion))
                    log.info("%s %d/%d %s", spec, len(results), len(keys), key.pdf.name)
                    if settings.on_progress is not None:
                        settings.on_progress(spec, len(results), len(keys))

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(max(1, settings.jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {key: results[key] for key in keys}
