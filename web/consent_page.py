"""The resident's consent page: the HTML face of ``GET /oauth/authorize``.

A requester sends the resident's browser here with an OAuth authorization
request (its parameters are listed in ``services.oauth.authorize``). The page

1. has the authorization server (``services.oauth``) validate it: a request
   naming an unknown client or an unregistered redirect URI gets an error page
   and is never redirected (RFC 6749, 4.1.2.1); one refused for any other
   reason goes back to the requester with the error (303);
2. asks the resident to sign in, through ``AccountService.log_in`` like every
   other sign-in, so the pause after wrong passwords and the security log
   apply. The session token it makes is kept in a cookie of this page only
   (HttpOnly, SameSite=Strict, ``Path=/oauth``, Secure over https, 15
   minutes), and that session is ended as soon as the resident decided;
3. shows who asks and why, the documents of the resident's locker asked for
   (``web.consent_offer``), in which forms, until when and how many reads,
   each document and form a checkbox, all ticked;
4. on Allow records the consent (``ConsentService.grant``) and sends the
   browser back with a code; on Deny logs the refusal (``ConsentService.deny``)
   and sends it back with ``error=access_denied``.

**The request across the steps.** The original query string travels in a
hidden field and the server validates it again on every POST, so a requester
switched off or a redirect URI removed meanwhile is caught, and nothing is kept
between steps: any process can answer any step. The field cannot be edited on
the way: every POST is checked (``web.consent_guard``) for its origin and for
a CSRF token that binds the form to this browser's cookie, the time it was
shown and that exact query string, so a changed parameter fails exactly like a
forged form (403). A sign-in form posted from elsewhere is refused the same
way, so no one can sign a resident in to someone else's locker here.

Every answer carries the guard's headers: a Content-Security-Policy allowing
only the page's one stylesheet (by its hash) and forms posting here and to the
requester's redirect origin, no framing, no caching. There is no JavaScript.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.datastructures import FormData, QueryParams
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from models import Account
from resolvers.context import client_info
from services.consents.notices import local_time
from services.container import Services
from services.errors import LockerError, NotAuthenticated, SessionExpired
from services.oauth.authorize import (
    AuthorizationPageError,
    AuthorizationRedirectError,
    AuthorizationRequest,
)
from web.consent_guard import (
    FORM_SECONDS,
    FormSeal,
    Refused,
    check_origin,
    is_browser_id,
    new_browser_id,
    page_headers,
)
from web.consent_offer import form_choices, offer, reads_text, valid_for_text

logger = logging.getLogger(__name__)

COOKIE_PATH = "/oauth"
BROWSER_COOKIE = "consent_browser"
SESSION_COOKIE = "consent_session"
SIGN_IN_ACTION = "/oauth/authorize/sign-in"
DECISION_ACTION = "/oauth/authorize/decision"

SIGNED_IN_SECONDS = 15 * 60
"""How long the page's cookie keeps the resident signed in."""
MOST_FIELDS = 500

_HERE = Path(__file__).parent
_STYLESHEET = (_HERE / "static" / "consent.css").read_text(encoding="utf-8")
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLESHEET.encode()).digest()).decode()
_STYLE_SOURCE = f"'sha256-{_STYLE_HASH}'"
_TEMPLATES = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Step:
    """One step of the page: the validated request and what it came with."""

    services: Services
    request: Request
    authorization: AuthorizationRequest
    query: str
    """The original query string, as carried in the hidden field."""
    browser: str


@dataclass(frozen=True)
class Resident:
    """The resident signed in on this browser, and their session token."""

    account: Account
    token: str


# -- the routes --------------------------------------------------------------


async def authorize_page(request: Request) -> Response:
    """``GET /oauth/authorize``: the sign-in form, or the consent screen."""
    services: Services = request.app.state.services
    query = request.url.query
    try:
        authorization = await _validated(services, query)
    except Refused as refused:
        return _problem(refused)
    except AuthorizationRedirectError as error:
        return _redirect(error.location)

    browser = request.cookies.get(BROWSER_COOKIE, "")
    if not is_browser_id(browser):
        browser = new_browser_id()
    step = Step(services, request, authorization, query, browser)
    resident = await _signed_in(step)
    if resident is None:
        response = _sign_in_page(step)
    else:
        response = await _consent_page(step, resident)
    _set_cookie(step, response, BROWSER_COOKIE, browser, 2 * FORM_SECONDS)

    return response


