"""What the signed-in resident does about the consents they gave requesters."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import consents
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.consents import Consent, ConsentRevoked

RevokeConsentResult = Annotated[
    ConsentRevoked | Problem,
    strawberry.union("RevokeConsentResult", description="Consent revoked, or why not."),
]


@strawberry.type(description="The signed-in resident's consents.")
class ConsentMutations:
    @strawberry.mutation(
        description="Revoke a consent now: the requester's very next read under "
        "it is refused. The resident gets a text message about it."
    )
    async def revoke_consent(
        self,
        info: Info[LockerContext, None],
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The consent's `id`.")
        ],
    ) -> RevokeConsentResult:
        return await outcome(
            consents.revoke_consent(info.context, id),
            lambda consent: ConsentRevoked(consent=Consent.of(consent)),
        )
