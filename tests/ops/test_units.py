"""The systemd units: `systemd-analyze verify` (never skipped: `make install-test` installs
it), plus the settings sitewatch relies on, read with a strict parser of unit files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitewatch.ops.doctor import REQUIRED_SECRETS, SMTP_PASSWORD

REPO = Path(__file__).resolve().parents[2]
UNITS = ("sitewatch.service", "sitewatch-purge.service", "sitewatch-purge.timer")
SHIPPED_BINARY = "/opt/sitewatch/bin/sitewatch"


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections → key → values (keys may repeat). Strict: anything but a comment, a blank,
    a [Section] or Key=value is an error; continuation lines are joined."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\") and not line.startswith(("#", ";")):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        if not sep or current is None or not key.strip().isidentifier():
            raise AssertionError(f"line {number}: not a unit file line: {raw!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    return parse_unit((REPO / "systemd" / name).read_text(encoding="utf-8"))


def verify(folder: Path, names: list[str]) -> tuple[int, str]:
    tool = shutil.which("systemd-analyze")
    assert tool is not None, (
        "systemd-analyze is missing: `make install-test` installs Debian's systemd package"
    )
    done = subprocess.run(
        [tool, "verify", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr + done.stdout


@pytest.fixture
def installable(tmp_path: Path) -> Path:
    """The shipped units with ExecStart= pointing at this checkout's `sitewatch` (verify
    insists the binary exists)."""
    binary = Path(sys.executable).parent / "sitewatch"
    assert binary.exists()
    for name in UNITS:
        text = (REPO / "systemd" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(SHIPPED_BINARY, str(binary)), encoding="utf-8")
    return tmp_path


def test_systemd_analyze_verify_is_clean(installable: Path) -> None:
    code, output = verify(installable, list(UNITS))
    ours = [line for line in output.splitlines() if str(installable) in line or "sitewatch" in line]
    assert code == 0, output
    assert ours == [], "\n".join(ours)


def test_verify_would_catch_a_broken_unit(installable: Path) -> None:
    """The check above is not vacuous: an unknown key is reported."""
    broken = installable / "sitewatch.service"
    broken.write_text(broken.read_text().replace("Type=notify", "Typ=notify"))
    _, output = verify(installable, ["sitewatch.service"])
    assert "Unknown key" in output and "Typ" in output


def test_daemon_unit_is_notify_with_watchdog_and_hardening() -> None:
    service = unit("sitewatch.service")["Service"]
    one = {k: v[-1] for k, v in service.items()}
    assert one["Type"] == "notify"
    assert one["ExecStart"].startswith(f"{SHIPPED_BINARY} run --config ")
    assert "--once" not in one["ExecStart"]
    assert one["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert one["Restart"] == "on-failure"
    assert one["WatchdogSec"] == "5min"
    assert one["DynamicUser"] == "yes" and one["User"] == "sitewatch"
    assert one["StateDirectory"] == "sitewatch"
    assert one["ProtectSystem"] == "strict"
    assert one["NoNewPrivileges"] == "yes"


def test_every_secret_is_an_optional_credential() -> None:
    service = unit("sitewatch.service")["Service"]
    loaded = {v.split(":", 1)[0]: v.split(":", 1)[1] for v in service["LoadCredential"]}
    defaults = {v.split(":", 1)[0] for v in service["SetCredential"]}
    needed = {n.lower() for names in REQUIRED_SECRETS.values() for n in names}
    needed.add(SMTP_PASSWORD.lower())
    assert needed <= set(loaded)
    # systemd refuses to start when a LoadCredential= file is missing, unless a SetCredential=
    # of the same id supplies a default: every credential must have one.
    assert set(loaded) == defaults
    for cred, path in loaded.items():
        assert path == f"/etc/sitewatch/credentials/{cred}"


def test_purge_timer_runs_the_purge_command_daily() -> None:
    service = unit("sitewatch-purge.service")
    timer = unit("sitewatch-purge.timer")
    run = {k: v[-1] for k, v in service["Service"].items()}
    assert run["Type"] == "oneshot"
    assert run["ExecStart"].startswith(f"{SHIPPED_BINARY} purge ")
    assert run["User"] == "sitewatch" and run["DynamicUser"] == "yes"  # shares the state dir
    assert run["StateDirectory"] == "sitewatch"
    assert timer["Timer"]["Unit"] == ["sitewatch-purge.service"]
    assert timer["Timer"]["Persistent"] == ["yes"]
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 03:30:00"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


@pytest.mark.parametrize("bad", ["Type notify", "=value", "[Service]\nNo Key=1"])
def test_the_parser_is_strict(bad: str) -> None:
    with pytest.raises(AssertionError):
        parse_unit("[Service]\n" + bad)
