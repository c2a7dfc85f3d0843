"""`sitewatch doctor`: every precondition of a working daemon, one row each.

Each check returns green or red, and a red row says how to fix it. Checks only read: no mail
is sent, no database or outbox folder is created, no secret value is printed.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from sitewatch.config import Settings, load_settings
from sitewatch.credentials import get_secret
from sitewatch.exceptions import CredentialError, SitewatchError
from sitewatch.sites import registry as site_registry
from sitewatch.typing import Connector

# What each platform cannot read without (the optional moderator/user-context keys are not).
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    "reddit": ("SITEWATCH_REDDIT_CLIENT_ID", "SITEWATCH_REDDIT_CLIENT_SECRET"),
    "x": ("SITEWATCH_X_BEARER_TOKEN",),
    "youtube": ("SITEWATCH_GOOGLE_API_KEY",),
    "blogger": ("SITEWATCH_GOOGLE_API_KEY",),
}
SMTP_PASSWORD = "SITEWATCH_SMTP_PASSWORD"  # noqa: S105 (a variable name, not a value)
CREDENTIALS_DIR = "/etc/sitewatch/credentials"


@dataclass(frozen=True)
class CheckResult:
    check: str
    ok: bool
    detail: str
    fix: str = ""


ConnectorFactory = Callable[[str], Connector]


def run_checks(
    config_path: str,
    *,
    connector_factory: ConnectorFactory | None = None,
    timeout: float = 10.0,
) -> list[CheckResult]:
    """All checks, in the order a person would fix them. A config that does not load stops
    there: every other check needs it."""
    try:
        settings = load_settings(config_path)
    except SitewatchError as exc:
        return [
            CheckResult(
                "config",
                False,
                str(exc),
                "fix the file and key named; `sitewatch config check` validates it",
            )
        ]
    statuses = site_registry(
        settings.site_models(), date.today(), settings.policy.expiry_grace_days
    )
    pollable = sum(st.pollable for st in statuses)
    results = [
        CheckResult(
            "config",
            True,
            f"{settings.source}: {len(statuses)} site(s), {pollable} approved for monitoring",
        )
    ]
    results.append(check_roster(settings))
    results += check_store(settings, timeout=timeout)
    results += check_credentials(settings)
    results += check_sites(settings, connector_factory)
    results.append(check_mail(settings, timeout=timeout))
    results.append(check_toxicity(settings))
    return [r for r in results if r.check]


def check_roster(settings: Settings) -> CheckResult:
    from sitewatch.roster import load_roster

    path = settings.roster_path
    if path is None:
        return CheckResult(
            "roster",
            True,
            "none configured: student names and numbers are not matched",
        )
    try:
        roster = load_roster(path)
    except SitewatchError as exc:
        return CheckResult(
            "roster", False, str(exc), "export users.csv again from the SIS (OneRoster 1.1)"
        )
    return CheckResult("roster", True, f"{path.name}: {len(roster.students)} student(s)")


# -- database ------------------------------------------------------------------------------
def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return f"{type(orig).__name__}: {first}"[:300]


def _engine(url: str, timeout: float) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, connect_args={"connect_timeout": max(1, int(timeout))})
    return create_engine(parsed)


def check_store(settings: Settings, *, timeout: float) -> list[CheckResult]:
    """Database reachable (nothing created), then schema at the migrations' head."""
    from sitewatch.store.migrate import current_revision, head_revision

    url = settings.store_url
    skipped = CheckResult(
        "migrations", False, "not checked: the database is not reachable", "fix the database first"
    )
    try:
        parsed = make_url(url)
    except ArgumentError:
        return [
            CheckResult(
                "database",
                False,
                "store.url is not a database URL",
                "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
            ),
            skipped,
        ]
    shown = parsed.render_as_string(hide_password=True)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        file = Path(database)
        if not file.exists():
            problem = _unwritable(file.parent)
            if problem:
                return [
                    CheckResult(
                        "database",
                        False,
                        f"{shown}: {problem}",
                        "point store.url (or state_dir) at a folder the service can write; "
                        "under systemd that is StateDirectory=, /var/lib/sitewatch",
                    ),
                    skipped,
                ]
            return [
                CheckResult("database", True, f"{shown}: not created yet (the folder is writable)"),
                CheckResult(
                    "migrations",
                    False,
                    "no schema yet",
                    "run `sitewatch db upgrade` (the daemon also migrates when it starts)",
                ),
            ]
    try:
        engine = _engine(url, timeout)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        return [
            CheckResult(
                "database",
                False,
                f"{shown}: no database driver ({_short(exc)})",
                "install sitewatch[postgres] for PostgreSQL",
            ),
            skipped,
        ]
    try:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            return [
                CheckResult(
                    "database",
                    False,
                    f"{shown}: cannot connect: {_short(exc)}",
                    "start the database server, or fix store.url (host, port, database, user; "
                    "the password belongs in ~/.pgpass or the URL's environment, not the TOML)",
                ),
                skipped,
            ]
        results = [CheckResult("database", True, f"{shown}: reachable")]
        head = head_revision()
        try:
            current = current_revision(engine)
        except (SQLAlchemyError, OSError) as exc:
            results.append(
                CheckResult("migrations", False, f"cannot read: {_short(exc)}", "see the log")
            )
            return results
        if current == head:
            results.append(CheckResult("migrations", True, f"at head {head}"))
        elif current is None:
            results.append(
                CheckResult(
                    "migrations",
                    False,
                    f"no schema yet (head is {head})",
                    "run `sitewatch db upgrade` (the daemon also migrates when it starts)",
                )
            )
        else:
            results.append(
                CheckResult(
                    "migrations",
                    False,
                    f"at {current}, head is {head}",
                    "run `sitewatch db upgrade`; if it names an unknown revision, this database "
                    "was migrated by a newer sitewatch: upgrade sitewatch",
                )
            )
        return results
    finally:
        engine.dispose()


