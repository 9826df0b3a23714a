"""What a vision-language model is asked for each region kind, and how its answer is checked.

A *task* renders the crop, writes the prompt and turns the raw answer into a
:class:`~pdf2md.model.Content`, raising :class:`~pdf2md.validate.AnswerRejected` where the answer
fails validation. The remote (:mod:`pdf2md.recognise.vlm`) and local
(:mod:`pdf2md.recognise.local_vlm`) recognisers share these tasks, so both check answers the
same way.
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, asset_name
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Content
from pdf2md.validate import (
    AnswerRejected,
    WordPolicy,
    check_no_repetition,
    check_not_empty,
    check_table_rows,
    check_words,
    find_repetition,
    parse_html_table,
    reference_words,
    strip_fences,
    table_to_markdown,
    table_words,
)

if TYPE_CHECKING:
    from PIL import Image

    from pdf2md.backend import OcrEngine

log = logging.getLogger(__name__)

TABLE_PROMPT = (
    "Transcribe the table in this image as one HTML <table>. Use <th> for header cells and "
    "colspan/rowspan for merged cells. Copy every cell's text exactly as printed; leave empty "
    "cells empty. Answer with the HTML table only."
)
PAGE_PROMPT = (
    "Below is the image of one page of a document. Return the plain text representation of "
    "this page as if you were reading it naturally, as Markdown: headings with #, lists, "
    "equations as LaTeX between $ or $$, tables as HTML. Leave out running headers, footers "
    "and page numbers. Do not describe images and do not add anything that is not on the page. "
    "If the page has no text, answer with nothing."
)
FIGURE_PROMPT = (
    "Describe this figure in one to three sentences for a reader who cannot see it: what it "
    "shows and its main message. Do not transcribe long text from it. Answer with the "
    "description only."
)
MATH_PROMPT = (
    "Write the equation in this image in LaTeX. Answer with the LaTeX only, without $ "
    "delimiters, without \\begin{equation} and without explanation."
)


class VlmTaskOptions(BaseModel):
    """Options every VLM recogniser takes (``[options.<name>]`` in the profile)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dpi: int = Field(default=150, ge=36, le=600)
    max_tokens: int = Field(default=2048, ge=1)
    prompt: str = ""
    min_precision: float = Field(default=0.85, ge=0.0, le=1.0)
    min_recall: float = Field(default=0.6, ge=0.0, le=1.0)
    max_unmatched_run: int = Field(default=8, ge=0)
    verify_with_ocr: bool = True

    @property
    def policy(self) -> WordPolicy:
        """The word-agreement thresholds."""
        return WordPolicy(self.min_precision, self.min_recall, self.max_unmatched_run)


class TableOptions(VlmTaskOptions):
    """Tables: cells must match the text layer closely."""

    dpi: int = Field(default=200, ge=36, le=600)
    min_precision: float = Field(default=0.9, ge=0.0, le=1.0)
    min_recall: float = Field(default=0.8, ge=0.0, le=1.0)
    max_unmatched_run: int = Field(default=4, ge=0)


class PageOptions(VlmTaskOptions):
    """Whole pages (olmOCR-style). Running heads are left out, so recall is looser."""

    max_tokens: int = Field(default=6000, ge=1)
    min_precision: float = Field(default=0.8, ge=0.0, le=1.0)
    min_recall: float = Field(default=0.5, ge=0.0, le=1.0)
    max_unmatched_run: int = Field(default=12, ge=0)


class FigureOptions(VlmTaskOptions):
    """Figure descriptions: not checked against the page (they describe, not transcribe)."""

    max_tokens: int = Field(default=300, ge=1)
    max_chars: int = Field(default=800, ge=20)


class MathOptions(VlmTaskOptions):
    """Equations: only prose inside the LaTeX is checked against the page."""

    dpi: int = Field(default=200, ge=36, le=600)
    max_tokens: int = Field(default=1024, ge=1)
    min_precision: float = Field(default=0.0, ge=0.0, le=1.0)
    min_recall: float = Field(default=0.0, ge=0.0, le=1.0)
    max_unmatched_run: int = Field(default=5, ge=0)


