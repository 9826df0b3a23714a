"""Score one converter's outputs on each subset: per-document results and per-subset summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pdf2md.eval.benchtests import TEST_TYPES, Verdict
from pdf2md.eval.convert_all import Conversion, ConversionKey
from pdf2md.eval.corpus import Subset
from pdf2md.eval.docscore import best_teds, load_icdar, read_truth, score_document
from pdf2md.eval.katex import KatexRenderer
from pdf2md.eval.markdown import ParsedMarkdown, parse_markdown
from pdf2md.eval.olmocr import judge


@dataclass
class DocResult:
    """One document of one subset, for one converter.

    ``verdicts`` holds olmOCR test outcomes; ``metrics`` the numeric scores of markdown/icdar
    subsets (``text``, ``headings``, ``tables``; or ``teds``, ``teds_s`` per table id);
    ``errors`` the conversion failures of the pages this document needed.
    """

    doc: str
    verdicts: list[Verdict] = field(default_factory=list)
    metrics: dict[str, float | None] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)


@dataclass
class SubsetResult:
    """A subset scored for one converter: main score in [0, 1], sub-scores, documents."""

    subset: str
    kind: str
    score: float
    by_type: dict[str, float]
    counts: dict[str, int]
    documents: list[DocResult]


class OutputReader:
    """Parses each converter output once (a failed conversion reads as None)."""

    def __init__(self, conversions: Mapping[ConversionKey, Conversion]) -> None:
        self._conversions = conversions
        self._parsed: dict[ConversionKey, ParsedMarkdown | None] = {}

    def conversion(self, key: ConversionKey) -> Conversion | None:
        """The conversion of a key, if it was planned."""
        return self._conversions.get(key)

    def parsed(self, key: ConversionKey) -> ParsedMarkdown | None:
        """The parsed Markdown of a key, or None when its conversion failed."""
        if key not in self._parsed:
            conv = self._conversions.get(key)
            ok = conv is not None and conv.outcome.ok
            self._parsed[key] = parse_markdown(conv.outcome.markdown) if ok and conv else None
        return self._parsed[key]

    def note(self, key: ConversionKey, result: DocResult) -> None:
        """Record the output path or the failure of a key on a document result."""
        conv = self._conversions.get(key)
        if conv is None:
            return
        if conv.outcome.ok and conv.output is not None:
            if str(conv.output) not in result.outputs:
                result.outputs.append(str(conv.output))
        else:
            page = "document" if key.page_index is None else f"page {key.page_index + 1}"
            message = f"{page}: {conv.outcome.status} {conv.outcome.message}".strip()
            if message not in result.errors:
                result.errors.append(message)


def _prerender_math(subset: Subset, reader: OutputReader, renderer: KatexRenderer) -> None:
    """Render every formula the math tests will compare in one node call (fills the cache)."""
    items: list[tuple[str, bool]] = []
    root = subset.pdf_root or Path()
    for test in subset.tests:
        if test.type != "math":
            continue
        items.append((test.math or "", False))
        parsed = reader.parsed(ConversionKey((root / test.pdf).resolve(), test.page_index))
        if parsed is not None:
            items.extend((span.latex, False) for span in parsed.math)
    if items:
        renderer.render_many(items)


def score_olmocr(subset: Subset, reader: OutputReader, renderer: KatexRenderer) -> SubsetResult:
    """Pass rate of a JSONL file's tests, by type, with per-document verdicts."""
    _prerender_math(subset, reader, renderer)
    root = subset.pdf_root or Path()
    docs: dict[str, DocResult] = {}
    for test in subset.tests:
        key = ConversionKey((root / test.pdf).resolve(), test.page_index)
        doc = docs.setdefault(test.pdf, DocResult(test.pdf))
        reader.note(key, doc)
        doc.verdicts.append(judge(test, reader.parsed(key), renderer))
    verdicts = [v for d in docs.values() for v in d.verdicts]
    by_type: dict[str, float] = {}
    counts: dict[str, int] = {}
    for kind in TEST_TYPES:
        of_kind = [v.passed for v in verdicts if v.test_type == kind]
        if of_kind:
            by_type[kind] = sum(of_kind) / len(of_kind)
            counts[kind] = len(of_kind)
    score = sum(v.passed for v in verdicts) / len(verdicts) if verdicts else 0.0
    return SubsetResult(subset.name, "olmocr", score, by_type, counts, list(docs.values()))


def score_icdar(subset: Subset, reader: OutputReader) -> SubsetResult:
    """Mean TEDS (and TEDS-S) over every ground-truth table region."""
    documents: list[DocResult] = []
    all_teds: list[float] = []
    all_struct: list[float] = []
    for gt in subset.docs:
        doc = DocResult(gt.doc_id)
        for region in load_icdar(gt.truth):
            key = ConversionKey(gt.pdf.resolve(), region.page_index)
            reader.note(key, doc)
            parsed = reader.parsed(key)
            candidates = parsed.tables if parsed is not None else ()
            value = best_teds(region.table, candidates)
            struct = best_teds(region.table, candidates, structure_only=True)
            doc.metrics[f"{region.table_id}.teds"] = value
            doc.metrics[f"{region.table_id}.teds_s"] = struct
            all_teds.append(value)
            all_struct.append(struct)
        documents.append(doc)
    n = max(len(all_teds), 1)
    by_type = {"teds": sum(all_teds) / n, "teds_s": sum(all_struct) / n}
    return SubsetResult(
        subset.name, "icdar", by_type["teds"], by_type, {"tables": len(all_teds)}, documents
    )


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def score_markdown(subset: Subset, reader: OutputReader) -> SubsetResult:
    """Mean text similarity, heading-tree score and table TEDS over the documents."""
    documents: list[DocResult] = []
    for gt in subset.docs:
        key = ConversionKey(gt.pdf.resolve(), None)
        doc = DocResult(gt.doc_id)
        reader.note(key, doc)
        truth = read_truth(gt.truth)
        parsed = reader.parsed(key) or ParsedMarkdown(text="")
        scores = score_document(truth, parsed)
        doc.metrics = {
            "text": scores.text_similarity,
            "headings": scores.heading_tree,
            "tables": scores.table_teds,
        }
        documents.append(doc)
    by_type: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name in ("text", "headings", "tables"):
        values = [d.metrics[name] for d in documents if d.metrics[name] is not None]
        mean = _mean(values)
        if mean is not None:
            by_type[name] = mean
            counts[name] = len(values)
    score = by_type.get("text", 0.0)
    return SubsetResult(subset.name, "markdown", score, by_type, counts, documents)


def score_subset(subset: Subset, reader: OutputReader, renderer: KatexRenderer) -> SubsetResult:
    """Score one subset with the scorer of its kind."""
    if subset.kind == "olmocr":
        return score_olmocr(subset, reader, renderer)
    if subset.kind == "icdar":
        return score_icdar(subset, reader)
    return score_markdown(subset, reader)
