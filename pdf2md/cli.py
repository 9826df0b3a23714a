"""The command line: ``pdf2md FILE.pdf`` converts one PDF; subcommands do the rest.

This is the only module that configures logging. It parses arguments into profile overrides
and hands them to :func:`pdf2md.pipeline.convert`; everything else lives in the library.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pdf2md import __version__
from pdf2md.cli_io import OutputError, StagedFolder, write_atomic, write_stream
from pdf2md.errors import Pdf2mdError
from pdf2md.page_pool import available_cores
from pdf2md.page_ranges import PageRanges, parse_page_ranges
from pdf2md.urls import redact_url

if TYPE_CHECKING:
    from pdf2md.model import Result
    from pdf2md.profile import Profile

app = typer.Typer(
    name="pdf2md",
    help=(
        "Convert PDFs to clean Markdown.\n\n"
        "`pdf2md FILE.pdf -o OUT.md` converts one PDF (short for `pdf2md convert ...`); "
        "`pdf2md batch` converts many; `pdf2md eval` scores conversions against ground truth.\n\n"
        "Exit status: 0 all good, 1 the document (batch: any document) failed, "
        "2 usage or configuration error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profile_app = typer.Typer(help="Inspect pipeline profiles (layouts/*.toml).", no_args_is_help=True)
app.add_typer(profile_app, name="profile")

SUBCOMMANDS = {"convert", "batch", "eval", "models", "profile", "--help", "-h", "--version"}


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"pdf2md: error: {message}", err=True)
    return typer.Exit(code)


def configure_logging(verbose: int, quiet: bool) -> None:
    """Set up stderr logging from -v/-q (the library itself never does); see pdf2md.console."""
    from pdf2md.console import configure_console_logging

    configure_console_logging(verbose, quiet)


def parse_pages(spec: str) -> PageRanges:
    """``"1-3,7"`` (1-based, inclusive) -> the indices ``[0, 1, 2, 6]``, kept as ranges.

    Raises:
        typer.BadParameter: a malformed range.
    """
    try:
        return parse_page_ranges(spec)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def write_output(text: str, output: Path | None, images: StagedFolder) -> None:
    """Write ``text`` to ``output`` (stdout for ``None``) and move the staged images into
    place; all or nothing: where either fails, neither stays.

    Raises:
        typer.Exit: a one-line error, exit code 1.
    """
    try:
        images.commit()
        if output is None:
            write_stream(sys.stdout, text)
        else:
            write_atomic(output, text)
    except OutputError as exc:
        images.undo()
        raise _fail(str(exc)) from None


_FLAG_KEYS = {
    "ocr": "ocr.mode",
    "ocr_engine": "ocr.engine",
    "page_markers": "document.page_markers",
    "vlm_url": "vlm.url",
    "vlm_model": "vlm.model",
}


def _overrides(flags: dict[str, Any]) -> dict[str, Any]:
    """Profile overrides (dotted keys) from the flags the user actually gave."""
    out = {key: flags[flag] for flag, key in _FLAG_KEYS.items() if flags.get(flag)}
    if flags.get("lang"):
        out["ocr.languages"] = [x for x in flags["lang"].replace(",", "+").split("+") if x]
    if flags.get("no_images"):
        out["images.enabled"] = False
    return out


@app.command("convert")
def convert_command(
    pdf: Annotated[Path, typer.Argument(help="The PDF to convert.", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    pages: Annotated[
        str | None, typer.Option("--pages", help="Pages to convert, 1-based: 1-3,7.")
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Profile: default, fast, scanned, scientific, vlm, vlm-page, or a .toml path.",
        ),
    ] = "default",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="md: Markdown; json: every block with page, bbox, kind and recogniser.",
        ),
    ] = "md",
    images: Annotated[
        Path | None,
        typer.Option(
            "--images",
            help="Folder for figure crops (with -o: OUT_images/ beside it; stdout: none).",
        ),
    ] = None,
    no_images: Annotated[
        bool, typer.Option("--no-images", help="Write no image files; figures are left out.")
    ] = False,
    password: Annotated[
        str | None, typer.Option("--password", help="Password of an encrypted PDF.")
    ] = None,
    page_markers: Annotated[
        bool,
        typer.Option("--page-markers", help="Write <!-- page N --> before each page's content."),
    ] = False,
    ocr: Annotated[
        str | None,
        typer.Option(
            "--ocr", help="auto (OCR pages whose text layer is missing or bad), force or off."
        ),
    ] = None,
    ocr_engine: Annotated[
        str | None,
        typer.Option("--ocr-engine", help="OCR engine: tesseract (default) or rapidocr."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="OCR languages, e.g. eng or eng+deu.")
    ] = None,
    vlm_url: Annotated[
        str | None,
        typer.Option("--vlm-url", help="OpenAI-compatible endpoint for the vlm profiles."),
    ] = None,
    vlm_model: Annotated[
        str | None, typer.Option("--vlm-model", help="Model name at that endpoint.")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="Give up on the document after this many seconds."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on the first error instead of recording it.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            metavar="",
            show_default=False,
            help="-v: one line per page (method, layout, why OCR ran); -vv: debug log.",
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-j",
            min=0,
            help="Processes that share the pages (0: one per core; documents of 4 pages or more).",
        ),
    ] = 0,
) -> None:
    """Convert one PDF to Markdown (or JSON).

    After the conversion one line on stderr says what was done (pages by method, warnings,
    seconds); -q leaves it out.

    Exit status: 0 converted (warnings may be printed), 1 the document failed, 2 a usage or
    configuration error (bad option, unknown profile, missing OCR language).
    """
    workers = workers or available_cores()
    if workers > 1:  # before pymupdf's import builds its model: one thread per process
        from pdf2md.onnx_env import limit_onnx_threads

        limit_onnx_threads(1)
    from pdf2md.pipeline import convert
    from pdf2md.profile import resolve_profile
    from pdf2md.render.json import render_json
    from pdf2md.route import validate_profile

    configure_logging(verbose, quiet)
    if fmt not in ("md", "json"):
        raise _fail(f"--format must be md or json, not {fmt!r}", 2)
    if images is not None and no_images:
        raise _fail("--images and --no-images exclude each other", 2)
    try:
        page_list = parse_pages(pages) if pages else None
        resolved = resolve_profile(
            profile,
            env=os.environ,
            overrides=_overrides(
                {
                    "ocr": ocr,
                    "ocr_engine": ocr_engine,
                    "lang": lang,
                    "page_markers": page_markers,
                    "no_images": no_images,
                    "vlm_url": vlm_url,
                    "vlm_model": vlm_model,
                }
            ),
        )
        validate_profile(resolved.profile)  # any unknown name or option key: a config error
        if lang:
            _check_ocr_languages(resolved.profile)
    except (Pdf2mdError, typer.BadParameter) as exc:
        raise _fail(str(exc), 2) from None
    images_dir = images
    if images_dir is None and output is not None and not no_images:
        images_dir = output.with_name(f"{output.stem}_images")
    if output is not None and output.is_dir():
        raise _fail(f"cannot write {output}: is a directory")
    staged = StagedFolder(images_dir)  # images move into images_dir only with the output
    try:
        started = time.perf_counter()
        result = convert(
            pdf,
            on_progress=_progress_printer() if not quiet and sys.stderr.isatty() else None,
            profile=resolved,
            pages=page_list,
            password=password,
            images_dir=staged.path,
            image_link_prefix=_image_link_prefix(images_dir, output) if images_dir else None,
            strict=strict,
            timeout_s=timeout,
            workers=workers,
        )
        if result.status == "failed" or result.document is None:
            raise _fail(result.errors[0].message if result.errors else "conversion failed")
        _report(result, time.perf_counter() - started, verbose=verbose, quiet=quiet)
        text = render_json(result.document) if fmt == "json" else result.markdown
        write_output(text, output, staged)
    finally:
        staged.discard()


def _image_link_prefix(images_dir: Path, output: Path | None) -> str:
    """How the Markdown links to ``images_dir``: relative to the output file's folder (for
    stdout, to the current folder), so the links resolve wherever ``--images`` points."""
    base = output.parent if output is not None else Path()
    try:
        return Path(os.path.relpath(images_dir.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return images_dir.resolve().as_posix()


def _check_ocr_languages(profile: Profile) -> None:
    """With ``--lang``, a missing Tesseract language is a usage error before any work is done.

    Raises:
        BackendUnavailable: the message names each missing language and its package.
    """
    if profile.ocr.mode == "off" or profile.ocr.engine != "tesseract":
        return
    from pdf2md.ocr.languages import find_tessdata

    options = profile.backend_options("tesseract")
    find_tessdata(profile.ocr.languages, str(options.get("tessdata", "")))


def _report(result: Result, seconds: float, *, verbose: int, quiet: bool) -> None:
    """Warnings, then (unless -q) the -v page lines and the summary line, on stderr."""
    from pdf2md.cli_report import page_lines, summary_line, warning_text

    for err in result.errors:
        logging.getLogger("pdf2md").warning("%s", warning_text(err))
    if quiet:
        return
    if verbose and result.document is not None:
        for line in page_lines(result.document):
            typer.echo(line, err=True)
    typer.echo(summary_line(result, seconds), err=True)


def _progress_printer() -> Callable[[int, int], None]:
    """A one-line progress display on stderr (only for terminals, only past 8 pages)."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if total <= 8:
            return
        rate = done / max(time.monotonic() - started, 1e-6)
        eta = (total - done) / rate if rate else 0.0
        end = "\n" if done == total else ""
        sys.stderr.write(
            f"\rpdf2md: {done}/{total} pages, {rate:.1f} pages/s, {eta:.0f} s left{end}"
        )
        sys.stderr.flush()

    return show


