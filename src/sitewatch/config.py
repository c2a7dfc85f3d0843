"""TOML configuration, validated with pydantic.

Every error names the file, the key and what was expected; callers print it, never a
traceback. Secrets never live here: see ``credentials.py``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sitewatch.detectors.toxicity import ToxicitySettings
from sitewatch.exceptions import ConfigError
from sitewatch.models import (
    AccessGuideline,
    Approval,
    AutoAction,
    Cost,
    EscalationRung,
    Routing,
    Severity,
    Site,
)

PLATFORMS = ("reddit", "x", "youtube", "blogger", "rss", "demo")
DEFAULT_DETECTORS = (
    "email", "phone", "ssn", "student_id", "address", "birthdate", "roster", "rules", "toxicity",
)  # fmt: skip
_SECRET_KEY = re.compile(r"(password|secret|token|api_key|apikey)$", re.IGNORECASE)


def _valid_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Strict):
    url: str = "sqlite:///{state_dir}/sitewatch.db"


class RosterSettings(_Strict):
    path: str | None = None


class DaemonSettings(_Strict):
    poll_interval: Annotated[float, Field(gt=0)] = 300.0
    max_pages_per_poll: Annotated[int, Field(ge=1)] = 50
    backoff_initial: Annotated[float, Field(gt=0)] = 30.0
    backoff_max: Annotated[float, Field(gt=0)] = 3600.0
    lease_seconds: Annotated[float, Field(gt=0)] = 600.0
    # The policy checks (approvals, reminders, access, members, the consent register) run
    # at most this often while the daemon runs; `run --once` always runs them.
    policy_interval: Annotated[float, Field(ge=0)] = 60.0
    # /metrics, /healthz, /readyz (sitewatch.ops.server): off unless a port is given;
    # 0 picks a free port (tests). Loopback by default: expose it through a proxy if at all.
    metrics_host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    metrics_port: Annotated[int, Field(ge=0, le=65535)] | None = None


# A district building's address: a house number, then at least two words ("1200 W Park Ave").
_STREET_ADDRESS = re.compile(
    r"\s*\d+[a-z]?(?:-\d+)?[\s,]+[^\W\d_][\w.'-]*(?:[\s,]+[\w.'#-]+)+\s*", re.I
)


class PiiSettings(_Strict):
    allow_phones: list[str] = Field(default_factory=list)
    # The district's own buildings (schools, offices): their street addresses are not PII.
    allow_addresses: list[str] = Field(default_factory=list)
    allow_email_domains: list[str] = Field(default_factory=list)
    student_email_domains: list[str] = Field(default_factory=list)
    student_id_pattern: str | None = None
    default_region: str = "US"

    @field_validator("student_id_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        return _valid_regex(value)

    @field_validator("allow_addresses")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for i, address in enumerate(value):
            if _STREET_ADDRESS.fullmatch(address) is None:
                raise ValueError(
                    f"allow_addresses[{i}] {address!r} is not a street address: expected a "
                    'house number and a street, e.g. "400 N Main St, Springfield, IL 62701"'
                )
        return value

    @field_validator("allow_email_domains", "student_email_domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in value]


class RuleSettings(_Strict):
    """A district rule: keywords or a regular expression filed as ``rule.<name>``."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    severity: str = "medium"
    keywords: list[str] = Field(default_factory=list)
    pattern: str | None = None
    clause: str | None = None
    description: str = ""

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        return Severity.parse(value).label

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _valid_regex(value)

    @model_validator(mode="after")
    def _has_matcher(self) -> RuleSettings:
        if not self.keywords and not self.pattern:
            raise ValueError("a rule needs `keywords` or `pattern`")
        return self