def _unwritable(folder: Path) -> str | None:
    """Why files cannot be created in ``folder`` (created if missing), or None. Read-only:
    a missing folder is judged by its nearest existing parent."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return f"{folder}: no existing parent folder"
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable by this user"
    return None


# -- credentials ---------------------------------------------------------------------------
def _needed_secrets(settings: Settings) -> dict[str, list[str]]:
    """secret name → what needs it (platforms of configured sites, SMTP auth)."""
    needed: dict[str, list[str]] = {}
    for site in settings.sites:
        for name in REQUIRED_SECRETS.get(site.platform, ()):
            users = needed.setdefault(name, [])
            if site.platform not in users:
                users.append(site.platform)
    smtp = settings.notify.smtp
    if smtp is not None and smtp.username:
        needed.setdefault(SMTP_PASSWORD, []).append("smtp")
    return needed


def check_credentials(settings: Settings) -> list[CheckResult]:
    needed = _needed_secrets(settings)
    if not needed:
        return [CheckResult("credentials", True, "none needed by the configured sites and mail")]
    results: list[CheckResult] = []
    for name in sorted(needed):
        used_by = ", ".join(needed[name])
        fix = (
            f"set {name} in the service environment, or write it to "
            f"{CREDENTIALS_DIR}/{name.lower()} (root, mode 0600) for LoadCredential="
        )
        try:
            value = get_secret(name)
        except CredentialError as exc:
            results.append(CheckResult(f"credential {name}", False, str(exc), fix))
            continue
        if value is None:
            results.append(
                CheckResult(f"credential {name}", False, f"missing (needed by {used_by})", fix)
            )
            continue
        source = "environment" if os.environ.get(name) else "credentials directory"
        results.append(
            CheckResult(f"credential {name}", True, f"present in the {source} ({used_by})")
        )
    return results


# -- sites ---------------------------------------------------------------------------------
def check_sites(
    settings: Settings, connector_factory: ConnectorFactory | None = None
) -> list[CheckResult]:
    """Each configured site's connector access check (policy IIBGC clause 3)."""
    from sitewatch.registry import CONNECTORS
    from sitewatch.registry import load as registry_load

    def default_factory(platform: str) -> Connector:
        connector: Connector = registry_load(CONNECTORS, platform)()
        return connector

    factory = connector_factory or default_factory
    approved = {
        st.site.name: st.pollable
        for st in site_registry(
            settings.site_models(), date.today(), settings.policy.expiry_grace_days
        )
    }
    results: list[CheckResult] = []
    for site in settings.site_models():
        note = "" if approved.get(site.name) else " (not approved: not polled)"
        try:
            report = factory(site.platform).check_access(site)
            ok, detail = report.ok, report.detail
        except SitewatchError as exc:
            ok, detail = False, str(exc)
        except Exception as exc:  # one broken connector must not hide the other rows
            ok, detail = False, f"access check crashed: {type(exc).__name__}"
        results.append(
            CheckResult(
                f"site {site.name}",
                ok,
                f"{site.platform}: {detail}{note}",
                ""
                if ok
                else "give the district's monitoring account read access (README, "
                "'Connecting each platform'); `sitewatch sites check` retests",
            )
        )
    if not results:
        results.append(CheckResult("sites", True, "no sites configured"))
    return results


