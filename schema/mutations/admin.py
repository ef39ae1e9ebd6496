"""What the locker's operator does: register requesters (admin token only)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import admin
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.requesters import (
    RegisterRequesterInput,
    Requester,
    RequesterRegistered,
)
from services.requesters import Purpose

RegisterRequesterResult = Annotated[
    RequesterRegistered | Problem,
    strawberry.union(
        "RegisterRequesterResult", description="The requester registered, or why not."
    ),
]


@strawberry.type(
    description="The operator's mutations; each needs `Authorization: Bearer "
    "<LOCKER_ADMIN_TOKEN>` and answers `NOT_AUTHENTICATED` without it."
)
class AdminMutations:
    @strawberry.mutation(
        description="Register a requester (operator only). A requester without "
        "`jwks` gets a client secret, shown in the answer this once."
    )
    async def register_requester(
        self,
        info: Info[LockerContext, None],
        input: Annotated[
            RegisterRequesterInput,
            strawberry.argument(
                description="Who the requester is and what it may ask."
            ),
        ],
    ) -> RegisterRequesterResult:
        return await outcome(
            admin.register_requester(
                info.context,
                org_id=input.org_id,
                name=input.name,
                redirect_uris=input.redirect_uris,
                purposes=[Purpose(code=p.code, text=p.text) for p in input.purposes],
                doc_types=input.doc_types,
                jwks=input.jwks,
            ),
            lambda registered: RequesterRegistered(
                requester=Requester.of(registered[0]), client_secret=registered[1]
            ),
        )
