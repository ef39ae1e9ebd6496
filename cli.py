"""The operator's commands: ``python -m cli <command>``.

- ``serve``: run the server on the settings in force (migrations applied first).
- ``migrate``: apply pending database migrations, then exit.
- ``export-schema``: write the GraphQL SDL to ``schema/schema.graphql``.
- ``settings-table``: print the settings as the README's Markdown table.
- ``new-master-key``: print a fresh master key for ``LOCKER_MASTER_KEY``.
- ``rewrap-keys``: re-wrap every uploaded file's data key under the current
  master key (after a rotation), so retired keys can be dropped.
- ``create-esign-ca``: create the self-attestation CA in its folder (once, for
  production; it prints the CA certificate).
- ``sweep-uploads``: give back the space of uploads abandoned mid-way (the
  server also does this every few minutes).
- ``verify-activity``: recompute every resident's activity log hash chain;
  exit 1 naming the first broken entry of each broken log.
- ``register-requester``: register a requester (``--help`` lists its
  arguments) and print its client id and, once, its client secret.
- ``rotate-requester-secret <client_id>``: give a requester a new client
  secret, printed once; the old one stops working at once.
- ``deactivate-requester <client_id>``: stop a requester from signing in and
  revoke every token it holds.
- ``list-requesters``: every requester's client id, org id, name, whether it
  is active and how it authenticates (never a secret).
- ``new-adapter <directory> --issuer-id ID --name NAME``: write a new issuer
  adapter package (entry point, adapter, sample data, contract tests) into an
  empty folder; see ``docs/adapters.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from config.database import tortoise_config
from config.logging import configure_logging
from config.settings import Settings, get_settings


def serve(settings: Settings) -> int:
    import uvicorn

    if settings.is_production and (problems := settings.production_problems()):
        print("refusing to start in production:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    if (unloadable := _issuers_problem(settings)) is not None:
        print(f"refusing to start: {unloadable}", file=sys.stderr)
        return 2

    uvicorn.run(
        "app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        proxy_headers=False,
    )
    return 0


def _issuers_problem(settings: Settings) -> str | None:
    """Why the issuers cannot be loaded as configured, in a line; None if they can.

    Checked before the server starts, so that a mistake in the issuers file
    or an adapter package reads as one line, not a traceback per worker.
    """
    from adapters.digilocker import ConfigError
    from adapters.registry import RegistryError
    from services.container import registry_from_settings

    try:
        registry_from_settings(settings)
    except (ConfigError, RegistryError) as error:
        return str(error)
    return None


def migrate(settings: Settings) -> int:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate as apply_migrations

    async def run() -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            await apply_migrations(config=tortoise_config(settings))
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())
    return 0


def export_schema(settings: Settings) -> int:
    from schema import SDL_PATH, build_schema

    SDL_PATH.write_text(build_schema(settings).as_str() + "\n", encoding="utf-8")
    print(f"wrote {SDL_PATH}")
    return 0


def settings_table(settings: Settings) -> int:
    print("| variable | default | meaning |")
    print("|---|---|---|")
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        variable = alias if isinstance(alias, str) else f"LOCKER_{name.upper()}"
        default = field.get_default(call_default_factory=True)
        shown = "(development key)" if isinstance(default, SecretStr) else default
        print(f"| `{variable}` | `{shown}` | {field.description} |")
    return 0


def new_master_key(settings: Settings) -> int:
    from services.objects import MasterKey

    print(MasterKey.generate().to_secret())
    return 0


def create_esign_ca(settings: Settings) -> int:
    from services.esign import LockerCA

    ca = LockerCA.load_or_create(settings.ca_dir, generate=True)
    print(ca.certificate_pem.decode("ascii"), end="")
    return 0


def _with_database(settings: Settings, work: Callable[[], Awaitable[str]]) -> int:
    from tortoise import Tortoise

    async def run() -> str:
        await Tortoise.init(config=tortoise_config(settings))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()

    print(asyncio.run(run()))
    return 0


def rewrap_keys(settings: Settings) -> int:
    from services.container import master_key_from_settings
    from services.uploads.keys import rewrap_all

    master = master_key_from_settings(settings)
    return _with_database(settings, lambda: rewrap_all(master))


def sweep_uploads(settings: Settings) -> int:
    from services.container import build_services

    async def sweep() -> str:
        services = build_services(settings)
        swept = await services.uploads.sweep()
        return f"gave back the space of {swept} abandoned uploads"

    return _with_database(settings, sweep)


def verify_activity(settings: Settings) -> int:
    from services.activity import ActivityLog, ChainReport
    from services.clock import SystemClock

    reports: list[ChainReport] = []

    async def verify() -> str:
        reports.append(await ActivityLog(SystemClock()).verify_chain())
        return reports[0].describe()

    _with_database(settings, verify)
    return 0 if reports[0].intact else 1


def _file_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {error}") from error


def register_requester_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org-id", required=True, help="slug, such as iitm")
    parser.add_argument("--name", required=True, help="the organisation's name")
    parser.add_argument(
        "--redirect-uri",
        dest="redirect_uris",
        metavar="URI",
        action="append",
        required=True,
        help="an exact https redirect URI (repeat for more)",
    )
    parser.add_argument(
        "--purpose",
        dest="purposes",
        metavar="CODE:TEXT",
        action="append",
        required=True,
        help='CODE:text, such as "ADMISSION:Verify Class XII marks" (repeat)',
    )
    parser.add_argument(
        "--doc-type",
        dest="doc_types",
        metavar="CODE",
        action="append",
        required=True,
        help="a doc type code an issuer declares, such as HSCER (repeat)",
    )
    parser.add_argument(
        "--jwks-file",
        dest="jwks",
        metavar="FILE",
        type=_file_text,
        help="JSON file of its public keys, for private_key_jwt instead of a secret",
    )


def register_requester(settings: Settings, arguments: argparse.Namespace) -> int:
    from services.container import build_services
    from services.errors import LockerError
    from services.requesters import Purpose, jwks_from_json

    async def register() -> str:
        requester, secret = await build_services(settings).requesters.register(
            arguments.org_id,
            arguments.name,
            arguments.redirect_uris,
            [Purpose.parse(written) for written in arguments.purposes],
            arguments.doc_types,
            jwks=jwks_from_json(arguments.jwks) if arguments.jwks else None,
        )
        lines = [
            f"Registered {requester.name} ({requester.org_id}).",
            f"client id:     {requester.client_id}",
        ]
        if secret is None:
            lines.append("It authenticates with its keys (private_key_jwt).")
        else:
            lines += [
                f"client secret: {secret}",
                "Store the client secret now, somewhere safe: it is shown only "
                "this once, and the locker keeps only a hash of it.",
            ]
        return "\n".join(lines)

    try:
        return _with_database(settings, register)
    except LockerError as error:
        print(f"refused: {error.message}", file=sys.stderr)
        return 1


def client_id_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client_id", help="the requester's client id (rq_…)")


def rotate_requester_secret(settings: Settings, arguments: argparse.Namespace) -> int:
    from services.container import build_services

    async def rotate() -> str:
        registry = build_services(settings).requesters
        secret = await registry.rotate_secret(arguments.client_id)
        requester = await registry.get(arguments.client_id)
        return "\n".join(
            [
                f"New client secret for {requester.name} ({requester.org_id}).",
                f"client secret: {secret}",
                "The old secret no longer works. Store this one now, somewhere "
                "safe: it is shown only this once.",
            ]
        )

    return _refusing_locker_errors(settings, rotate)


def deactivate_requester(settings: Settings, arguments: argparse.Namespace) -> int:
    from services.container import build_services

    async def deactivate() -> str:
        services = build_services(settings)
        requester = await services.requesters.deactivate(arguments.client_id)
        revoked = await services.tokens.revoke_requester(requester.id)
        ended = await services.consents.end_for_requester(requester)
        return (
            f"Deactivated {requester.name} ({requester.org_id}): it can no longer "
            f"sign in, {revoked} of its tokens were revoked and {ended} active "
            "consents given to it ended (their residents were told)."
        )

    return _refusing_locker_errors(settings, deactivate)


def list_requesters(settings: Settings) -> int:
    from services.container import build_services

    async def listing() -> str:
        requesters = await build_services(settings).requesters.list()
        if not requesters:
            return "No requesters are registered."
        rows = [("client id", "org id", "name", "active", "auth method")]
        rows += [
            (
                requester.client_id or "",
                requester.org_id,
                requester.name,
                "yes" if requester.active else "no",
                requester.auth_method,
            )
            for requester in requesters
        ]
        return _table(rows)

    return _with_database(settings, listing)


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as plain text columns, each as wide as its widest cell."""
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def issuer_token_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("issuer_id", help="the issuer's id, as `issuers` lists it")
    parser.add_argument(
        "--label", default="", help="which of the issuer's systems holds the token"
    )