class DetectionSettings(_Strict):
    detectors: list[str] = Field(default_factory=lambda: list(DEFAULT_DETECTORS))
    pii: PiiSettings = Field(default_factory=PiiSettings)
    severity: dict[str, str] = Field(default_factory=dict)
    rules: list[RuleSettings] = Field(default_factory=list)
    context_dir: str | None = None
    toxicity: ToxicitySettings = Field(default_factory=ToxicitySettings)

    @field_validator("severity")
    @classmethod
    def _severities(cls, value: dict[str, str]) -> dict[str, str]:
        return {k: Severity.parse(v).label for k, v in value.items()}

    @field_validator("rules")
    @classmethod
    def _unique_rules(cls, value: list[RuleSettings]) -> list[RuleSettings]:
        names = [r.name for r in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique; repeated: {', '.join(dupes)}")
        return value


class SmtpSettings(_Strict):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    security: Literal["none", "starttls", "tls"] = "none"
    from_addr: str = "sitewatch@localhost"
    username: str = ""
    timeout: Annotated[float, Field(gt=0)] = 30.0


_QUIET = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
PLACEHOLDERS = ("{sponsor}", "{backup_sponsor}", "{tech_staff}", "{administrators}")


class EscalationStep(_Strict):
    """One rung of the escalation ladder: who is told, and how long they have to acknowledge
    before the incident climbs to the next rung."""

    contacts: Annotated[list[str], Field(min_length=1)]
    ack_within_hours: Annotated[float, Field(gt=0)] = 24.0

    @field_validator("contacts")
    @classmethod
    def _contacts(cls, value: list[str]) -> list[str]:
        for contact in value:
            if contact not in PLACEHOLDERS and not re.match(EMAIL_PATTERN, contact):
                raise ValueError(
                    f"{contact!r} is neither an e-mail address nor one of {', '.join(PLACEHOLDERS)}"
                )
        return value


def _quiet_hours(value: str | None) -> str | None:
    if value is not None and not _QUIET.match(value):
        raise ValueError("quiet_hours must look like 21:00-07:00")
    return value


class RoutingSettings(_Strict):
    """When mail goes out. Per site, `[sites.notify]` overrides the district's values."""

    quiet_hours: str | None = None  # non-critical mail waits until they end
    immediate_min_severity: Literal["low", "medium", "high", "critical"] | None = None
    escalation: list[EscalationStep] | None = None

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        return _quiet_hours(value)


class NotifySettings(_Strict):
    outbox_dir: str = "{state_dir}/outbox"
    from_addr: str = "sitewatch@localhost"
    tech_staff: list[str] = Field(default_factory=list)
    administrators: list[str] = Field(default_factory=list)
    review_url: str | None = None
    smtp: SmtpSettings | None = None
    max_attempts: Annotated[int, Field(ge=1)] = 12
    timezone: str = "UTC"
    digest_hour: Annotated[int, Field(ge=0, le=23)] = 7
    quiet_hours: str | None = None
    immediate_min_severity: Literal["low", "medium", "high", "critical"] = "medium"
    ack_link_hours: Annotated[float, Field(gt=0)] = 72.0
    escalation: list[EscalationStep] = Field(
        default_factory=lambda: [
            EscalationStep(contacts=["{sponsor}", "{backup_sponsor}"], ack_within_hours=24),
            EscalationStep(contacts=["{administrators}"], ack_within_hours=24),
            EscalationStep(contacts=["{tech_staff}"], ack_within_hours=48),
        ]
    )

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        return _quiet_hours(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. America/Chicago)") from None
        return value


class ActionSettings(_Strict):
    """Automatic hide/remove on the platform: off unless listed. Viewpoint-neutral by design:
    only student-PII and threat categories may be acted on, never opinion or criticism."""

    categories: list[str] = Field(default_factory=list)
    action: Literal["hide", "remove"] = "hide"

    @field_validator("categories")
    @classmethod
    def _neutral(cls, value: list[str]) -> list[str]:
        for category in value:
            allowed = category.startswith("pii.") or category in (
                "content.threat",
                "content.self_harm",
            )
            if not allowed:
                raise ValueError(
                    f"{category!r} cannot trigger an automatic action: only student PII "
                    "(pii.*) and threats (content.threat, content.self_harm) may, so that "
                    "sitewatch never removes opinion or criticism"
                )
        return value


class PolicySettings(_Strict):
    """How the board policy is enforced over time."""

    expiry_grace_days: Annotated[int, Field(ge=0)] = 14
    reminder_days: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [30, 7, 0])
    access_check_hours: Annotated[float, Field(gt=0)] = 24.0
    member_check_hours: Annotated[float, Field(gt=0)] = 24.0


class ConsentSettings(_Strict):
    """Clause 4: the parental-consent register, managed as a CSV file."""

    path: str | None = None