# -- mail ----------------------------------------------------------------------------------
def check_mail(settings: Settings, *, timeout: float) -> CheckResult:
    smtp = settings.notify.smtp
    if smtp is None:
        folder = settings.outbox_path
        problem = _unwritable(folder)
        if problem is None and folder.is_dir():
            problem = _probe_write(folder)
        if problem:
            return CheckResult(
                "outbox",
                False,
                f"{folder}: {problem}" if not problem.startswith(str(folder)) else problem,
                "set notify.outbox_dir to a folder the service can write, or configure "
                "[notify.smtp]",
            )
        return CheckResult("outbox", True, f"{folder}: writable (no [notify.smtp]: mail as .eml)")
    where = f"{smtp.host}:{smtp.port} ({smtp.security})"
    wait = min(smtp.timeout, timeout)
    try:
        client: smtplib.SMTP
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=wait, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=wait)
        with client:
            code, _ = client.ehlo()
            if code != 250:
                return CheckResult(
                    "smtp", False, f"{where}: EHLO answered {code}", "check [notify.smtp] host"
                )
            steps = ["EHLO"]
            if smtp.security == "starttls":
                if not client.has_extn("starttls"):
                    return CheckResult(
                        "smtp",
                        False,
                        f"{where}: the server does not offer STARTTLS",
                        "use security = 'tls' on port 465, or enable STARTTLS on the server",
                    )
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
                steps.append("STARTTLS")
            if smtp.username:
                password = get_secret(SMTP_PASSWORD)
                if password is None:
                    return CheckResult(
                        "smtp",
                        False,
                        f"{where}: {SMTP_PASSWORD} is missing for user authentication",
                        f"provide {SMTP_PASSWORD} (see the credential row)",
                    )
                client.login(smtp.username, password)
                steps.append("AUTH")
    except smtplib.SMTPAuthenticationError as exc:
        return CheckResult(
            "smtp",
            False,
            f"{where}: authentication refused (SMTP {exc.smtp_code})",
            f"check notify.smtp.username and {SMTP_PASSWORD}",
        )
    except (OSError, smtplib.SMTPException, CredentialError) as exc:
        return CheckResult(
            "smtp",
            False,
            f"{where}: {type(exc).__name__}: {exc}"[:300],
            "check notify.smtp host, port and security, and that the firewall lets this "
            "host reach the relay",
        )
    return CheckResult("smtp", True, f"{where}: {' + '.join(steps)} ok (no mail sent)")


def _probe_write(folder: Path) -> str | None:
    """Create and remove a file: the only honest answer (permissions, read-only mounts)."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=".doctor-", dir=folder)
    except OSError as exc:
        return f"cannot create a file: {exc.strerror or exc}"
    os.close(fd)
    Path(name).unlink(missing_ok=True)
    return None


# -- toxicity ------------------------------------------------------------------------------
def check_toxicity(settings: Settings) -> CheckResult:
    from sitewatch.detectors.toxicity import describe_backend

    try:
        name, _why = describe_backend(settings)
    except SitewatchError as exc:
        return CheckResult(
            "toxicity model",
            False,
            str(exc)[:300],
            "fix [detection.toxicity] or install the model files; `sitewatch models` explains",
        )
    enabled = "toxicity" in settings.detection.detectors
    return CheckResult(
        "toxicity model",
        True,
        f"backend {name}" + ("" if enabled else " (the toxicity detector is not enabled)"),
    )
