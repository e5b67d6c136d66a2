"""`dossier search` prints each kind's hits newest first by date, undated last: the browser's order."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main


def test_search_prints_kind_by_kind_newest_first_and_the_undated_last(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(main, ["search", "--db", str(seed_db), "diplomats", "--json", "--limit", "100"])
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    kinds = [hit["kind"] for hit in hits]
    assert kinds == sorted(kinds, key=["actor", "measure", "event", "consequence", "statement"].index)
    for kind in set(kinds):
        dates = [hit["date"] for hit in hits if hit["kind"] == kind]
        dated = [d for d in dates if d is not None]
        assert dates == dated + [None] * (len(dates) - len(dated))  # the undated after every dated one
        assert dated == sorted(dated, reverse=True)
    statements = [hit["date"] for hit in hits if hit["kind"] == "statement"]
    assert statements[0] is not None and None in statements  # the seed has both
