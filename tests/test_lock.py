"""The lock files pin every package the site and its tests install, and agree with what is asked."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from showcase import config

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def pins(path: Path) -> dict[str, str]:
    """Package (normalised name) → version of every `name==version` line of a requirements file."""
    found = {}
    for line in path.read_text("utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


ROOT = config.PROJECT_ROOT


def test_each_lock_holds_what_its_requirements_ask_for():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    for asked, locked in [("requirements.txt", runtime), ("requirements-dev.txt", dev)]:
        for name, version in pins(ROOT / asked).items():
            assert locked.get(name) == version, f"{asked}: {name}=={version} — run `make lock`"
    for name, version in runtime.items():  # the tests run on the versions the site runs on
        assert dev.get(name) == version, name
    assert len(runtime) > len(pins(ROOT / "requirements.txt"))  # transitive packages are pinned too


def test_the_environment_is_installed_from_the_lock():
    for name, version in pins(ROOT / "requirements-dev.lock").items():
        assert metadata.version(name) == version, (
            f"{name}: installed {metadata.version(name)}, locked {version}"
        )
