"""Country codes are checked against ISO 3166 (pycountry's list), as FollowTheMoney's cleaning would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.bundle import read_bundle
from dossier.cli import main
from dossier.errors import BundleError
from tests.conftest import file_hash


def _problems(tmp_path: Path, country: str) -> list[str]:
    path = tmp_path / "b.yaml"
    path.write_text(f"actors:\n  - {{slug: a, name: A, kind: state, country: {country}}}\n", encoding="utf-8")
    try:
        read_bundle(path)
    except BundleError as exc:
        return [p.message for p in exc.problems]
    return []


@pytest.mark.parametrize("code", ["GB", "RU", "US", "UA", "NO", "XK"])
def test_iso_codes_pass(tmp_path: Path, code: str) -> None:
    assert _problems(tmp_path, code) == []


def test_xx_is_refused(tmp_path: Path) -> None:
    assert _problems(tmp_path, "XX") == ["'XX' is not an ISO 3166 country code"]


def test_uk_is_told_it_means_gb(tmp_path: Path) -> None:
    assert _problems(tmp_path, "UK") == ["'UK' is not an ISO 3166 country code (ISO gives GB)"]


def test_lower_case_is_still_refused_by_shape(tmp_path: Path) -> None:
    assert _problems(tmp_path, "gb") == ["'gb' is not an ISO 3166 alpha-2 code (two capital letters)"]


def test_dossier_import_refuses_uk_in_one_line_and_writes_nothing(
    seed_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    bundle = tmp_path / "uk.yaml"
    bundle.write_text("actors:\n  - {slug: britain, name: Britain, kind: state, country: UK}\n", encoding="utf-8")
    before = file_hash(seed_db)
    result = runner.invoke(main, ["import", str(bundle), "--db", str(seed_db)])
    assert result.exit_code == 1
    assert f"{bundle}:2: actors.0.country: 'UK' is not an ISO 3166 country code (ISO gives GB)" in result.output
    assert "Traceback" not in result.output
    assert file_hash(seed_db) == before


def test_every_code_we_accept_ftm_keeps_as_it_is() -> None:
    from followthemoney import registry

    from dossier.models import _iso_countries

    changed = {code: registry.country.clean_text(code) for code in _iso_countries()}
    assert {code: ftm for code, ftm in changed.items() if ftm != code.lower()} == {}
    assert len(changed) >= 249
