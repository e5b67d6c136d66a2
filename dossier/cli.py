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


# ----------------------------------------------------------------- serve
# `dossier serve ssh|web`: demos over SSH and in a browser (dossier/serve/). Imports are lazy:
# asyncssh and aiohttp are loaded only by the command that needs them.

_LIMIT_OPTIONS = [
    click.option("--max-sessions", type=int, default=8, show_default=True, help="Browsers running at once, in all."),
    click.option("--per-ip", type=int, default=3, show_default=True, help="Browsers running at once per address."),
    click.option("--rate", type=int, default=10, show_default=True, help="New connections per minute per address."),
    click.option(
        "--idle-timeout",
        type=float,
        default=600,
        show_default=True,
        help="Seconds without input before a session is closed (0: never).",
    ),
    click.option(
        "--public",
        is_flag=True,
        help="Allow listening on a non-loopback address without authentication.",
    ),
]


def _say(line: str) -> None:
    """A server's status line, flushed at once: its output is often piped to a log or `tee`."""
    click.echo(line)
    sys.stdout.flush()


def _limit_options(func: Any) -> Any:
    for option in reversed(_LIMIT_OPTIONS):
        func = option(func)
    return func


@main.group()
def serve() -> None:
    """Serve a dossier read-only for demos: over SSH (no shell) or in a browser.

    Each client gets its own browser on the dossier; nothing else runs. Both
    servers listen on 127.0.0.1 by default, refuse to listen elsewhere without
    authentication unless given --public, and stop on Ctrl+C or SIGTERM,
    ending every session.
    """


@serve.command(name="ssh")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=2222, show_default=True, help="Port to listen on (0: any free port).")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where the host key is kept (default: $XDG_STATE_HOME/dossier/ssh).",
)
@click.option(
    "--authorized-keys",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Require public-key authentication against this file (OpenSSH format).",
)
@_limit_options
@click.option("--login-timeout", type=float, default=30, show_default=True, help="Seconds to authenticate.")
def serve_ssh(
    db: Path | None,
    host: str,
    port: int,
    state_dir: Path | None,
    authorized_keys: Path | None,
    max_sessions: int,
    per_ip: int,
    rate: int,
    idle_timeout: float,
    public: bool,
    login_timeout: float,
) -> None:
    """Serve the dossier over SSH: `ssh -p PORT HOST` gets the browser, and nothing else.

    No shell, no commands, no SFTP, no forwarding. The host key is made once in
    --state-dir and reused. Without --authorized-keys any client may connect,
    which is allowed only on a loopback address (or with --public).
    """
    from .serve import Limits, ServeError, checked_db

    try:
        from .serve.ssh import SSHConfig, run_ssh

        limits = Limits(
            max_sessions=max_sessions, per_ip=per_ip, rate=rate, idle_timeout=idle_timeout, login_timeout=login_timeout
        )
        path, title = checked_db(existing_db(db))
        config = SSHConfig(
            db=path,
            host=host,
            port=port,
            state_dir=state_dir,
            authorized_keys=authorized_keys,
            public=public,
            limits=limits,
        )
        run_ssh(config, title, _say)
    except ServeError as exc:
        fail(str(exc))


@serve.command(name="web")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on (0: any free port).")
@_limit_options
def serve_web(
    db: Path | None,
    host: str,
    port: int,
    max_sessions: int,
    per_ip: int,
    rate: int,
    idle_timeout: float,
    public: bool,
) -> None:
    """Serve the dossier in a browser: each tab at http://HOST:PORT gets its own browser on the dossier.

    Pages and websockets are accepted only from the server's own origin. There
    is no authentication, so listening beyond loopback needs --public.
    """
    from .serve import Limits, ServeError, checked_db

    try:
        from .serve.web import WebConfig, run_web

        limits = Limits(max_sessions=max_sessions, per_ip=per_ip, rate=rate, idle_timeout=idle_timeout)
        path, title = checked_db(existing_db(db))
        run_web(WebConfig(db=path, host=host, port=port, public=public, limits=limits), title, _say)
    except ServeError as exc:
        fail(str(exc))


# ----------------------------------------------------------------- end serve


if __name__ == "__main__":  # pragma: no cover
    main()