async def sign_in(request: Request) -> Response:
    """``POST /oauth/authorize/sign-in``: sign in, then back to the request."""
    try:
        async with _read_form(request) as form:
            step = await _posted(request, form)
            identifier = _field(form, "username").strip()
            password = _field(form, "password")
    except Refused as refused:
        return _problem(refused)
    except AuthorizationRedirectError as error:
        return _redirect(error.location)

    if not identifier or not password:
        return _sign_in_page(
            step, status=400, username=identifier, error=_MISSING_CREDENTIALS
        )
    client = client_info(request)
    try:
        _, token = await step.services.accounts.log_in(
            identifier,
            password,
            client_address=client.address,
            user_agent=client.user_agent,
        )
    except LockerError as error:
        status = 429 if error.retry_after_seconds is not None else 400
        page = _sign_in_page(step, status=status, username=identifier, error=error)
        if error.retry_after_seconds is not None:
            page.headers["Retry-After"] = str(error.retry_after_seconds)
        return page

    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:
        await step.services.accounts.log_out(earlier)
    response = _redirect(f"/oauth/authorize?{step.query}")
    _set_cookie(step, response, SESSION_COOKIE, token, SIGNED_IN_SECONDS)

    return response


async def decide(request: Request) -> Response:
    """``POST /oauth/authorize/decision``: Allow or Deny, then back to the requester."""
    try:
        async with _read_form(request) as form:
            step = await _posted(request, form)
            decision = _field(form, "decision")
            documents = _fields(form, "document")
            forms = _fields(form, "form")
        resident = await _signed_in(step)
        if resident is None:
            return _sign_in_page(step, error=_SIGNED_OUT)
        if decision == "deny":
            return await _deny(step, resident)
        if decision == "allow":
            return await _allow(step, resident, documents, forms)
    except Refused as refused:
        return _problem(refused)
    except AuthorizationPageError as error:
        # ``approve`` validates again: the requester was switched off meanwhile.
        return _problem(Refused(400, "This request cannot be used", error.message))
    except AuthorizationRedirectError as error:
        return _redirect(error.location)

    return await _consent_page(
        step, resident, status=400, error="Choose Allow or Deny."
    )


# -- deciding ----------------------------------------------------------------


async def _allow(
    step: Step, resident: Resident, documents: list[str], forms: list[str]
) -> Response:
    """Grant what was chosen, among what was offered, and send the code back."""
    authorization, services = step.authorization, step.services
    offered = (await offer(services.registry, authorization, resident.account)).uris
    chosen = [uri for uri in offered if uri in documents]

    error: str | None = None
    if not set(documents) <= set(offered) or not set(forms) <= set(authorization.forms):
        error = "Choose only among the documents and forms listed."
    elif not chosen or not forms:
        error = "Choose at least one document and one form to share, or choose Deny."
    if error is not None:
        return await _consent_page(
            step, resident, status=400, error=error, chosen=(documents, forms)
        )

    try:
        consent = await services.consents.grant(
            resident.account,
            authorization.requester,
            purpose_code=authorization.purpose_code,
            documents=[(uri, forms) for uri in chosen],
            valid_for=authorization.valid_for,
            max_reads=authorization.max_reads,
        )
    except LockerError as refused:
        return await _consent_page(
            step, resident, status=400, error=refused.message, chosen=(chosen, forms)
        )
    location = await services.oauth.approve(
        authorization, account=resident.account, consent=consent
    )
    _log_decision(step, resident, "allow")

    return await _finish(step, resident, location)


async def _deny(step: Step, resident: Resident) -> Response:
    """Log the refusal in the resident's activity and send the error back."""
    authorization = step.authorization
    await step.services.consents.deny(
        resident.account,
        authorization.requester,
        purpose_code=authorization.purpose_code,
    )
    location = step.services.oauth.deny(authorization)
    _log_decision(step, resident, "deny")

    return await _finish(step, resident, location)


async def _finish(step: Step, resident: Resident, location: str) -> Response:
    """End the page's session and send the browser to the requester."""
    await step.services.accounts.log_out(resident.token)
    response = _redirect(location, form_target=step.authorization.redirect_uri)
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        secure=_secure(step.services),
        httponly=True,
        samesite="strict",
    )

    return response


def _log_decision(step: Step, resident: Resident, decision: str) -> None:
    logger.info(
        "Consent page decision",
        extra={
            "account_id": str(resident.account.id),
            "requester": step.authorization.requester.org_id,
            "decision": decision,
        },
    )


# -- the request, the form and the resident ----------------------------------


async def _validated(services: Services, query: str) -> AuthorizationRequest:
    """The authorization request in ``query``, as the server validates it.

    Raises ``Refused`` for one to show an error page for, and lets the
    server's ``AuthorizationRedirectError`` through.
    """
    try:
        parameters = _parameters(query)
        return await services.oauth.validate_authorization_request(parameters)
    except AuthorizationPageError as error:
        raise Refused(400, "This request cannot be shown", error.message) from error


def _parameters(query: str) -> dict[str, str]:
    """The query's parameters; a repeated one is refused (RFC 6749, 3.1)."""
    parameters: dict[str, str] = {}
    for name, value in QueryParams(query).multi_items():
        if name in parameters:
            raise AuthorizationPageError(
                f"The request gives the parameter {name!r} more than once; "
                "the site that sent you here made a mistake."
            )
        parameters[name] = value

    return parameters