def issue_issuer_token(settings: Settings, arguments: argparse.Namespace) -> int:
    from services.container import build_services
    from services.errors import UnknownIssuer

    async def issue() -> str:
        services = build_services(settings)
        if services.registry.get(arguments.issuer_id) is None:
            raise UnknownIssuer(
                f"No issuer {arguments.issuer_id!r} serves this locker; "
                "see the `issuers` query."
            )
        issued = await services.issuer_tokens.issue(
            arguments.issuer_id, label=arguments.label
        )
        return "\n".join(
            [
                f"Issuer token for {arguments.issuer_id}: {issued.token}",
                "It lets the issuer push documents (`pushDocuments`). Hand it over "
                "safely: it is shown only this once.",
            ]
        )

    return _refusing_locker_errors(settings, issue)


def revoke_issuer_tokens(settings: Settings, arguments: argparse.Namespace) -> int:
    from services.container import build_services

    async def revoke() -> str:
        count = await build_services(settings).issuer_tokens.revoke(arguments.issuer_id)
        return f"Revoked {count} token(s) of {arguments.issuer_id}."

    return _refusing_locker_errors(settings, revoke)


def _refusing_locker_errors(
    settings: Settings, work: Callable[[], Awaitable[str]]
) -> int:
    """Run ``work``; a refusal prints its message on stderr and exits 1."""
    from services.errors import LockerError

    try:
        return _with_database(settings, work)
    except LockerError as error:
        print(f"refused: {error.message}", file=sys.stderr)
        return 1


