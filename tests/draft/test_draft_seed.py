"""The default dossier's own article, drafted: its quotes, paraphrases and actors against `db/seed/dossier.yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dossier.cli import main
from dossier.draft import Draft
from dossier.draft.command import draft_files
from tests.bench.bench_draft import WORD_MATCH, word_match
from tests.conftest import ARTICLE, file_hash, read_rows

SEED = yaml.safe_load((ARTICLE.parent / "dossier.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def seed_draft(seed_db: Path) -> Draft:
    made, _ = draft_files([ARTICLE], seed_db)
    return made


def found(made: Draft, kind: str) -> list[str]:
    """The seed's statements of `kind` that the draft has, with the same speaker and ≥ 80 % of the words."""
    mine = [s for s in made.statements if s.kind == kind]
    return [
        truth["slug"]
        for truth in SEED["statements"]
        if truth["kind"] == kind
        and any(m.speaker == truth["speaker"] and word_match(m.text, truth["text"]) >= WORD_MATCH for m in mine)
    ]


def test_all_five_direct_quotes_with_their_true_speakers(seed_draft: Draft) -> None:
    truth = [s["slug"] for s in SEED["statements"] if s["kind"] == "quote"]
    assert len(truth) == 5
    assert found(seed_draft, "quote") == truth
    assert sum(1 for s in seed_draft.statements if s.kind == "quote") == 5  # and nothing else taken for a quote


def test_at_least_seven_of_the_nine_paraphrases(seed_draft: Draft) -> None:
    truth = [s for s in SEED["statements"] if s["kind"] == "paraphrase"]
    assert len(truth) == 9
    assert len(found(seed_draft, "paraphrase")) >= 7


def test_every_speaker_is_matched_to_the_dossier_s_own_actor(seed_draft: Draft) -> None:
    assert seed_draft.actors == []  # every actor the article names is already in the default dossier
    matched = {line.split(":")[0] for line in seed_draft.matched}
    assert {"zakharova", "ryabkov", "antonov", "russian-mfa", "us-state-department", "al-jazeera"} <= {
        s.speaker for s in seed_draft.statements
    } | matched
    assert "lavrov" in matched and "blinken" in matched


def test_roles_and_days_of_the_quotes(seed_draft: Draft) -> None:
    by_text = {s.text: s for s in seed_draft.statements}
    ryabkov = by_text["destruction of diplomatic missions"]
    assert ryabkov.speaker == "ryabkov"
    assert ryabkov.speaker_role == "Russia’s Deputy Foreign Minister"
    assert ryabkov.said == "2021-12-01"  # "on Wednesday", the article's day
    zakharova = by_text["We regard the US demand as an expulsion and will respond accordingly."]
    assert zakharova.speaker_role == "Russian Foreign Ministry spokesperson"
    assert all(s.confidence == "high" for s in seed_draft.statements if s.kind == "quote")


def test_the_source_has_title_date_and_the_article_text() -> None:
    made, _ = draft_files([ARTICLE], None)
    (source,) = made.sources
    assert source.data["title"] == SEED["sources"][0]["title"]
    assert source.data["published"] == "2021-12-01"
    assert "“We regard the US demand as an expulsion" in source.data["note"]


def test_the_draft_imports_into_the_dossier_it_was_made_against(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "seed.db"
    assert runner.invoke(main, ["init", str(db)]).exit_code == 0
    out = tmp_path / "draft.yaml"
    result = runner.invoke(main, ["draft", str(ARTICLE), "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    before = read_rows(db, "SELECT count(*) FROM statements")[0][0]
    result = runner.invoke(main, ["import", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert read_rows(db, "SELECT count(*) FROM statements")[0][0] == before + 13
    # The dossier's own actors were referenced, not rewritten.
    assert read_rows(db, "SELECT role FROM actors WHERE slug = 'ryabkov'") == [("Russia's Deputy Foreign Minister",)]
    # Importing the same draft again changes nothing.
    hashed = file_hash(db)
    assert runner.invoke(main, ["import", str(out), "--db", str(db)]).exit_code == 0
    assert file_hash(db) == hashed


def test_the_draft_imports_into_an_empty_dossier(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "empty.db"
    assert runner.invoke(main, ["init", str(db), "--empty"]).exit_code == 0
    out = tmp_path / "draft.yaml"
    assert runner.invoke(main, ["draft", str(ARTICLE), "--db", str(db), "-o", str(out)]).exit_code == 0
    result = runner.invoke(main, ["import", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    speakers = read_rows(db, "SELECT a.name, s.kind, s.text FROM statements s JOIN actors a ON a.id = s.speaker_id")
    assert (
        "Maria Zakharova",
        "quote",
        "We regard the US demand as an expulsion and will respond accordingly.",
    ) in speakers
    assert len(speakers) == 13


def test_a_draft_edited_by_hand_still_imports(tmp_path: Path, runner: CliRunner, empty_db: Path) -> None:
    out = tmp_path / "draft.yaml"
    assert runner.invoke(main, ["draft", str(ARTICLE), "--db", str(empty_db), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    # The researcher rejects the first statement (deletes it with its comments) and fixes a role.
    data = yaml.safe_load(text)
    data["statements"] = data["statements"][1:]
    data["actors"][0]["description"] = "Checked by hand."
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(main, ["import", str(out), "--db", str(empty_db)])
    assert result.exit_code == 0, result.output
    assert read_rows(empty_db, "SELECT count(*) FROM statements")[0][0] == 12
