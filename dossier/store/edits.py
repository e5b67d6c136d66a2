"""The audit trail (`edits`, schema 3): `dossier history`, an edit by number, when an entity was last edited.

A file of an older schema has no trail: it reads as empty, and the file is
not changed (it is migrated only when opened for writing).
"""

from __future__ import annotations

from ..errors import StoreError
from ..rows import EditItem
from .base import StoreBase

_COLUMNS = "id, at, origin, action, kind, slug, before, after, counts, note"


class EditQueries(StoreBase):
    """The audit trail, newest first."""

    _trail_seen = False

    def has_trail(self) -> bool:
        """Whether the file has the `edits` table (schema 3 on); once seen, not asked again (it never goes)."""
        if not self._trail_seen:
            found = self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'edits'") is not None
            self._trail_seen = found
        return self._trail_seen

    def edits_page(self, *, limit: int = 50, before_id: int | None = None) -> list[EditItem]:
        """Up to `limit` edits, newest first, older than `before_id` (keyset)."""
        if not self.has_trail():
            return []
        where, params = ("WHERE id < ?", (before_id, limit)) if before_id is not None else ("", (limit,))
        sql = f"SELECT {_COLUMNS} FROM edits {where} ORDER BY id DESC LIMIT ?"
        return [EditItem(*row) for row in self._all(sql, params)]

    def edit(self, edit_id: int) -> EditItem:
        row = self._one(f"SELECT {_COLUMNS} FROM edits WHERE id = ?", (edit_id,)) if self.has_trail() else None
        if row is None:
            raise StoreError(f"no edit {edit_id} in {self.path.name} (`dossier history` lists them)")
        return EditItem(*row)

    def last_edited(self, kind: str, slug: str) -> str | None:
        """When the entity was last written by an edit or a revert (UTC), or None (an index lookup)."""
        if not self.has_trail():
            return None
        row = self._one("SELECT at FROM edits WHERE kind = ? AND slug = ? ORDER BY id DESC LIMIT 1", (kind, slug))
        return None if row is None else str(row[0])