@dataclass
class ReferenceWords:
    """Words a region's answer is checked against: the text layer, else OCR, else none.

    The OCR engine (the profile's ``ocr.engine``) is loaded on first need; where it cannot be
    loaded, answers on pages without a text layer are checked for structure only.
    """

    context: BackendContext
    use_ocr: bool = True
    ocr_engine: OcrEngine | None = None
    min_ocr_confidence: float = 0.6
    min_sure_share: float = 0.6
    _ocr_failed: bool = field(default=False, repr=False)

    def for_crop(self, crop: RegionCrop) -> list[str] | None:
        """Reference words for ``crop``; ``None`` where nothing can be trusted.

        On a page with a trusted text layer: its words, plus OCR words of pictures in the crop
        that carry no text-layer text (a chart's labels), where an OCR engine is available.
        """
        if not crop.text_layer_ok:
            return self._ocr_words(crop, [crop.bbox])
        lines = [ln.text for ln in crop.page.lines_in(crop.bbox)]
        pictures = [
            box.intersect(crop.bbox)
            for box in crop.page.image_boxes
            if box.intersect(crop.bbox).area > 0.02 * crop.bbox.area
            and not crop.page.lines_in(box.intersect(crop.bbox))
        ]
        if not any(line.strip() for line in lines):
            # A trusted text layer with no words and no picture: nothing is there.
            return self._ocr_words(crop, [crop.bbox]) if pictures else []
        words_found = reference_words(lines)
        if pictures:
            words_found += self._ocr_words(crop, pictures) or []
        return words_found

    def _ocr_words(self, crop: RegionCrop, boxes: list[BBox]) -> list[str] | None:
        """Confident OCR words of ``boxes``; ``None`` where OCR cannot be trusted to judge.

        OCR that finds nothing, or is unsure of most words (handwriting, a poor scan), says
        little about what is on the page; a model may read it better, so it is not judged.
        """
        engine = self._engine() if self.use_ocr else None
        if engine is None:
            return None
        found = [w for ws in engine.read([crop.page.render(b, dpi=200) for b in boxes]) for w in ws]
        sure = [w.text for w in found if w.confidence >= self.min_ocr_confidence]
        if not found or len(sure) < self.min_sure_share * len(found):
            return None
        return reference_words(sure)

    def _engine(self) -> OcrEngine | None:
        if self.ocr_engine is not None or self._ocr_failed:
            return self.ocr_engine
        from pdf2md.registry import OCR_ENGINES

        try:
            engine: OcrEngine = OCR_ENGINES.resolve(self.context.profile.ocr.engine)(self.context)
            engine.load()
        except BackendUnavailable as exc:
            log.warning("no OCR to check VLM answers on pages without text: %s", exc)
            self._ocr_failed = True
            return None
        self.ocr_engine = engine
        return engine


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class VlmTask(Protocol):
    """One kind of question to a VLM."""

    options: VlmTaskOptions

    def prompt(self, crop: RegionCrop) -> str:
        """The text prompt for ``crop``."""
        ...

    def image(self, crop: RegionCrop) -> Image.Image:
        """The picture sent with the prompt."""
        ...

    def interpret(self, crop: RegionCrop, raw: str, recogniser: str) -> Content:
        """The checked answer as Content; raises AnswerRejected."""
        ...


@dataclass
class _BaseTask:
    options: VlmTaskOptions
    reference: ReferenceWords
    default_prompt: str = ""

    def prompt(self, crop: RegionCrop) -> str:
        return self.options.prompt or self.default_prompt

    def image(self, crop: RegionCrop) -> Image.Image:
        return crop.page.render(crop.bbox, dpi=self.options.dpi)

    def _check(self, crop: RegionCrop, text: str, *, loops: bool = True) -> float | None:
        if loops:
            check_no_repetition(text)
        found = check_words(text, self.reference.for_crop(crop), self.options.policy)
        return round(found.precision * found.recall, 3)


@dataclass
class TableTask(_BaseTask):
    """Region crop in, HTML table out; rendered as a pipe table (HTML where cells span)."""

    default_prompt: str = TABLE_PROMPT

    def interpret(self, crop: RegionCrop, raw: str, recogniser: str) -> Content:
        check_not_empty(raw)
        rows = parse_html_table(raw)
        check_table_rows(rows)
        confidence = self._check(crop, table_words(rows), loops=False)
        return Content(
            region_id=crop.region.id,
            text=table_to_markdown(rows),
            orig=raw,
            recogniser=recogniser,
            method="vlm",
            confidence=confidence,
        )


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.DOTALL)
_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)


def page_text(raw: str) -> str:
    """The transcription in an olmOCR-style answer: YAML front matter or JSON ``natural_text``."""
    text = strip_fences(raw)
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text
        if isinstance(data, dict) and "natural_text" in data:
            return str(data.get("natural_text") or "").strip()
        return text
    match = _FRONT_MATTER.match(text)
    return text[match.end() :].strip() if match else text


