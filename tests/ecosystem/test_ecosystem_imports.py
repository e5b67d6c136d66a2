"""The ecosystem's packages load only for the commands that use them, never at the browser's start."""

from __future__ import annotations

import subprocess
import sys

_ECOSYSTEM = (
    "pycountry",
    "followthemoney",
    "datasette",
    "sqlite_utils",
    "dossier.ftm",
    "dossier.migrations",
    "dossier.datasette_metadata",
)


def _loaded(code: str) -> list[str]:
    script = f"import sys\n{code}\nprint(*[m for m in {_ECOSYSTEM!r} if m in sys.modules])\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.split()


def test_the_browser_loads_none_of_them() -> None:
    assert _loaded("import dossier.launch, dossier.store, dossier.app, dossier.screens.browse, dossier.cli") == []


def test_the_bundle_models_load_the_country_list_only_when_a_country_is_checked() -> None:
    assert _loaded("import dossier.models, dossier.bundle") == []
    checked = _loaded(
        "from dossier.models import Actor\n"
        "Actor.model_validate({'slug': 'a', 'name': 'A', 'kind': 'state', 'country': 'GB'})"
    )
    assert checked == ["pycountry"]


def test_an_import_into_a_current_file_does_not_load_sqlite_utils() -> None:
    code = (
        "import tempfile, pathlib\n"
        "from dossier.importer import init_database, import_files\n"
        "d = pathlib.Path(tempfile.mkdtemp())\n"
        "init_database(d / 'x.db', empty=True)\n"
        "(d / 'b.yaml').write_text('actors:\\n  - {slug: a, name: A, kind: person}\\n')\n"
        "import_files(d / 'x.db', [d / 'b.yaml'])"
    )
    assert _loaded(code) == ["dossier.migrations"]  # the trigger check, without sqlite-utils
