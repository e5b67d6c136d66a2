"""The `dossier` command: build, import, export, show and browse dossiers.

Every command exits 0 on success and 1 with a one-line reason on bad input
(a bundle lists each of its problems, one per line, then a summary line).
A traceback is printed only with `--debug`. `--db` defaults to the default
dossier, which is built from the shipped seed on first use; a path that does
not exist is an error for every command but `init`, never a new database.

Heavy imports (Textual, the importer) happen inside the commands that need
them, so `dossier --help` and `dossier show` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__

DB_ENV = "DOSSIER_DB"
"""Environment variable naming the default dossier's file (else the user's data directory)."""


def default_db_path() -> Path:
    """The default dossier: $DOSSIER_DB, else $XDG_DATA_HOME/dossier/default.db (~/.local/share/...)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "dossier" / "default.db"


def ensure_default_db() -> Path:
    """The default dossier's path, built from the seed the first time it is needed."""
    path = default_db_path()
    if not path.exists():
        from .importer import init_database

        path.parent.mkdir(parents=True, exist_ok=True)
        init_database(path)
    return path


class UserError(click.ClickException):
    """Bad input: printed as `dossier: error: <reason>`, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"dossier: error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise UserError(message)


class DossierGroup(click.Group):
    """Turns every expected failure into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .bundle import BundleError
        from .store import StoreError

        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (`dossier export | head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except BundleError as exc:
            if debug:
                raise
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            fail(f"refused: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}; nothing was written")
        except StoreError as exc:
            if debug:
                raise
            fail(str(exc))
        except OSError as exc:
            if debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")
        except Exception as exc:  # the last guard: never a traceback without --debug
            if debug:
                raise
            fail(f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} (run with --debug)")


def existing_db(path: Path | None) -> Path:
    """The --db path: must exist (never created); the default dossier is built on first use."""
    if path is None:
        return ensure_default_db()
    if not path.exists():
        fail(f"{path}: no such file (create one with `dossier init {path}`)")
    return path


db_option = click.option(
    "--db",
    "db",
    type=click.Path(path_type=Path, dir_okay=True),
    default=None,
    help="The dossier database (default: the default dossier).",
)


@click.group(cls=DossierGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dossier")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Dossier: browse who said what, which measures were taken by whom, and with which consequences.

    Without a command, opens the default dossier in the browser.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        ctx.invoke(browse, path=None, ref=None)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.argument("ref", required=False)
def browse(path: Path | None, ref: str | None) -> None:
    """Browse a dossier file (default: the default dossier), optionally opened at REF.

    REF is a slug (`zakharova`) or kind/slug (`actor/zakharova`, `measure/...`).
    """
    from .store import Store

    db = existing_db(path)
    store = Store.open(db)
    if ref:
        store.resolve(ref)  # a bad REF is refused before the screen starts
    from .app import DossierApp

    app = DossierApp(store, ref=ref)
    try:
        app.run()
    finally:
        store.close()
    if app.return_code:
        sys.exit(app.return_code)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--empty", is_flag=True, help="Only the schema, no dossier.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init(path: Path, empty: bool, force: bool) -> None:
    """Create a new dossier database at PATH: the default dossier, or an empty one."""
    from .importer import init_database

    report = init_database(path, empty=empty, force=force)
    what = "an empty dossier" if empty else f"the default dossier ({report.summary()})"
    click.echo(f"created {path}: {what}")


@main.command(name="import")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
def import_(bundles: tuple[Path, ...], db: Path | None) -> None:
    """Validate BUNDLE files (YAML or JSON) together, then write them all or nothing."""
    from .importer import import_files

    target = existing_db(db)
    report = import_files(target, list(bundles))
    click.echo(f"imported {len(bundles)} bundle{'s' if len(bundles) != 1 else ''} into {target}: {report.summary()}")


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "markdown"]), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE, not stdout.")
def export(db: Path | None, fmt: str, output: Path | None) -> None:
    """Write the dossier as a bundle (json, yaml) or as a readable Markdown dossier."""
    from .bundle import dump_bundle
    from .report import markdown
    from .store import Store

    with Store.open(existing_db(db)) as store:
        bundle = store.export_bundle()
    text = "\n".join(markdown(bundle)) + "\n" if fmt == "markdown" else dump_bundle(bundle, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("ref")
@db_option
def show(ref: str, db: Path | None) -> None:
    """Print one actor, statement, measure, event or source with everything linked to it.

    REF is a slug (`zakharova`) or kind/slug (`actor/zakharova`).
    """
    from .report import show_entity
    from .store import Store

    with Store.open(existing_db(db)) as store:
        kind, entity_id = store.resolve(ref)
        for line in show_entity(store, kind, entity_id):
            click.echo(line)


# --------------------------------------------------------------------------- generate


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--statements", type=int, default=100_000, show_default=True, help="How many statements.")
@click.option("--actors", type=int, default=None, help="How many actors [default: statements / 200, at least 20].")
@click.option("--measures", type=int, default=None, help="How many measures [default: statements / 100, at least 10].")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same dossier.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def generate(path: Path, statements: int, actors: int | None, measures: int | None, seed: int, force: bool) -> None:
    """Write a synthetic dossier to PATH for benchmarks and demos (skewed, multi-script, deterministic)."""
    from .generate import generate as make

    made = make(path, statements=statements, actors=actors, measures=measures, seed=seed, force=force)
    heaviest = f"; heaviest speaker {made.heaviest.slug} ({made.heaviest.statements:,})" if made.heaviest else ""
    click.echo(f"generated {path}: {made.summary()}{heaviest}")


if __name__ == "__main__":  # pragma: no cover
    main()