def _tables_to_markdown(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        try:
            return table_to_markdown(parse_html_table(match.group(0)))
        except AnswerRejected:
            return match.group(0)

    return _HTML_TABLE.sub(convert, text)


@dataclass
class PageTask(_BaseTask):
    """Whole page in, Markdown out (olmOCR-style)."""

    default_prompt: str = PAGE_PROMPT

    def image(self, crop: RegionCrop) -> Image.Image:
        return crop.page.render(None, dpi=self.options.dpi)

    def interpret(self, crop: RegionCrop, raw: str, recogniser: str) -> Content:
        text = page_text(raw)
        if not text.strip() and self.reference.for_crop(crop) == []:
            # A blank page (trusted text layer, no words, no pictures): empty is the answer.
            return Content(
                region_id=crop.region.id,
                text="",
                orig=raw,
                recogniser=recogniser,
                method="vlm",
                confidence=1.0,
            )
        text = check_not_empty(text, what="page transcription")
        confidence = self._check(crop, text)
        return Content(
            region_id=crop.region.id,
            text=_tables_to_markdown(text),
            orig=raw,
            recogniser=recogniser,
            method="vlm",
            confidence=confidence,
        )


@dataclass
class FigureTask(_BaseTask):
    """Figure crop in, a short description out; the crop is saved where assets are wanted."""

    default_prompt: str = FIGURE_PROMPT

    def interpret(self, crop: RegionCrop, raw: str, recogniser: str) -> Content:
        text = " ".join(check_not_empty(strip_fences(raw), what="description").split())
        check_no_repetition(text)
        limit = getattr(self.options, "max_chars", 800)
        if len(text) > limit:
            raise AnswerRejected(f"description too long ({len(text)} > {limit} characters)")
        alt = text.replace("[", "(").replace("]", ")")
        asset = self._save(crop)
        body = f"![{alt}]({asset})" if asset else f"*Figure: {alt}*"
        return Content(
            region_id=crop.region.id,
            text=body,
            orig=raw,
            recogniser=recogniser,
            method="vlm",
            asset=asset,
        )

    def _save(self, crop: RegionCrop) -> str | None:
        settings = self.reference.context.profile.images
        sink = crop.assets
        if sink is None or not settings.enabled:
            return None
        data = crop.page.render_png(crop.bbox, dpi=settings.dpi)
        return sink.save(asset_name(crop.region), data)


_MATH_WRAPPERS = re.compile(
    r"^(\$\$|\$|\\\[|\\\(|\\begin\{equation\*?\})\s*(.*?)\s*(\$\$|\$|\\\]|\\\)|\\end\{equation\*?\})$",
    re.DOTALL,
)


def _balanced(latex: str) -> bool:
    depth = 0
    for i, ch in enumerate(latex):
        escaped = i > 0 and latex[i - 1] == "\\"
        if ch == "{" and not escaped:
            depth += 1
        elif ch == "}" and not escaped:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@dataclass
class MathTask(_BaseTask):
    """Equation crop in, display LaTeX out."""

    default_prompt: str = MATH_PROMPT

    def interpret(self, crop: RegionCrop, raw: str, recogniser: str) -> Content:
        latex = check_not_empty(strip_fences(raw), what="equation")
        match = _MATH_WRAPPERS.match(latex)
        latex = match.group(2).strip() if match else latex
        check_not_empty(latex, what="equation")
        if not _balanced(latex):
            raise AnswerRejected("malformed LaTeX: unbalanced braces")
        confidence = self._check(crop, latex)
        return Content(
            region_id=crop.region.id,
            text=f"$$\n{latex}\n$$",
            orig=raw,
            recogniser=recogniser,
            method="vlm",
            confidence=confidence,
        )


def accept_answer(
    label: str,
    task: VlmTask,
    crop: RegionCrop,
    answer: tuple[str | None, bool, str],
    *,
    max_tokens: int,
    errors: list[tuple[str, str]],
) -> Content | None:
    """Validate one model answer ``(text, cut_off, failure)`` for ``crop``; ``label`` is the
    recogniser's ``name@model``.

    Returns the Content, or ``None`` after appending ``(region_id, reason)`` to ``errors``
    (a failed request, an answer cut off at ``max_tokens``, or one the task rejects).
    """
    text, cut_off, failure = answer
    try:
        if text is None:
            raise AnswerRejected(f"request failed: {failure}")
        if cut_off:
            raise reject_cut_off(text, max_tokens)
        return task.interpret(crop, text, label)
    except AnswerRejected as exc:
        name = label.split("@", 1)[0]
        log.info("%s rejected for %s: %s", name, crop.region.id, exc)
        errors.append((crop.region.id, f"{name}: {exc}"))
        return None


def reject_cut_off(text: str, max_tokens: int) -> AnswerRejected:
    """The rejection for an answer that hit ``max_tokens``: a loop where it loops, else a cut."""
    loop = find_repetition(text)
    if loop:
        return AnswerRejected(f"repetition loop: {loop} (cut off at max_tokens={max_tokens})")
    return AnswerRejected(f"answer cut off at max_tokens={max_tokens}")