async def _posted(request: Request, form: FormData) -> Step:
    """The step a POST continues, once its origin and CSRF token are checked."""
    services: Services = request.app.state.services
    check_origin(request, services.settings.base_url)
    query = _field(form, "authorization")
    browser = request.cookies.get(BROWSER_COOKIE, "")
    _seal(services).check(browser, query, _field(form, "csrf"))
    authorization = await _validated(services, query)

    return Step(services, request, authorization, query, browser)


async def _signed_in(step: Step) -> Resident | None:
    """The resident whose session this browser's page cookie holds, if any."""
    token = step.request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        account, _ = await step.services.accounts.authenticate(token)
    except (NotAuthenticated, SessionExpired):
        return None

    return Resident(account, token)


# -- pages -------------------------------------------------------------------

_MISSING_CREDENTIALS = "Enter your username (or mobile number) and your password."
_SIGNED_OUT = (
    "You were signed out of this page before you decided. Sign in again to "
    "see the request."
)


def _sign_in_page(
    step: Step,
    *,
    status: int = 200,
    username: str = "",
    error: LockerError | str | None = None,
) -> HTMLResponse:
    message = error.message if isinstance(error, LockerError) else error
    return _render(
        "sign_in.html",
        status,
        form_target=step.authorization.redirect_uri,
        requester_name=step.authorization.requester.name,
        action=SIGN_IN_ACTION,
        authorization=step.query,
        csrf=_new_form_token(step),
        username=username,
        error=message,
    )


async def _consent_page(
    step: Step,
    resident: Resident,
    *,
    status: int = 200,
    error: str | None = None,
    chosen: tuple[Iterable[str], Iterable[str]] | None = None,
) -> HTMLResponse:
    authorization = step.authorization
    offered = await offer(step.services.registry, authorization, resident.account)
    documents, forms = chosen or (offered.uris, authorization.forms)
    valid_until = step.services.clock.now() + authorization.valid_for

    return _render(
        "consent.html",
        status,
        form_target=authorization.redirect_uri,
        requester_name=authorization.requester.name,
        org_id=authorization.requester.org_id,
        purpose_text=authorization.purpose_text,
        username=resident.account.username,
        action=DECISION_ACTION,
        authorization=step.query,
        csrf=_new_form_token(step),
        documents=offered.documents,
        missing=offered.missing,
        forms=form_choices(authorization.forms),
        chosen_documents=set(documents),
        chosen_forms=set(forms),
        valid_until=local_time(valid_until),
        duration=valid_for_text(authorization.valid_for),
        reads=reads_text(authorization.max_reads),
        error=error,
    )


def _problem(refused: Refused) -> HTMLResponse:
    return _render(
        "problem.html",
        refused.status,
        form_target=None,
        title=refused.title,
        message=refused.message,
    )


def _render(
    template: str, status: int, *, form_target: str | None, **context: Any
) -> HTMLResponse:
    page = _TEMPLATES.get_template(template).render(
        stylesheet=Markup(_STYLESHEET),  # noqa: S704 - the project's own file
        **context,
    )
    return HTMLResponse(page, status_code=status, headers=_headers(form_target))


def _redirect(location: str, *, form_target: str | None = None) -> Response:
    """A 303 to ``location``, with the page's headers (no Referer leaves)."""
    headers = {**_headers(form_target), "Location": location}
    return Response(status_code=303, headers=headers)


def _set_cookie(
    step: Step, response: Response, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=_secure(step.services),
        httponly=True,
        samesite="strict",
    )


# -- small helpers -----------------------------------------------------------


def _new_form_token(step: Step) -> str:
    return _seal(step.services).token(step.browser, step.query)


def _seal(services: Services) -> FormSeal:
    return FormSeal(services.settings.secret_key.get_secret_value(), services.clock)


def _headers(form_target: str | None) -> dict[str, str]:
    return page_headers(style_source=_STYLE_SOURCE, form_target=form_target)


@asynccontextmanager
async def _read_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form; one the page could not have sent gets an error page."""
    try:
        async with request.form(max_files=0, max_fields=MOST_FIELDS) as form:
            yield form
    except (MultiPartException, HTTPException) as error:
        # Starlette turns a multipart refusal into a plain-text 400.
        raise _unreadable_form() from error


def _field(form: FormData, name: str) -> str:
    """A field the page sends once; sent twice, the form is not the page's."""
    values = form.getlist(name)
    if len(values) > 1:
        raise _unreadable_form()
    value = values[0] if values else ""
    return value if isinstance(value, str) else ""


def _unreadable_form() -> Refused:
    return Refused(
        400,
        "This form cannot be read",
        "The form was not sent as this page sends it. Go back to the "
        "application that sent you here and start again.",
    )


def _fields(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def _secure(services: Services) -> bool:
    return services.settings.base_url.startswith("https://")
