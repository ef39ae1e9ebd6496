"""The root mutation, composed of one class of mutations per domain."""

from __future__ import annotations

import strawberry

from schema.mutations.accounts import AccountMutations
from schema.mutations.admin import AdminMutations
from schema.mutations.consents import ConsentMutations
from schema.mutations.documents import DocumentMutations
from schema.mutations.identity import IdentityMutations
from schema.mutations.issuers import IssuerMutations
from schema.mutations.recovery import RecoveryMutations
from schema.mutations.security import SecurityMutations
from schema.mutations.uploads import UploadMutations


@strawberry.type(description="What can be done.")
class Mutation(
    AccountMutations,
    RecoveryMutations,
    SecurityMutations,
    IdentityMutations,
    DocumentMutations,
    UploadMutations,
    AdminMutations,
    ConsentMutations,
    IssuerMutations,
):
    pass
