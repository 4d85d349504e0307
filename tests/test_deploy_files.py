"""deploy/systemd: every unit names a command the site has, every timer a service that exists."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from showcase import config

UNITS = config.PROJECT_ROOT / "deploy" / "systemd"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text("utf-8"))
    return parser


def test_every_timer_starts_a_service_of_ours():
    timers = sorted(UNITS.glob("*.timer"))
    assert {t.stem for t in timers} == {
        "showcase-publish-due",
        "showcase-search-catch-up",
        "showcase-privacy-purge",
    }
    for timer in timers:
        parsed = unit(timer)
        assert parsed["Timer"]["OnCalendar"] and parsed["Install"]["WantedBy"] == "timers.target"
        service = unit(UNITS / f"{timer.stem}.service")
        assert service["Service"]["Type"] == "oneshot"


@pytest.mark.parametrize("path", sorted(UNITS.glob("showcase-*.service")), ids=lambda p: p.stem)
def test_each_job_runs_a_flask_command_that_exists(app, path):
    command = shlex.split(unit(path)["Service"]["ExecStart"])
    assert command[0].endswith("/.venv/bin/flask")
    result = app.test_cli_runner().invoke(args=[*command[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_web_service_runs_gunicorn_with_our_settings():
    service = unit(UNITS / "showcase.service")["Service"]
    start = shlex.split(service["ExecStart"])
    assert start[0].endswith("/.venv/bin/python")
    assert start[1:5] == ["-m", "showcase.serve", "-c", "gunicorn.conf.py"]
    assert (config.PROJECT_ROOT / "gunicorn.conf.py").is_file()
    assert service["ExecStartPre"].endswith("flask db upgrade")
    assert service["EnvironmentFile"] == "/etc/guongsang/showcase.env"