@profile_app.command("show")
def profile_show(
    name: Annotated[str, typer.Argument(help="Profile name or .toml path.")] = "default",
) -> None:
    """Print the resolved profile and where each value came from."""
    from pdf2md.profile import resolve_profile

    try:
        resolved = resolve_profile(name, env=os.environ)
    except Pdf2mdError as exc:
        raise _fail(str(exc), 2) from None
    flat = _flatten(resolved.profile.model_dump(mode="json"))
    width = max(len(k) for k in flat)
    typer.echo(f"# profile {resolved.profile.name} (hash {resolved.profile.hash})")
    for key, value in flat.items():
        source = resolved.sources.get(key, "default")
        value = redact_url(value) if key.endswith("url") and isinstance(value, str) else value
        typer.echo(f"{key.ljust(width)} = {value!r}  [{source}]")


@profile_app.command("list")
def profile_list() -> None:
    """List the bundled profiles with their descriptions."""
    from pdf2md.profile import load_profile, profile_names

    for name in profile_names():
        typer.echo(f"{name:12} {load_profile(name).description}")


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key != "options":
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"pdf2md {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Convert PDFs to clean Markdown."""


def _register_optional_commands() -> None:
    """Subcommands that live in their own packages."""
    from pdf2md.registry_cli import register

    register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``pdf2md FILE.pdf ...`` is ``pdf2md convert FILE.pdf ...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and not args[0].startswith("-"):
        args.insert(0, "convert")
    _register_optional_commands()
    app(args=args, prog_name="pdf2md")
