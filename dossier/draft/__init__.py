"""Drafting a bundle from news articles: quotes with their speakers, paraphrases, people and organisations.

`dossier draft ARTICLE... [-o DRAFT.yaml] [--db PATH]` reads plain text or
HTML and writes a draft bundle for a researcher to correct, then import. The
rules are in the standard library only (no extra package):

* `reading`: bytes to paragraphs, the title, outlet and date; page clutter dropped;
* `quotes`: quotation marks and sentences;
* `names`: people with their roles, organisations, states, outlets, groups;
* `extract`: each quote's speaker, paraphrases, dates ("on Wednesday");
* `matching`: actors already in the dossier, by name, alias or transliteration;
* `build` and `render`: slugs, and the YAML with the notes in comments;
* `load`: a draft file read back for review (`dossier browse PATH --write --review DRAFT.yaml`).

The draft only reads the dossier. Every item carries the sentence it came from
and a confidence: high, or low with the reasons (docs/draft.md lists them).
"""

from __future__ import annotations

from .build import Draft, DraftActor, DraftStatement
from .command import draft_files, draft_text
from .load import read_draft
from .reading import DraftError

__all__ = ["Draft", "DraftActor", "DraftError", "DraftStatement", "draft_files", "draft_text", "read_draft"]
