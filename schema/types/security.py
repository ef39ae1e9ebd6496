"""Recovery, account changes, sessions, the security log and closing an account."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from models import ClosedAccount, OtpChallenge
from models import SecurityEvent as SecurityEventRow
from schema.types.documents import PageInfo
from services.crypto import mask_mobile
from services.security_events import EventPage
from services.security_events import SecurityEventKind as Kind
from services.sessions import SessionView


@strawberry.type(
    description="If the account exists, an OTP is on its way to its registered "
    "mobile. The answer is the same when it does not, so it says nothing about "
    "who has an account; a code for an unknown one is simply never right."
)
class RecoveryCodeSent:
    challenge_id: strawberry.ID = strawberry.field(
        description="Send back with the OTP in the next step."
    )
    expires_at: datetime = strawberry.field(description="When the OTP stops working.")

    @classmethod
    def of(cls, challenge: OtpChallenge) -> RecoveryCodeSent:
        return cls(
            challenge_id=strawberry.ID(str(challenge.id)),
            expires_at=challenge.expires_at,
        )


@strawberry.type(description="The OTP was right: this is the account's username.")
class UsernameRecovered:
    username: str = strawberry.field(description="Sign in with this username.")


@strawberry.type(
    description="The new password is set and every session of the account was "
    "signed out; sign in with the new password."
)
class PasswordReset:
    signed_out_sessions: int = strawberry.field(
        description="How many sessions were signed out."
    )


@strawberry.type(
    description="The new password is set; this session stays signed in, every "
    "other one was signed out."
)
class PasswordChanged:
    signed_out_sessions: int = strawberry.field(
        description="How many other sessions were signed out."
    )


@strawberry.type(
    description="An OTP is on its way to the current mobile number and another "
    "to the new one; confirm with both."
)
class MobileChangeStarted:
    challenge_id: strawberry.ID = strawberry.field(
        description="Send back with both OTPs to `confirmMobileChange`."
    )
    current_mobile_sent_to: str = strawberry.field(
        description="The current mobile number, masked."
    )
    new_mobile_sent_to: str = strawberry.field(
        description="The new mobile number, masked."
    )
    expires_at: datetime = strawberry.field(description="When the OTPs stop working.")

    @classmethod
    def of(cls, current: OtpChallenge, new: OtpChallenge) -> MobileChangeStarted:
        return cls(
            challenge_id=strawberry.ID(str(current.id)),
            current_mobile_sent_to=mask_mobile(current.mobile),
            new_mobile_sent_to=mask_mobile(new.mobile),
            expires_at=min(current.expires_at, new.expires_at),
        )


@strawberry.type(
    description="The account's mobile number changed; this session stays signed "
    "in, every other one was signed out."
)
class MobileChanged:
    mobile: str = strawberry.field(description="The new mobile number.")
    signed_out_sessions: int = strawberry.field(
        description="How many other sessions were signed out."
    )


@strawberry.type(
    name="Session",
    description="A signed-in session of the resident: one browser or app.",
)
class SessionInfo:
    id: strawberry.ID = strawberry.field(description="Pass to `endSession`.")
    created_at: datetime = strawberry.field(description="When it signed in.")
    last_seen_at: datetime = strawberry.field(
        description="Its latest request (to within a few seconds)."
    )
    expires_at: datetime = strawberry.field(
        description="When it ends at the latest, however busy."
    )
    client_address: str = strawberry.field(
        description="The network address it signed in from."
    )
    user_agent: str = strawberry.field(
        description="The browser or app it signed in with, as it named itself."
    )
    is_current: bool = strawberry.field(
        description="True for the session making this request."
    )
    active: bool = strawberry.field(
        description="False once it was signed out, timed out or outlived its lifetime."
    )
    ended_at: datetime | None = strawberry.field(
        description="When it stopped working; null while active."
    )

    @classmethod
    def of(cls, view: SessionView) -> SessionInfo:
        session = view.session
        return cls(
            id=strawberry.ID(str(session.id)),
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            client_address=session.client_address,
            user_agent=session.user_agent,
            is_current=view.is_current,
            active=view.active,
            ended_at=view.ended_at,
        )


@strawberry.type(description="The session was signed out; its token no longer works.")
class SessionEnded:
    session: SessionInfo = strawberry.field(description="The session, now ended.")


@strawberry.type(description="Every other session was signed out.")
class OtherSessionsEnded:
    signed_out_sessions: int = strawberry.field(
        description="How many sessions were signed out."
    )


@strawberry.enum(
    name="SecurityEventKind", description="What happened to the account's security."
)
class SecurityEventKindValue(enum.Enum):
    SIGNED_UP = strawberry.enum_value(
        Kind.SIGNED_UP.value, description="The account was created."
    )
    LOGGED_IN = strawberry.enum_value(
        Kind.LOGGED_IN.value, description="Someone signed in with the password."
    )
    LOGIN_FAILED = strawberry.enum_value(
        Kind.LOGIN_FAILED.value, description="A sign-in with a wrong password."
    )
    LOCKED_OUT = strawberry.enum_value(
        Kind.LOCKED_OUT.value,
        description="Sign-ins were paused after too many wrong passwords.",
    )
    PASSWORD_CHANGED = strawberry.enum_value(
        Kind.PASSWORD_CHANGED.value,
        description="The password was changed from a signed-in session.",
    )
    PASSWORD_RESET = strawberry.enum_value(
        Kind.PASSWORD_RESET.value,
        description="The password was reset with an OTP to the mobile.",
    )
    USERNAME_RECOVERED = strawberry.enum_value(
        Kind.USERNAME_RECOVERED.value,
        description="The username was shown after an OTP to the mobile.",
    )
    MOBILE_CHANGED = strawberry.enum_value(
        Kind.MOBILE_CHANGED.value, description="The mobile number was changed."
    )
    AADHAAR_LINKED = strawberry.enum_value(
        Kind.AADHAAR_LINKED.value, description="An Aadhaar number was linked."
    )
    SESSION_ENDED = strawberry.enum_value(
        Kind.SESSION_ENDED.value, description="One session was signed out."
    )
    OTHER_SESSIONS_ENDED = strawberry.enum_value(
        Kind.OTHER_SESSIONS_ENDED.value,
        description="Every session but one was signed out.",
    )


@strawberry.type(description="Something that happened to the account's security.")
class SecurityEvent:
    kind: SecurityEventKindValue = strawberry.field(description="What happened.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    client_address: str = strawberry.field(
        description="The network address of the request, if there was one."
    )
    user_agent: str = strawberry.field(
        description="The browser or app of the request, as it named itself."
    )
    detail: str = strawberry.field(description="More about it, in words.")

    @classmethod
    def of(cls, row: SecurityEventRow) -> SecurityEvent:
        return cls(
            kind=SecurityEventKindValue(row.kind),
            occurred_at=row.created_at,
            client_address=row.client_address,
            user_agent=row.user_agent,
            detail=row.detail,
        )


@strawberry.type(description="A security event and its place in the list.")
class SecurityEventEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue here.")
    node: SecurityEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of security events, newest first.")
class SecurityEventConnection:
    edges: list[SecurityEventEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(description="Events in the log.")

    @classmethod
    def of(cls, page: EventPage) -> SecurityEventConnection:
        return cls(
            edges=[
                SecurityEventEdge(cursor=cursor, node=SecurityEvent.of(row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=page.end_cursor
            ),
            total_count=page.total_count,
        )


@strawberry.type(
    description="The account is closed and its data deleted; its session token "
    "no longer works. The mobile number can sign up again."
)
class AccountClosed:
    closed_at: datetime = strawberry.field(description="When it was closed.")

    @classmethod
    def of(cls, closed: ClosedAccount) -> AccountClosed:
        return cls(closed_at=closed.closed_at)
