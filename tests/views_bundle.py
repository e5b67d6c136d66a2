"""A bundle for the chain, timeline and relations tests: a ladder, a cycle and a diamond of responses."""

from __future__ import annotations

from pathlib import Path

from dossier.importer import import_files

LADDER = """\
actors:
  - {slug: alpha, name: Alpha, kind: state}
  - {slug: beta, name: Beta, kind: state}
  - {slug: alpha-office, name: Alpha Office, kind: organization, affiliation: alpha}
  - {slug: alpha-speaker, name: Alpha Speaker, kind: person, affiliation: alpha-office}
  - {slug: beta-speaker, name: Beta Speaker, kind: person, affiliation: beta}
measures:
  - {slug: rung-1, title: Alpha expels five, kind: expulsion, imposed_by: alpha, target: beta,
     quantity: five diplomats, announced: "2014-03"}
  - slug: rung-2
    title: Beta expels five
    kind: expulsion
    imposed_by: beta
    target: alpha
    quantity: five diplomats
    announced: "2014-04-02"
    in_response_to: [{measure: rung-1, asserted_by: beta-speaker}]
  - slug: rung-3
    title: "Alpha closes a consulate [bold]not markup[/bold]"
    kind: closure
    imposed_by: alpha
    target: beta
    announced: "2015"
    effective: "2015-06-01"
    in_response_to:
      - {measure: rung-2, asserted_by: alpha-speaker}
      - {measure: rung-2, asserted_by: beta-speaker}
      - {measure: rung-2}
    consequences:
      - {description: "Consulate staff leave", affects: beta, due: "2015-07-01"}
  - {slug: cycle-1, title: Cycle one, kind: other, imposed_by: alpha, target: beta,
     in_response_to: [{measure: cycle-3}]}
  - {slug: cycle-2, title: Cycle two, kind: other, imposed_by: beta, target: alpha,
     in_response_to: [{measure: cycle-1}]}
  - {slug: cycle-3, title: Cycle three, kind: other, imposed_by: alpha, target: beta,
     in_response_to: [{measure: cycle-2}]}
  - {slug: diamond-top, title: Diamond top, kind: other}
  - {slug: diamond-left, title: Diamond left, kind: other, in_response_to: [{measure: diamond-top}]}
  - {slug: diamond-right, title: Diamond right, kind: other, in_response_to: [{measure: diamond-top}]}
  - {slug: diamond-bottom, title: Diamond bottom, kind: other,
     in_response_to: [{measure: diamond-left}, {measure: diamond-right}]}
statements:
  - {slug: beta-condemns, speaker: beta-speaker, text: "We condemn [@click=app.quit]this[/]", said: "2014-03-05",
     about: [{measure: rung-1, stance: condemns}, {measure: rung-3, stance: condemns}]}
  - {slug: alpha-replies, speaker: alpha-speaker, text: Alpha replies, said: "2014-04",
     about: [{measure: rung-2, stance: condemns}]}
  - {slug: alpha-justifies, speaker: alpha-speaker, text: Alpha justifies, said: "2014-03-05",
     about: [{measure: rung-1, stance: justifies}]}
events:
  - {slug: summit, title: A summit, date: "2014-04-02", place: Geneva, participants: [alpha, beta]}
"""


def import_ladder(db: Path, tmp_path: Path) -> None:
    """Add the ladder bundle to the dossier at `db`."""
    bundle = tmp_path / "ladder.yaml"
    bundle.write_text(LADDER, encoding="utf-8")
    import_files(db, [bundle])
