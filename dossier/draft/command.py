"""The body of `dossier draft`: read the articles, draft, check the draft is a valid bundle, write it.

Nothing is written to the dossier: it is opened read-only, only to tie the
drafted actors to its own. A draft is checked by the same validation as
`dossier import` before it is written, so what is written can be imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from .build import Draft, build
from .extract import extract
from .matching import DossierActors
from .reading import MAX_ARTICLE_BYTES, DraftError, read_article, read_capped
from .render import count, render

RULES_ONLY = (
    "People, organisations and speakers were found by rules only (no language model: see docs/draft.md, spaCy)."
)
"""Said in every draft's head: spaCy is not used, whether or not it is installed (docs/draft.md says why)."""


def draft_text(raw: bytes, name: str = "article", dossier: DossierActors | None = None) -> Draft:
    """A draft from one article's bytes (no file, no dossier needed)."""
    return build([extract(read_article(raw, name))], dossier)


def _article_bytes(path: Path) -> bytes:
    return read_capped(path, MAX_ARTICLE_BYTES, not_a="an article", too_big_for="a news article")


def draft_files(paths: list[Path], db: Path | None) -> tuple[Draft, str]:
    """The draft of the articles at `paths` (actors tied to those of the dossier `db`, if given), and its YAML."""
    extractions = [extract(read_article(_article_bytes(path), str(path))) for path in paths]
    if db is None:
        draft = build(extractions, None)
    else:
        from ..store import Store

        with Store.open(db) as store:
            draft = build(extractions, DossierActors(store))
    draft.notes.append(RULES_ONLY)
    text = render(draft)
    _check(text)
    return draft, text


def _check(text: str) -> None:
    """The draft must be a bundle `dossier import` accepts: a failure here is a drafting bug, said in one line."""
    from ..bundle import read_bundle_bytes
    from ..errors import BundleError

    try:
        read_bundle_bytes(text.encode("utf-8"), "draft", "yaml")
    except BundleError as exc:
        first = exc.problems[0] if exc.problems else "unknown problem"
        raise DraftError(f"the draft is not a valid bundle ({first}); please report this article") from None


def write(text: str, output: Path, db: Path | None) -> None:
    """Write the draft to `output` at once (a temporary file, then renamed); never over the dossier itself."""
    if db is not None and output.exists() and db.exists() and os.path.samefile(output, db):
        raise DraftError(f"{output}: that is the dossier itself; write the draft to another file")
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DraftError(f"{output}: cannot be written: {exc.strerror or exc}") from None


def run(paths: list[Path], output: Path | None, db: Path) -> tuple[str | None, list[str]]:
    """`dossier draft`: (the draft's text for stdout, or None when written to `output`; lines for stderr)."""
    draft, text = draft_files(paths, db)
    if output is not None:
        write(text, output, db)
    quotes = sum(1 for s in draft.statements if s.kind == "quote")
    where = f" to {output}" if output is not None else ""
    plural = "s" if len(paths) != 1 else ""
    messages = [
        f"drafted {len(paths)} article{plural}{where}: {count(quotes, 'quote')},"
        f" {count(len(draft.statements) - quotes, 'paraphrase')}, {count(len(draft.actors), 'new actor')},"
        f" {len(draft.matched)} already in the dossier"
    ]
    if draft.unattributed:
        found = count(len(draft.unattributed), "quote")
        messages.append(f"dossier: warning: {found} with no speaker found (listed at the end of the draft)")
    if not draft.statements:
        messages.append("dossier: warning: no quotes or paraphrases found")
    return (None if output is not None else text), messages