def new_adapter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, help="a new or empty folder")
    parser.add_argument(
        "--issuer-id", required=True, help="reverse-domain id, such as in.gov.ukboard"
    )
    parser.add_argument("--name", required=True, help="the issuer's name")
    parser.add_argument(
        "--package", help="the Python package's name (default: the folder's name)"
    )
    parser.add_argument("--doc-type", default="HSCER", help="the doc type's code")
    parser.add_argument(
        "--doc-name", default="Class XII Marksheet", help="the doc type's name"
    )


def new_adapter(settings: Settings, arguments: argparse.Namespace) -> int:
    from adapters.kit.scaffold import (
        AdapterPackage,
        ScaffoldError,
        package_name_for,
        scaffold,
    )

    directory: Path = arguments.directory
    package = AdapterPackage(
        issuer_id=arguments.issuer_id,
        issuer_name=arguments.name,
        package=arguments.package or package_name_for(directory),
        doc_type=arguments.doc_type,
        doc_name=arguments.doc_name,
    )
    try:
        written = scaffold(directory, package)
    except ScaffoldError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1

    print(f"Wrote {package.package} ({package.issuer_id}) in {directory}:")
    for path in written:
        print(f"  {path.relative_to(directory)}")
    print(
        f"Next: run its tests (.venv/bin/python -m pytest {directory}), make it "
        f"read your records, then .venv/bin/pip install {directory} and restart "
        "the locker. See docs/adapters.md."
    )
    return 0


@dataclass(frozen=True)
class CommandWithArguments:
    """A command with arguments of its own: ``declare`` adds them to its parser."""

    declare: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Settings, argparse.Namespace], int]


COMMANDS_WITH_ARGUMENTS = {
    "new-adapter": CommandWithArguments(new_adapter_arguments, new_adapter),
    "register-requester": CommandWithArguments(
        register_requester_arguments, register_requester
    ),
    "rotate-requester-secret": CommandWithArguments(
        client_id_argument, rotate_requester_secret
    ),
    "deactivate-requester": CommandWithArguments(
        client_id_argument, deactivate_requester
    ),
    "issue-issuer-token": CommandWithArguments(
        issuer_token_arguments, issue_issuer_token
    ),
    "revoke-issuer-tokens": CommandWithArguments(
        issuer_token_arguments, revoke_issuer_tokens
    ),
}


COMMANDS = {
    "serve": serve,
    "migrate": migrate,
    "export-schema": export_schema,
    "settings-table": settings_table,
    "new-master-key": new_master_key,
    "rewrap-keys": rewrap_keys,
    "sweep-uploads": sweep_uploads,
    "create-esign-ca": create_esign_ca,
    "verify-activity": verify_activity,
    "list-requesters": list_requesters,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in sorted(COMMANDS.keys() | COMMANDS_WITH_ARGUMENTS.keys()):
        command_parser = commands.add_parser(name)
        if name in COMMANDS_WITH_ARGUMENTS:
            COMMANDS_WITH_ARGUMENTS[name].declare(command_parser)
    arguments = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)

    if arguments.command in COMMANDS_WITH_ARGUMENTS:
        return COMMANDS_WITH_ARGUMENTS[arguments.command].run(settings, arguments)
    return COMMANDS[arguments.command](settings)


if __name__ == "__main__":
    sys.exit(main())
