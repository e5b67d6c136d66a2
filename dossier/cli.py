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

import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__
from .errors import LaunchError, error_line
from .opening import existing_db, open_browser, open_to_read, reason

if TYPE_CHECKING:
    from .store import Store
    from .views import Line


class UserError(click.ClickException):
    """Bad input: printed as `dossier: error: <reason>`, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(error_line(self.format_message()), err=True)  # as `dossier.launch` says it (`dossier.errors`)


def warn(warnings: Iterable[str]) -> None:
    """Print what the user should know though the command goes on (`Store.warnings`), one line each."""
    from .text import printable

    for warning in warnings:
        click.echo(f"dossier: warning: {printable(warning)}", err=True)


def fail(message: str) -> NoReturn:
    raise UserError(message)


class DossierGroup(click.Group):
    """Turns every expected failure into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import BundleError

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
        except LaunchError as exc:  # a path that does not exist is bad input, with or without --debug
            fail(str(exc))
        except Exception as exc:  # a bad file or REF, an I/O error, and the last guard: never a traceback
            if debug:
                raise
            fail(reason(exc))


_PATH = click.Path(path_type=Path)
_FILE = click.Path(path_type=Path, dir_okay=False)
"""The path types of the arguments and options, made once: each `click.Path` looks up its messages'
translations as it is made (a few file look-ups each, on every start of every command)."""