class LoggingSettings(_Strict):
    format: Literal["auto", "json", "console"] = "auto"
    level: Literal["debug", "info", "warning", "error"] = "info"


class RetentionSettings(_Strict):
    """How long post text, evidence and incident records are kept (`sitewatch purge`).

    FERPA data minimization: evidence is held only while someone may need to review it."""

    evidence_days: Annotated[int, Field(ge=1)] = 90  # after resolution / false positive
    digest_days: Annotated[int, Field(ge=1)] = 7  # digests of posts without an incident
    outbox_body_days: Annotated[int, Field(ge=1)] = 30  # bodies of sent/failed messages
    ack_token_days: Annotated[int, Field(ge=0)] = 30  # after a token's expiry
    audit_years: Annotated[int, Field(ge=1)] = 5  # closed incidents' metadata


class ApprovalSettings(_Strict):
    by: Annotated[str, Field(min_length=1)]
    on: date
    ref: Annotated[str, Field(min_length=1)]
    review_by: date | None = None

    @model_validator(mode="after")
    def _order(self) -> ApprovalSettings:
        if self.review_by is not None and self.review_by < self.on:
            raise ValueError("review_by is before the approval date `on`")
        return self


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"


class AccessSettings(_Strict):
    """Clause 3: the district's guideline on who must have access to the site."""

    administrators: bool = True
    tech_staff: bool = True
    note: str = ""


class CostSettings(_Strict):
    """Clause 2: one itemized expenditure and the superintendent's approval of it."""

    item: Annotated[str, Field(min_length=1)]
    amount: Annotated[float, Field(ge=0)]
    approved_by: str | None = None
    approved_on: date | None = None
    ref: str | None = None


