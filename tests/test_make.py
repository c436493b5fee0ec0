"""`make run` says what is missing instead of failing deep in a stack trace."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _check_system(python: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "check-system", f"PYTHON={python}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_python_is_named_with_the_package_to_install(tmp_path):
    result = _check_system(str(tmp_path / "python3"))
    assert result.returncode != 0
    assert "Missing: Python 3.11 or newer" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_an_old_python_is_named(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    result = _check_system(str(fake))
    assert result.returncode != 0
    assert "Python 3.9.2" in result.stdout


def test_this_machine_passes_the_check():
    import sys

    assert _check_system(sys.executable).returncode == 0
