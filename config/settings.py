"""Every setting of the locker, read from the environment.

Each field's description is the operator's documentation; the README's table of
settings is generated from it (``python -m cli settings-table``). Defaults are the
embedded development set-up: one data directory holding a SQLite file, a local
object folder and the issuers' generated signing keys.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development secrets: known to everyone who reads this file, so production refuses
# them (see ``Settings.production_problems``).
DEV_SECRET_KEY = "dev-only-secret-key-change-me-0123456789abcdef"  # noqa: S105
DEV_AADHAAR_KEY = "ZGV2LW9ubHktYWFkaGFhci1rZXktY2hhbmdlLW1lISE="  # 32 bytes, base64
# A Tink AES256_GCM keyset (base64 of the binary keyset), for development only.
DEV_MASTER_KEY = (
    "CK+EjpAHEmQKWAowdHlwZS5nb29nbGVhcGlzLmNvbS9nb29nbGUuY3J5cHRvLnRpbmsuQWVzR2Nt"
    "S2V5EiIaILOvbedhABN8IAHpfpDX2xEDjo+Ic7Ug6rzYmb7oFHWxGAEQARivhI6QByAB"
)
MIB = 1024 * 1024


class Settings(BaseSettings):
    """The locker's configuration; every field can be set as ``LOCKER_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="LOCKER_", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "production"] = Field(
        "development",
        description="`production` refuses development keys and turns off GraphiQL.",
    )
    data_dir: Path = Field(
        Path(".data"),
        description="Folder for the SQLite file, local objects and issuer keys.",
    )
    database_url: str | None = Field(
        None,
        validation_alias="DATABASE_URL",
        description="Database URL (`postgres://user@host:5432/db`); "
        "default: SQLite file `locker.sqlite3` in the data directory.",
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, description="Port the server listens on.")
    workers: int = Field(
        1,
        ge=1,
        description="Server processes `python -m cli serve` starts; with more "
        "than one, set `REDIS_URL` and turn `migrate_on_start` off.",
    )
    public_url: str | None = Field(
        None,
        description="The URL residents and requesters reach the server at, used "
        "in document links; default: `http://<host>:<port>`.",
    )
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET_KEY),
        description="Key for OTP and token hashes and signed download links "
        "(at least 32 characters).",
    )
    aadhaar_key: SecretStr = Field(
        SecretStr(DEV_AADHAAR_KEY),
        description="Base64 of the 32-byte AES-256-GCM key that encrypts Aadhaar "
        "numbers at rest.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="The operator's bearer token for the admin GraphQL mutations "
        "(registering requesters), at least 32 characters; unset turns the admin "
        "API off.",
    )
    sms_sender: Literal["log", "memory", "http"] = Field(
        "log",
        description="`log` writes OTP messages to the server log (development "
        "only); `memory` keeps them for tests; `http` posts them to "
        "`sms_gateway_url`.",
    )
    sms_gateway_url: str | None = Field(
        None, description="SMS gateway endpoint for the `http` sender."
    )
    sms_gateway_token: SecretStr | None = Field(
        None, description="Bearer token for the SMS gateway."
    )
    ekyc_provider: Literal["sandbox"] = Field(
        "sandbox",
        description="Aadhaar eKYC provider; `sandbox` reads invented residents "
        "from `ekyc_fixture`.",
    )
    ekyc_fixture: Path | None = Field(
        None,
        description="JSON file of sandbox eKYC residents; default: the bundled "
        "fixture.",
    )
    issuer_keys_dir: Path | None = Field(
        None,
        description="Folder of issuer signing keys, `<issuer id>.key.pem` and "
        "`<issuer id>.cert.pem`; default: `keys/` in the data directory.",
    )
    issuers_file: Path | None = Field(
        None,
        description="TOML or JSON file of issuers served through the "
        "DigiLocker-compatible adapter (their Pull URI endpoints, keys and doc "
        "types); see `docs/adapters.md`. Default: none.",
    )
    generate_issuer_keys: bool = Field(
        True,
        description="Generate a key and self-signed certificate for an issuer "
        "that has none (development only).",
    )
    otp_ttl_seconds: int = Field(600, description="How long an OTP stays valid.")
    otp_max_attempts: int = Field(
        5, description="Wrong tries after which an OTP is void."
    )
    otp_resend_seconds: int = Field(
        30, description="Shortest wait before another OTP goes to the same number."
    )
    otp_sends_per_mobile_per_hour: int = Field(
        5, description="Most OTPs sent to one mobile number in an hour."
    )
    otp_sends_per_address_per_hour: int = Field(
        30, description="Most OTPs requested from one client address in an hour."
    )
    login_failures_per_account: int = Field(
        5,
        description="Wrong passwords for one account, within `login_lockout_seconds`, "
        "after which its logins are refused until the window passes.",
    )
    login_failures_per_address: int = Field(
        50,
        description="Failed logins from one client address, within "
        "`login_lockout_seconds`, after which its logins are refused.",
    )
    login_lockout_seconds: int = Field(
        900, description="The window that login failures are counted over."
    )
    password_min_score: int = Field(
        2,
        description="Least zxcvbn strength score (0 to 4) a new password must reach.",
    )
    redis_url: str | None = Field(
        None,
        validation_alias="REDIS_URL",
        description="Redis for rate-limit counters shared by every process "
        "(`redis://127.0.0.1:6379/0`); default: counters in process memory.",
    )
    session_idle_seconds: int = Field(
        900, description="Inactivity after which a session ends (timed logout)."
    )
    session_max_seconds: int = Field(
        43200, description="Absolute lifetime of a session."
    )
    document_cache_seconds: int = Field(
        3600,
        description="How long a rendered, signed document is served from cache "
        "before the issuer is asked again.",
    )
    issuer_call_attempts: int = Field(
        3,
        ge=1,
        le=10,
        description="Tries of one read from an issuer (finding or fetching a "
        "document) that fails for a passing reason (unreachable, an error "
        "status); all within the adapter's `call_timeout_seconds`.",
    )
    issuer_retry_wait_seconds: float = Field(
        0.5,
        gt=0,
        description="Longest wait before the second try of an issuer read; each "
        "later one doubles, and the wait is drawn at random below it (jitter).",
    )
    issuer_circuit_failures: int = Field(
        10,
        ge=1,
        description="Failed tries of one issuer in a row (each retry counts) after "
        "which the locker stops calling it for `issuer_circuit_cooldown_seconds` "
        "and answers `ISSUER_UNAVAILABLE` at once (counted in each server "
        "process).",
    )
    issuer_circuit_cooldown_seconds: int = Field(
        30,
        ge=1,
        description="How long an issuer that keeps failing is left alone; then "
        "one trial call decides whether calls resume or it rests again.",
    )
    download_link_seconds: int = Field(
        300, description="Lifetime of a signed link to a document's PDF."
    )
    max_request_bytes: int = Field(
        65536, description="Largest request body accepted by `/graphql`."
    )
    graphql_max_depth: int = Field(10, description="Deepest GraphQL query accepted.")
    graphql_max_aliases: int = Field(
        15, description="Most aliases accepted in one GraphQL query."
    )
    graphql_max_tokens: int = Field(
        2000, description="Most tokens accepted in one GraphQL query."
    )
    max_upload_bytes: int = Field(
        10 * MIB, description="Largest file a resident may upload (10 MiB)."
    )
    quota_bytes: int = Field(
        1024 * MIB,
        description="Storage each resident has for uploads, in bytes (1 GiB); "
        "uploads in progress count until they finish or fail.",
    )
    upload_window_seconds: int = Field(
        900,
        description="How long an upload started with `startUpload` waits for its "
        "bytes before its reserved space is given back.",
    )
    max_image_pixels: int = Field(
        50_000_000,
        description="Largest image (width times height) an upload may be; "
        "larger ones are refused as possible decompression bombs.",
    )
    storage_backend: Literal["local", "s3"] = Field(
        "local",
        description="Where uploaded files are kept: `local` (the `objects/` "
        "folder of the data directory) or `s3` (any S3-compatible store).",
    )
    s3_endpoint_url: str | None = Field(
        None,
        description="S3-compatible endpoint (`http://127.0.0.1:9000` for MinIO); "
        "default: AWS S3.",
    )
    s3_bucket: str = Field("openlocker", description="Bucket for uploaded files.")
    s3_region: str = Field("ap-south-1", description="Region of the bucket.")
    s3_access_key_id: str | None = Field(None, description="S3 access key id.")
    s3_secret_access_key: SecretStr | None = Field(
        None, description="S3 secret access key."
    )
    s3_part_bytes: int = Field(
        5 * MIB,
        description="Multipart part size for S3 (at least 5 MiB): each upload in "
        "flight holds about one part in memory.",
    )
    master_key: SecretStr = Field(
        SecretStr(DEV_MASTER_KEY),
        description="Tink AES256_GCM keyset (base64 binary or JSON) that wraps "
        "every uploaded file's own data key; make one with "
        "`python -m cli new-master-key`.",
    )
    previous_master_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Retired master keys (a JSON list) still accepted for "
        "reading, while `python -m cli rewrap-keys` moves data keys to "
        "`master_key`.",
    )
    esign_ca_dir: Path | None = Field(
        None,
        description="Folder of the locker's self-attestation CA (`ca.key.pem`, "
        "`ca.cert.pem`), created at first start; default: `ca/` in the data "
        "directory. Every process must share it.",
    )
    generate_esign_ca: bool = Field(
        True,
        description="Create the self-attestation CA at first use if the folder "
        "has none (development only: in production create it once with "
        "`python -m cli create-esign-ca` and share the folder).",
    )
    consent_keys_dir: Path | None = Field(
        None,
        description="Folder of the key the locker signs consent artefacts with "
        "(`consent.key.pem`, ES256), created at first use; default: "
        "`keys/consent/` in the data directory. Every process must share it.",
    )
    consent_max_days: int = Field(
        365,
        ge=1,
        description="The longest a resident may grant a consent for, in days.",
    )
    oauth_access_token_seconds: int = Field(
        600,
        ge=60,
        le=3600,
        description="How long a requester's access token works; it refreshes "
        "with its refresh token, which lasts as long as the consent.",
    )
    migrate_on_start: bool = Field(
        True,
        description="Apply pending database migrations when the server starts; "
        "with many processes, turn off and run `python -m cli migrate` once.",
    )
    log_level: str = Field("INFO", description="Root log level.")

    @property
    def db_url(self) -> str:
        """The Tortoise connection URL in force."""
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.data_dir / 'locker.sqlite3').resolve()}"

    @property
    def base_url(self) -> str:
        """The public URL in force, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

    @property
    def ca_dir(self) -> Path:
        return self.esign_ca_dir or self.data_dir / "ca"

    @property
    def consent_key_dir(self) -> Path:
        return self.consent_keys_dir or self.data_dir / "keys" / "consent"

    @property
    def scratch_dir(self) -> Path:
        """Private folder for uploads being checked, before they are stored."""
        return self.data_dir / "scratch"

    @property
    def keys_dir(self) -> Path:
        return self.issuer_keys_dir or self.data_dir / "keys"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def production_problems(self) -> list[str]:
        """Say what keeps these settings from being safe for production."""
        problems: list[str] = []
        if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            problems.append("LOCKER_SECRET_KEY is the development key")
        elif len(self.secret_key.get_secret_value()) < 32:
            problems.append("LOCKER_SECRET_KEY is shorter than 32 characters")
        if self.admin_token and len(self.admin_token.get_secret_value()) < 32:
            problems.append("LOCKER_ADMIN_TOKEN is shorter than 32 characters")
        if self.aadhaar_key.get_secret_value() == DEV_AADHAAR_KEY:
            problems.append("LOCKER_AADHAAR_KEY is the development key")
        if self.master_key.get_secret_value() == DEV_MASTER_KEY:
            problems.append("LOCKER_MASTER_KEY is the development key")
        if self.generate_issuer_keys:
            problems.append(
                "LOCKER_GENERATE_ISSUER_KEYS is on: issuers would sign with "
                "generated development keys"
            )
        if self.generate_esign_ca:
            problems.append(
                "LOCKER_GENERATE_ESIGN_CA is on: each server could make its own "
                "self-attestation CA (create one with `python -m cli "
                "create-esign-ca` and share its folder)"
            )
        if self.sms_sender != "http":
            problems.append(
                f"LOCKER_SMS_SENDER={self.sms_sender} does not deliver OTPs to "
                "residents (set it to `http` with LOCKER_SMS_GATEWAY_URL)"
            )
        return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