class SiteSettings(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    platform: Literal["reddit", "x", "youtube", "blogger", "rss", "demo"]
    target: Annotated[str, Field(min_length=1)]
    sponsor: Annotated[str, Field(pattern=EMAIL_PATTERN)]
    backup_sponsor: Annotated[str, Field(pattern=EMAIL_PATTERN)] | None = None
    endpoint: str | None = None
    poll_interval: Annotated[float, Field(gt=0)] | None = None
    approval: ApprovalSettings | None = None
    notify: RoutingSettings = Field(default_factory=RoutingSettings)
    actions: ActionSettings = Field(default_factory=ActionSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    costs: list[CostSettings] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("endpoint must be an http:// or https:// URL")
        return value


class WebSettings(_Strict):
    """The review page (`sitewatch web`): sessions, cookies, login throttling, SSO."""

    cookie_secure: bool = True  # off only for http://127.0.0.1 development and tests
    idle_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    session_hours: Annotated[float, Field(gt=0, le=24 * 7)] = 12.0
    login_max_failures: Annotated[int, Field(ge=1)] = 5
    login_window_minutes: Annotated[int, Field(ge=1)] = 15
    page_size: Annotated[int, Field(ge=5, le=500)] = 50
    trusted_proxy_header: str | None = None  # e.g. "X-Remote-User", set by the SSO proxy
    trusted_proxies: list[str] = Field(default_factory=list)  # addresses or CIDR networks

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {item!r}") from None
        return value

    @field_validator("trusted_proxy_header")
    @classmethod
    def _header(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9-]+", value):
            raise ValueError("must be an HTTP header name (letters, digits, dashes)")
        return value


class Settings(_Strict):
    state_dir: str = "/var/lib/sitewatch"
    store: StoreSettings = Field(default_factory=StoreSettings)
    roster: RosterSettings = Field(default_factory=RosterSettings)
    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    consent: ConsentSettings = Field(default_factory=ConsentSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    sites: list[SiteSettings] = Field(default_factory=list)

    # Where the file was; relative paths in it resolve against this folder.
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: str = Field(default="<defaults>", exclude=True)

    @field_validator("sites")
    @classmethod
    def _unique_sites(cls, value: list[SiteSettings]) -> list[SiteSettings]:
        names = [s.name for s in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"site names must be unique; repeated: {', '.join(dupes)}")
        return value

    # -- resolved values -------------------------------------------------------------------
    def resolve_path(self, value: str) -> Path:
        expanded = value.replace("{state_dir}", self.state_dir)
        path = Path(expanded).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def state_path(self) -> Path:
        return self.resolve_path(self.state_dir)

    @property
    def store_url(self) -> str:
        url = self.store.url.replace("{state_dir}", str(self.state_path))
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
            rel = url[len(prefix) :]
            if rel != ":memory:":
                url = prefix + str((self.base_dir / rel).resolve())
        return url

    @property
    def outbox_path(self) -> Path:
        return self.resolve_path(
            self.notify.outbox_dir.replace("{state_dir}", str(self.state_path))
        )

    @property
    def roster_path(self) -> Path | None:
        return self.resolve_path(self.roster.path) if self.roster.path else None

    @property
    def consent_path(self) -> Path | None:
        return self.resolve_path(self.consent.path) if self.consent.path else None

    def site_models(self) -> list[Site]:
        return [self._site_model(s) for s in self.sites]

    def _site_model(self, s: SiteSettings) -> Site:
        approval = (
            Approval(
                by=s.approval.by,
                on=s.approval.on,
                ref=s.approval.ref,
                review_by=s.approval.review_by,
            )
            if s.approval
            else None
        )
        target = s.target
        options = dict(s.options)
        if s.platform == "demo":
            target = str(self.resolve_path(s.target))
            if isinstance(options.get("members"), str):
                options["members"] = str(self.resolve_path(options["members"]))
        return Site(
            name=s.name,
            platform=s.platform,
            target=target,
            sponsor=s.sponsor,
            approval=approval,
            endpoint=s.endpoint,
            poll_interval=s.poll_interval or self.daemon.poll_interval,
            options=options,
            backup_sponsor=s.backup_sponsor,
            access=AccessGuideline(s.access.administrators, s.access.tech_staff, s.access.note),
            costs=tuple(
                Cost(c.item, c.amount, c.approved_by, c.approved_on, c.ref) for c in s.costs
            ),
            routing=self.routing_for(s),
            auto_action=AutoAction(tuple(s.actions.categories), s.actions.action),
        )

    def routing_for(self, s: SiteSettings | None) -> Routing:
        """A site's mail routing: its `[sites.notify]` over the district's `[notify]`."""
        district = self.notify
        site = s.notify if s is not None else RoutingSettings()
        ladder = site.escalation if site.escalation is not None else district.escalation
        return Routing(
            quiet_hours=site.quiet_hours if site.quiet_hours is not None else district.quiet_hours,
            immediate_min_severity=site.immediate_min_severity or district.immediate_min_severity,
            escalation=tuple(
                EscalationRung(tuple(step.contacts), step.ack_within_hours) for step in ladder
            ),
        )


def _find_secrets(data: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if _SECRET_KEY.search(str(key)) and value not in ("", None):
                found.append(here)
            found.extend(_find_secrets(value, here))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found.extend(_find_secrets(item, f"{path}[{i}]"))
    return found


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    """One human line per pydantic error: key path, what was wrong, what was expected."""
    parts: list[str] = []
    node: Any = data
    for loc in error["loc"]:
        if isinstance(loc, int) and isinstance(node, list):
            name = (
                node[loc].get("name") if loc < len(node) and isinstance(node[loc], dict) else None
            )
            parts[-1] = f"{parts[-1]}[{loc}]" + (f" (name={name!r})" if name else "")
            node = node[loc] if loc < len(node) else None
        else:
            parts.append(str(loc))
            node = node.get(loc) if isinstance(node, dict) else None
    key = ".".join(parts) or "<top level>"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{key}: unknown key"
    if kind == "missing":
        return f"{key}: required key is missing"
    return f"{key}: {error['msg']}"


def parse_settings(data: dict[str, Any], *, source: str, base_dir: Path) -> Settings:
    secrets = _find_secrets(data)
    if secrets:
        raise ConfigError(
            "secrets must not be written in the config file; put them in environment variables "
            "or systemd credentials instead (found: " + ", ".join(secrets) + ")",
            path=source,
        )
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(dict(e), data) for e in exc.errors()]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines), path=source) from None
    return settings.model_copy(update={"base_dir": base_dir, "source": source})


def load_settings(path: str | Path) -> Settings:
    """Read and validate a TOML config; raise ConfigError naming the file on any problem."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config file not found", path=str(file)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", path=str(file)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", path=str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(file)) from None
    return parse_settings(data, source=str(file), base_dir=file.resolve().parent)
