"""``pdf2md models``: list, pull and locate the weights of model-backed backends.

The lead's CLI mounts :data:`models_app` as ``pdf2md models``. Nothing here downloads unless
the user runs ``pdf2md models pull NAME``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pdf2md.backend import default_models_dir
from pdf2md.errors import Pdf2mdError
from pdf2md.models import find_spec, list_models, model_path, pull_model
from pdf2md.profile import resolve_profile

models_app = typer.Typer(
    name="models",
    help="Model weights for the model-backed backends: list, pull, path.",
    no_args_is_help=True,
)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Model store folder (default: the profile's models.dir, else $PDF2MD_HOME/models).",
    ),
]
ProfileOption = Annotated[
    str, typer.Option("--profile", "-p", help="Profile whose models.dir to use.")
]


def _store(directory: Path | None, profile: str) -> Path:
    if directory is not None:
        return directory
    configured = resolve_profile(profile).profile.models.dir
    return Path(configured).expanduser() if configured else default_models_dir()


def _fail(exc: Pdf2mdError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=1)


@models_app.command("list")
def list_command(directory: DirOption = None, profile: ProfileOption = "default") -> None:
    """Show every model, the backends that use it, where it is looked for and if it is there."""
    try:
        store = _store(directory, profile)
    except Pdf2mdError as exc:
        raise _fail(exc) from exc
    typer.echo(f"model store: {store}")
    rows = [("name", "present", "backends", "source", "size", "folder")]
    for status in list_models(store):
        spec = status.spec
        rows.append(
            (
                spec.name,
                "yes" if status.is_present else "no",
                spec.backend,
                spec.repo_id,
                spec.size_hint or "?",
                str(status.folder),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[-1]]
        typer.echo("  ".join(cells).rstrip())
    typer.echo("get one with `pdf2md models pull NAME` (needs network)")


@models_app.command("pull")
def pull_command(
    name: Annotated[str, typer.Argument(help="Model name from `pdf2md models list`.")],
    directory: DirOption = None,
    profile: ProfileOption = "default",
) -> None:
    """Download a model into the store (from the Hugging Face hub; needs network)."""
    try:
        spec = find_spec(name)
        folder = pull_model(_store(directory, profile), spec)
    except Pdf2mdError as exc:
        raise _fail(exc) from exc
    typer.echo(str(folder))


@models_app.command("path")
def path_command(
    name: Annotated[str, typer.Argument(help="Model name from `pdf2md models list`.")],
    directory: DirOption = None,
    profile: ProfileOption = "default",
) -> None:
    """Print the folder a model is (or would be) loaded from."""
    try:
        spec = find_spec(name)
        typer.echo(str(model_path(_store(directory, profile), spec)))
    except Pdf2mdError as exc:
        raise _fail(exc) from exc
