"""``python -m cli new-adapter``: a package an issuer can test, install and serve."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.kit.scaffold import AdapterPackage, ScaffoldError, scaffold
from adapters.sdk import IssuerAdapter

ROOT = Path(__file__).parents[3]
ISSUER_ID = "in.gov.himalayanboard"
BOARD = "Himalayan State Board of School Education"


def new_adapter(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "cli", "new-adapter", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def run_in(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and tools
        [sys.executable, "-m", *command],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scaffold") / "himalayan-board-adapter"
    made = new_adapter(str(folder), "--issuer-id", ISSUER_ID, "--name", BOARD)
    assert made.returncode == 0, made.stderr
    return folder


def test_new_adapter_writes_a_package_with_its_entry_point(scaffolded: Path) -> None:
    pyproject = (scaffolded / "pyproject.toml").read_text(encoding="utf-8")

    assert '[project.entry-points."openlocker.adapters"]' in pyproject
    assert (
        f'"{ISSUER_ID}" = "himalayan_board_adapter:HimalayanBoardAdapter"' in pyproject
    )
    assert sorted(
        str(path.relative_to(scaffolded)) for path in scaffolded.rglob("*.*")
    ) == [
        "README.md",
        "himalayan_board_adapter/__init__.py",
        "himalayan_board_adapter/adapter.py",
        "himalayan_board_adapter/data/results.csv",
        "himalayan_board_adapter/marksheet.py",
        "himalayan_board_adapter/results.py",
        "pyproject.toml",
        "tests/test_board.py",
        "tests/test_contract.py",
    ]


def test_scaffolded_package_passes_its_own_tests_and_the_contract(
    scaffolded: Path,
) -> None:
    ran = run_in(scaffolded, "pytest", "-p", "no:cacheprovider", "-q")

    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "19 passed" in ran.stdout


def test_scaffolded_package_is_lint_clean_and_formatted(scaffolded: Path) -> None:
    checked = run_in(scaffolded, "ruff", "check", "--no-cache", ".")
    formatted = run_in(scaffolded, "ruff", "format", "--no-cache", "--check", ".")

    assert checked.returncode == 0, checked.stdout
    assert formatted.returncode == 0, formatted.stdout


def test_new_adapter_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "board-adapter"
    folder.mkdir()
    (folder / "notes.txt").write_text("the board's own notes\n", encoding="utf-8")

    refused = new_adapter(str(folder), "--issuer-id", ISSUER_ID, "--name", BOARD)

    assert refused.returncode == 1
    assert "is not an empty folder" in refused.stderr
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("issuer_id", "reason"),
    [
        ("Himalayan Board", "should be reverse-domain"),
        ("in.gov.himalayanboard-", "should be reverse-domain"),
        ("in.gov.cbse", "is a built-in issuer's"),
    ],
)
def test_new_adapter_refuses_an_issuer_id_the_locker_could_not_serve(
    tmp_path: Path, issuer_id: str, reason: str
) -> None:
    refused = new_adapter(
        str(tmp_path / "board-adapter"), "--issuer-id", issuer_id, "--name", BOARD
    )

    assert refused.returncode == 1
    assert reason in refused.stderr
    assert not (tmp_path / "board-adapter").exists()


def test_scaffold_refuses_a_package_name_that_would_shadow_a_module(
    tmp_path: Path,
) -> None:
    package = AdapterPackage(issuer_id=ISSUER_ID, issuer_name=BOARD, package="csv")

    with pytest.raises(ScaffoldError, match="already importable"):
        scaffold(tmp_path / "csv", package)


@pytest.fixture
def hill_schools_importable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A folder on ``sys.path``; the package imported from it is forgotten after."""
    folder = tmp_path / "hill-schools"
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for loaded in [name for name in sys.modules if name.startswith("hill_schools")]:
        del sys.modules[loaded]


def test_names_with_quotes_and_backslashes_land_as_written(
    hill_schools_importable: Path,
) -> None:
    name = 'Board of "Hill" Schools \\ Examinations'
    package = AdapterPackage(
        issuer_id="in.gov.hillschools",
        issuer_name=name,
        package="hill_schools_adapter",
        doc_type="SSCER",
        doc_name="Class X 'Secondary' Marksheet",
    )
    scaffold(hill_schools_importable, package)
    importlib.invalidate_caches()

    module = importlib.import_module("hill_schools_adapter")
    adapter = module.HillSchoolsAdapter()

    assert isinstance(adapter, IssuerAdapter)
    assert adapter.name == name
    assert adapter.organization.name == name
    assert [(spec.code, spec.name) for spec in adapter.doc_types] == [
        ("SSCER", "Class X 'Secondary' Marksheet")
    ]