db_option = click.option(
    "--db",
    "db",
    type=_PATH,
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
        ctx.invoke(browse, path=None, ref=None, notebook_path=None, write=False, review=None)


@main.command()
@click.argument("path", required=False, type=_PATH)
@click.argument("ref", required=False)
@click.option(
    "--notebook",
    "notebook_path",
    type=_FILE,
    default=None,
    help="Your notebook file: marks, notes, tags (default: $XDG_DATA_HOME/dossier/notebook.db).",
)
@click.option("--write", is_flag=True, help="Open for writing: e edits, a adds, D deletes (each recorded).")
@click.option(
    "--review",
    type=_PATH,
    default=None,
    help="A draft (`dossier draft`) to review first: what you accept is written as one edit. Needs --write.",
)
def browse(path: Path | None, ref: str | None, notebook_path: Path | None, write: bool, review: Path | None) -> None:
    """Browse a dossier file (default: the default dossier), optionally opened at REF.

    REF is a slug (`zakharova`) or kind/slug (`actor/zakharova`, `measure/...`).
    Read-only unless --write; an older file opened for writing is migrated
    first, after a backup copy. With --review DRAFT.yaml the draft's review
    screen opens over the browser: accept, reject or edit each drafted
    statement, then finish to write the accepted ones as one recorded edit.
    """
    debug = bool(click.get_current_context().find_root().params.get("debug"))
    # The same way in as `dossier.launch.main` (`dossier.opening`).
    status = open_browser(path, ref, debug=debug, notebook=notebook_path, write=write, review=review)
    if status:
        sys.exit(status)


@main.command()
@click.argument("path", type=_PATH)
@click.option("--empty", is_flag=True, help="Only the schema, no dossier.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init(path: Path, empty: bool, force: bool) -> None:
    """Create a new dossier database at PATH: the default dossier, or an empty one."""
    from .importer import init_database

    report = init_database(path, empty=empty, force=force)
    what = "an empty dossier" if empty else f"the default dossier ({report.summary()})"
    click.echo(f"created {path}: {what}")


@main.command(name="import")
@click.argument("bundles", nargs=-1, required=True, type=_PATH)
@db_option
def import_(bundles: tuple[Path, ...], db: Path | None) -> None:
    """Validate BUNDLE files (YAML, JSON or JSON Lines) together, then write them all or nothing.

    FollowTheMoney JSON lines (Person, Organization, PublicBody, LegalEntity,
    Sanction) are read too, with `dossier[ftm]`; other entities are left out,
    each with a one-line reason.
    """
    from .importer import import_files
    from .jsonl_import import import_paths, streamed

    target = existing_db(db)
    # A JSON Lines bundle is streamed (written as it is read); the others are read whole first.
    load = import_paths if any(map(streamed, bundles)) else import_files
    report = load(target, list(bundles))
    if report.migration is not None:
        click.echo(f"dossier: {report.migration.summary(target)}", err=True)
    warn(report.notes)
    click.echo(f"imported {len(bundles)} bundle{'s' if len(bundles) != 1 else ''} into {target}: {report.summary()}")


@main.command()
@click.argument("path", type=_PATH)
def migrate(path: Path) -> None:
    """Bring a dossier made by an older Dossier to the current schema, keeping a copy of it first.

    The copy is PATH.schema-N.bak beside it (N: the version it had). Missing
    search-index triggers are re-created too (a `sqlite-utils transform` drops
    them). The browser reads older files as they are and never migrates them.
    """
    from .migrations import migrate_file

    target = existing_db(path)
    click.echo(migrate_file(target).summary(target))


@main.command()
@click.argument("ref")
@db_option
def edit(ref: str, db: Path | None) -> None:
    """Edit one entity, with its children, as its bundle YAML in $VISUAL or $EDITOR.

    Saved as one transaction, validated like an import, and recorded in the
    audit trail (`dossier history`). A refused document opens again with each
    problem as a comment at its top; saving it unchanged or empty cancels.
    With neither variable set, nothing is run: set one, or use `e` in
    `dossier browse PATH --write`, which has an editor of its own. A
    consequence is edited as part of its measure.
    """
    import tempfile

    from .capture import apply_text, document_text
    from .editing import EditorFailed, edit_in_file, edit_until_saved, editor_command
    from .store import Store

    target = existing_db(db)
    with Store.open(target) as store:
        kind, slug, text = document_text(store, *store.resolve(ref))
    try:
        found = editor_command()
    except EditorFailed as exc:
        fail(str(exc))
    if found is None:
        fail("no editor: set $VISUAL or $EDITOR (or press e in `dossier browse PATH --write`, which has its own)")
    variable, command = found
    folder = Path(tempfile.mkdtemp(prefix="dossier-edit-"))
    name = f"{kind}-{slug}.yaml"
    keep = False
    try:
        saved = edit_until_saved(
            text,
            edit_in_file(variable, command, folder, name),
            lambda written: apply_text(target, written, origin="edit", expect=(kind, slug), file=name),
        )
    except EditorFailed as exc:
        fail(str(exc))
    except Exception as exc:  # busy, read-only, a full disk: the text the user wrote is kept
        keep = True
        fail(f"{reason(exc)}; your text is kept in {folder / name}")
    finally:
        if not keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    if saved is None:
        click.echo(f"{kind}/{slug}: cancelled, nothing was written")
        return
    if saved.migrated:
        click.echo(f"dossier: {saved.migrated}", err=True)
    click.echo(saved.summary())


@main.command()
@db_option
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="Edits to list.")
def history(db: Path | None, limit: int) -> None:
    """The audit trail, newest first: every edit, revert and import, with its number for `dossier revert`."""

    with open_to_read(db) as store:
        warn(store.warnings)
        edits = store.edits_page(limit=limit)
    if not edits:
        click.echo("no edits recorded")
    for item in edits:
        click.echo(_escape_for_terminal(_edit_line(item)))


def _edit_line(item: Any) -> str:
    """One edit as a line of `dossier history`."""
    import json

    what = f"{item.kind}/{item.slug}" if item.kind else ""
    if item.action == "import":
        counts = json.loads(item.counts or "{}")
        parts = [f"{table} +{n}" for table, n in sorted(counts.get("inserted", {}).items()) if n]
        parts += [f"{table} ~{n}" for table, n in sorted(counts.get("updated", {}).items()) if n]
        what = f"{item.note or 'a bundle'}: {', '.join(parts) or 'nothing changed'}"
    elif not what:
        doc = json.loads(item.after or item.before or "{}")
        what = ", ".join(f"{section[:-1]}/{entity['slug']}" for section, items in doc.items() for entity in items)
    note = f" ({item.note})" if item.note and item.action != "import" else ""
    return f"{item.id:>5}  {item.at}  {item.origin:<7} {item.action:<7} {what}{note}"


@main.command()
@click.argument("number", type=click.IntRange(1))
@db_option
def revert(number: int, db: Path | None) -> None:
    """Undo edit NUMBER (from `dossier history`) as a new edit; refused if its entities changed since."""
    from .capture import revert_edit

    saved = revert_edit(existing_db(db), number)
    if saved.migrated:
        click.echo(f"dossier: {saved.migrated}", err=True)
    click.echo(saved.summary())


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "yaml", "markdown", "ftm", "ftm-statements"]),
    default="yaml",
    show_default=True,
)
@click.option("-o", "--output", type=_FILE, help="Write to FILE, not stdout.")
def export(db: Path | None, fmt: str, output: Path | None) -> None:
    """Write the dossier as a bundle (json, yaml, jsonl), a readable Markdown dossier, or FollowTheMoney JSON lines.

    `jsonl` writes one entity a line, streamed in memory that does not grow
    with the dossier: the format for big dossiers. `ftm` writes FtM entities,
    one a line; `ftm-statements` FtM statements, which also keep each alias's
    language. Both need `dossier[ftm]`.
    """
    if fmt == "jsonl":  # first: the lines need neither pydantic nor the bundle models (`jsonl_write`)
        _export_lines(existing_db(db), output)
        return
    from .bundle import dump_bundle
    from .report import markdown
    from .store import Store

    if fmt.startswith("ftm"):
        from . import ftm

        if not ftm.available():
            fail(ftm.MISSING)
    with Store.open(existing_db(db)) as store, store.snapshot():  # the bundle and its identity: one state
        warn(store.warnings)
        bundle = store.export_bundle()
        identity = store.identity()
    if fmt.startswith("ftm"):
        left_out: list[str] = []
        entities = ftm.export_entities(bundle, identity, left_out)
        warn(left_out)
        lines = ftm.entity_lines(entities) if fmt == "ftm" else ftm.statement_lines(entities)
        text = _escape_for_terminal("".join(line + "\n" for line in lines))
    elif fmt == "markdown":
        text = "\n".join(markdown(bundle)) + "\n"
    else:
        text = dump_bundle(bundle, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:  # a full disk: no half-written file left, the target as it was
        tmp.unlink(missing_ok=True)
        fail(f"{output}: cannot be written ({exc.strerror or exc}); nothing was written to it")
    click.echo(f"wrote {output}", err=True)


def _export_lines(db: Path, output: Path | None) -> None:
    """`export --format jsonl`: entity by entity to the file (beside it, then moved into place) or stdout."""
    from .jsonl_write import dump_rows
    from .store import Store

    with Store.open(db) as store, contextlib.closing(dump_rows(store.export_rows(statement_lines=True))) as lines:
        # closed before the store is: a write that fails leaves no generator to finish on a closed connection
        warn(store.warnings)
        if output is None:
            sys.stdout.flush()
            binary = getattr(sys.stdout, "buffer", None)  # UTF-8 as it comes, whatever the terminal's encoding
            if binary is None:
                sys.stdout.writelines(chunk.decode("utf-8") for chunk in lines)
            else:
                binary.writelines(lines)
                binary.flush()
            return
        tmp = output.with_name(f".{output.name}.tmp")
        try:
            with tmp.open("wb") as handle:
                handle.writelines(lines)
            os.replace(tmp, output)
        except OSError as exc:  # a full disk: no half-written file left, the target as it was
            tmp.unlink(missing_ok=True)
            fail(f"{output}: cannot be written ({exc.strerror or exc}); nothing was written to it")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("ref")
@db_option
def show(ref: str, db: Path | None) -> None:
    """Print one actor, statement, measure, event or source with everything linked to it.

    REF is a slug (`zakharova`) or kind/slug (`actor/zakharova`).
    """
    from .report import show_entity
    from .text import clean_text

    with open_to_read(db) as store:
        warn(store.warnings)
        kind, entity_id = store.resolve(ref)
        for line in show_entity(store, kind, entity_id):
            # Cleaned again as it leaves: dates and slugs are put in lines as they are, and a
            # database written by another program may hold escapes in them.
            click.echo(clean_text(line))


@main.command(name="datasette-metadata")
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
def datasette_metadata(db: Path | None, fmt: str) -> None:
    """Print Datasette metadata for the dossier: labels, facets, newest-first order, search, canned queries.

    \b
    dossier datasette-metadata --db my.db > metadata.json
    datasette serve --immutable my.db -m metadata.json
    """
    from .datasette_metadata import metadata
    from .store import Store

    target = existing_db(db)
    with Store.open(target) as store:
        warn(store.warnings)
        title = store.title()
    data = metadata(target.stem, title=title)
    if fmt == "json":
        click.echo(_json(data))
    else:
        from .datasette_metadata import dump_yaml

        click.echo(dump_yaml(data), nl=False)


# --------------------------------------------------------------------------- chains, timeline, relations


def _escape_for_terminal(text: str) -> str:
    """JSON text with C1 controls, DEL, bidi controls and line separators escaped (JSON reads them back the same)."""
    import re

    unsafe = r"[\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029]"
    return re.sub(unsafe, lambda m: f"\\u{ord(m[0]):04x}", text)


def _json(data: Any) -> str:
    """JSON that keeps the dossier's text exact but cannot act on a terminal.

    `json.dumps` already escapes C0 controls; C1 controls, DEL and bidi
    controls are escaped here too (as `\\uXXXX`, which JSON reads back as the same text).
    """
    import json
    import re

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return re.sub(r"[\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", lambda m: f"\\u{ord(m[0]):04x}", text)


def _echo_lines(lines: Iterable[Line]) -> None:
    from .views import plain

    for line in lines:
        click.echo(plain(line))


def _actor_id(store: Store, slug: str | None) -> int | None:
    if slug is None:
        return None
    _, actor_id = store.resolve(slug if "/" in slug else f"actor/{slug}")
    return actor_id


@main.command()
@click.argument("ref")
@db_option
@click.option("--depth", type=click.IntRange(1, 100), default=12, show_default=True, help="Links to follow each way.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True, help="Steps each way.")
@click.option("--json", "as_json", is_flag=True, help="Print the chain as JSON.")
def chain(ref: str, db: Path | None, depth: int, limit: int, as_json: bool) -> None:
    """The response chain of a measure: what it answers and what answers it, both ways, recursively.

    REF is a measure, a consequence (its measure) or a statement (each measure it is about).
    """
    from .rows import to_json
    from .views import chain_lines

    with open_to_read(db) as store:
        kind, entity_id = store.resolve(ref)
        if kind == "measure":
            roots = [entity_id]
        elif kind == "consequence":
            roots = [store.consequence(entity_id).measure.id]
        elif kind == "statement":
            roots = [about.measure.id for about in store.statement_detail(entity_id).about]
            if not roots:
                fail(f"{ref!r} is a statement about no measure, so it has no response chain")
        else:
            article = "an" if kind[0] in "aeiou" else "a"
            fail(f"{ref!r} is {article} {kind}; a chain starts at a measure, a statement or a consequence")
        chains = []
        shown: set[int] = set()
        for root in roots:
            if root in shown:  # already a step of a chain printed for this statement
                continue
            found = store.chain(root, depth=depth, limit=limit)
            shown.update(step.measure.id for step in found.steps)
            chains.append(found)
    if as_json:
        click.echo(_json(to_json(chains)))
        return
    for index, found in enumerate(chains):
        if index:
            click.echo("")
        _echo_lines(chain_lines(found))


TIMELINE_KIND_CHOICES = ("event", "announced", "statement", "effective", "due", "measure", "consequence")
"""`--kind` values: the timeline kinds, plus `measure` (announced and effective) and `consequence` (due)."""


@main.command()
@db_option
@click.option("--actor", help="Only what involves this actor (SLUG).")
@click.option("--from", "date_from", metavar="DATE", help="From this date on (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Up to this date, inclusive (`--to 2022-01`: all of January).")
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(TIMELINE_KIND_CHOICES), help="Only these (repeatable)."
)
@click.option("--limit", type=click.IntRange(1, 10_000_000), default=200, show_default=True, help="Items to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
def timeline(
    db: Path | None,
    actor: str | None,
    date_from: str | None,
    date_to: str | None,
    kinds: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Statements, measures, due dates and events merged in date order, grouped by day.

    Partial dates (`2022`, `2022-01`) come before the full dates they contain;
    undated items are left out.
    """
    from .rows import to_json
    from .views import timeline_day, timeline_line

    wanted: set[str] | None = None
    if kinds:
        aliases = {"measure": ("announced", "effective"), "consequence": ("due",)}
        wanted = {k for kind in kinds for k in aliases.get(kind, (kind,))}
    with open_to_read(db) as store:
        actor_id = _actor_id(store, actor)
        after = None
        printed = 0
        exhausted = False
        day: str | None = None
        items_json: list[Any] = []
        while printed < limit:
            size = min(500, limit - printed)
            page = store.timeline(
                actor_id=actor_id, kinds=wanted, date_from=date_from, date_to=date_to, after=after, limit=size
            )
            for item in page:
                if as_json:
                    items_json.append(to_json(item))
                    continue
                if item.date != day:
                    day = item.date
                    _echo_lines([timeline_day(day)])
                _echo_lines([timeline_line(item)])
            printed += len(page)
            if len(page) < size:
                exhausted = True
                break
            after = page[-1].cursor
        more = not exhausted and bool(
            store.timeline(actor_id=actor_id, kinds=wanted, date_from=date_from, date_to=date_to, after=after, limit=1)
        )
    if as_json:
        click.echo(_json(items_json))
    elif printed == 0:
        click.echo("nothing dated matches", err=True)
    elif more:
        click.echo(f"… more after {printed} items (raise --limit, or narrow with --from/--to)", err=True)


@main.command()
@db_option
@click.option("--actor", help="Only the pairs this actor (SLUG) is part of, with it first.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Pairs to print.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many pairs.")
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def relations(db: Path | None, actor: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Pairs of actors: the measures each took against the other, and what the other side said about them."""
    from .rows import to_json
    from .views import plain, relation_rows

    with open_to_read(db) as store:
        pairs = store.relations(actor_id=_actor_id(store, actor), limit=limit, offset=offset)
    if as_json:
        click.echo(_json(to_json(pairs)))
        return
    if not pairs:
        click.echo("no measures between two actors", err=True)
    for index, pair in enumerate(pairs):
        if index:
            click.echo("")
        for line, _ in relation_rows(pair):
            click.echo(plain(line))


# --------------------------------------------------------------------------- search

SEARCH_KINDS = ("actor", "statement", "measure", "consequence", "event")


@main.command()
@click.argument("query")
@db_option
@click.option("--kind", type=click.Choice(SEARCH_KINDS), help="Only hits of this kind.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="At most N hits.")
@click.option("--rank", is_flag=True, help="Order by relevance instead of newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of hits.")
def search(query: str, db: Path | None, kind: str | None, limit: int, rank: bool, as_json: bool) -> None:
    """Full-text search: print the hits for QUERY, one per line (kind, slug, label, snippet).

    QUERY is words, each required (`ultimat` finds "ultimatums"); "an exact
    phrase" in quotes; -word leaves out what has it. Names match across
    scripts (`Захарова` finds Maria Zakharova). Put `--` before a query that
    starts with `-`: `dossier search -- -x`. Exits 0 even when nothing matches.
    """
    import json

    from .text import clean_text

    def plain(text: str | None) -> str:
        return clean_text(text or "", keep_newlines=False)

    bold = not as_json and sys.stdout.isatty()
    with open_to_read(db) as store:
        # The command line can wait longer than a key press: a generous limit, so few searches stop early.
        page = store.search_page(query, kind=kind, limit=limit, order="rank" if rank else "recent", time_limit=5.0)
    if as_json:
        hits = [
            {
                "kind": hit.kind,
                "id": hit.id,
                "slug": hit.slug,
                "label": plain(hit.label),
                "snippet": plain("".join(text for text, _ in hit.snippet)),
                "matched": [plain(text) for text, matched in hit.snippet if matched],
                "date": hit.said,
            }
            for hit in page.hits
        ]
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    else:
        for hit in page.hits:
            snippet = "".join(
                (click.style(plain(text), bold=True) if bold else f"«{plain(text)}»") if matched else plain(text)
                for text, matched in hit.snippet
            )
            click.echo(f"{hit.kind}\t{plain(hit.slug)}\t{plain(hit.label)}\t{snippet}", color=bold)
        if not page.hits:
            click.echo("no matches", err=True)
    if not page.complete:
        click.echo("dossier: the search stopped at its time limit; there may be more hits", err=True)


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
    type=_FILE,
    default=None,
    help="Require public-key authentication against this file (OpenSSH format).",
)
@_limit_options
@click.option("--login-timeout", type=float, default=30, show_default=True, help="Seconds to authenticate.")
@click.option(
    "--max-pending",
    type=int,
    default=32,
    show_default=True,
    help="Connections not yet logged in, in all; more are closed at once.",
)
@click.option(
    "--pending-per-ip",
    type=int,
    default=8,
    show_default=True,
    help="Connections not yet logged in, per address.",
)
@click.option(
    "--stall-timeout",
    type=float,
    default=60,
    show_default=True,
    help="Seconds a client may leave its screen unread before it is disconnected (0: never).",
)
@click.option(
    "--input-rate",
    type=int,
    default=4096,
    show_default=True,
    help="Bytes of input a session may send per second; the rest is dropped.",
)
@click.option(
    "--status-interval",
    type=float,
    default=60,
    show_default=True,
    help="Seconds between status lines: sessions, memory, refusals (0: none).",
)
@click.option(
    "--prefork/--no-prefork",
    default=True,
    show_default=True,
    help="Fork each browser from one started ahead (Linux), or start a new Python for each.",
)
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
    max_pending: int,
    pending_per_ip: int,
    stall_timeout: float,
    input_rate: int,
    status_interval: float,
    prefork: bool,
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
            max_sessions=max_sessions,
            per_ip=per_ip,
            rate=rate,
            idle_timeout=idle_timeout,
            login_timeout=login_timeout,
            max_pending=max_pending,
            pending_per_ip=pending_per_ip,
            stall_timeout=stall_timeout,
            input_rate=input_rate,
            status_interval=status_interval,
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
            prefork=prefork,
        )
        run_ssh(config, title, _say)
    except ServeError as exc:
        fail(str(exc))


@serve.command(name="web")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on (0: any free port).")
@_limit_options
@click.option(
    "--send-timeout",
    type=float,
    default=10,
    show_default=True,
    help="Seconds a tab may leave the server's output unread before it is dropped.",
)
@click.option(
    "--request-timeout",
    type=float,
    default=10,
    show_default=True,
    help="Seconds a connection has to send a whole request before it is closed.",
)
@click.option(
    "--status-interval",
    type=float,
    default=60,
    show_default=True,
    help="Seconds between status lines (sessions, memory, refusals) in the log; 0: none.",
)
def serve_web(
    db: Path | None,
    host: str,
    port: int,
    max_sessions: int,
    per_ip: int,
    rate: int,
    idle_timeout: float,
    public: bool,
    send_timeout: float,
    request_timeout: float,
    status_interval: float,
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
        config = WebConfig(
            db=path,
            host=host,
            port=port,
            public=public,
            limits=limits,
            send_timeout=send_timeout,
            request_timeout=request_timeout,
            status_interval=status_interval,
            log=_say,
        )
        run_web(config, title, _say)
    except ServeError as exc:
        fail(str(exc))


# ----------------------------------------------------------------- end serve
# --------------------------------------------------------------------------- notes (the notebook)

notebook_option = click.option(
    "--notebook",
    "notebook_path",
    type=_FILE,
    default=None,
    help="The notebook file (default: $XDG_DATA_HOME/dossier/notebook.db).",
)


def _notebook_path(given: Path | None) -> Path:
    from .notebook import NOTEBOOK_ENV, default_path

    path = given or default_path()
    if path is None:
        fail(f"the notebook is off (${NOTEBOOK_ENV}=off); name one with --notebook PATH")
    return path


def _notebook_entries(db: Path | None, notebook_path: Path | None) -> tuple[str, list[Any], Store]:
    """The dossier's title, this dossier's entries (none when there is no notebook yet), and its open store."""
    from .notebook import Notebook
    from .store import Store

    store = Store.open(existing_db(db))
    path = _notebook_path(notebook_path)
    entries = []
    if path.exists():  # listing or exporting never makes a notebook
        with Notebook.open(path) as book:
            entries = book.entries(store.identity())
    return store.title(), entries, store


@main.group()
def notes() -> None:
    """The notebook: your marks, notes and tags on a dossier, kept in a file of your own (docs/notebook.md)."""


@notes.command(name="list")
@db_option
@notebook_option
def notes_list(db: Path | None, notebook_path: Path | None) -> None:
    """Every entry on the dossier: kind/slug, mark, tags, its citation (or label, when orphaned) and note."""
    from .brief import find, list_lines

    _title, entries, store = _notebook_entries(db, notebook_path)
    with store:
        for line in list_lines(find(store, entries)):
            click.echo(line)
    if not entries:
        click.echo("the notebook holds nothing on this dossier", err=True)


@notes.command(name="export")
@db_option
@notebook_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=_FILE, help="Write to FILE, not stdout.")
def notes_export(db: Path | None, notebook_path: Path | None, fmt: str, output: Path | None) -> None:
    """A research brief by tag (markdown), or the entries as JSON to import on another machine."""
    import json

    from .brief import find, markdown_brief
    from .notebook import NOTEBOOK_VERSION, Notebook

    title, entries, store = _notebook_entries(db, notebook_path)
    with store:
        if fmt == "markdown":
            text = "\n".join(markdown_brief(title, find(store, entries, "markdown")))
        else:
            data = {"notebook": NOTEBOOK_VERSION, "entries": []}
            path = _notebook_path(notebook_path)
            if path.exists():
                with Notebook.open(path) as book:
                    data = book.export_json(store.identity())
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        click.echo(_escape_for_terminal(text) if fmt == "json" else text, nl=False)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    click.echo(f"wrote {output}", err=True)


@notes.command(name="import")
@click.argument("file", type=_FILE)
@db_option
@notebook_option
def notes_import(file: Path, db: Path | None, notebook_path: Path | None) -> None:
    """Merge a notebook exported as JSON: the newer side of each entry wins; each conflict is reported."""
    import json

    from .notebook import Notebook, NotebookError

    existing_db(db)  # the dossier must exist, as for every command
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        fail(f"{file}: not a notebook export ({exc})")
    try:
        with Notebook.open(_notebook_path(notebook_path)) as book:
            report = book.merge(data)
    except NotebookError as exc:
        fail(f"{file}: {exc}")
    warn(report.conflicts)
    click.echo(
        f"merged {file}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.conflicts)} conflict{'s' if len(report.conflicts) != 1 else ''} (the newer entry kept)"
    )


# --------------------------------------------------------------------------- generate


@main.command()
@click.argument("path", type=_PATH)
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


# --------------------------------------------------------------------------- draft


@main.command()
@click.argument("articles", nargs=-1, required=True, type=_PATH)
@click.option("-o", "--output", type=_FILE, help="Write the draft to FILE.")
@db_option
def draft(articles: tuple[Path, ...], output: Path | None, db: Path | None) -> None:
    """Draft a bundle from news ARTICLE files (text or HTML): quotes, speakers, paraphrases, people, organisations.

    The dossier (--db, default: the default dossier) is only read, to reuse the
    actors it has. Every item comes with the sentence it was drafted from and a
    confidence; review the draft, then `dossier import` it.
    """
    from .draft import DraftError
    from .draft.command import run

    try:
        text, messages = run(list(articles), output, existing_db(db))
    except DraftError as exc:
        fail(str(exc))
    if text is not None:
        click.echo(text, nl=False)
    for line in messages:
        click.echo(line, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
