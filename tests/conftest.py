"""Shared test set-up.

Every analysis the suite produces, in this process or in a `parley` subprocess, is validated
against the contract's JSON Schema and its offsets checked: PARLEY_VALIDATE=1 makes
`parley.analysis.build_analysis` raise `ContractViolation` on any violation.
"""

import os
from pathlib import Path

import pytest

os.environ["PARLEY_VALIDATE"] = "1"

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PARLEY_SHARED", REPO.parent / "shared"))
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def nlp():
    """The full Parley pipeline, loaded once for the whole session."""
    from parley.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: evaluation data not available")
    return SHARED


@pytest.fixture
def parley_bin() -> str:
    """The `parley` console script of the environment running the tests."""
    import shutil
    import sys

    candidate = Path(sys.executable).parent / "parley"
    return str(candidate) if candidate.exists() else shutil.which("parley")
