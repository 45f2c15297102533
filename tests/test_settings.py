"""Settings come from the environment and refuse unsafe production set-ups."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The test settings put insecure development values in the environment: drop them, and the
    # async-safety switch the browser tests set when they share this worker.
    dropped = ("SECRET_KEY", "DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "cmmisvc.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 40 + "-a-long-random-production-secret-key-value",
        ALLOWED_HOSTS="cmmisvc.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_is_named():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr
