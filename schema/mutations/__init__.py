"""The root mutation, composed of one class of mutations per domain."""

from __future__ import annotations

import strawberry

from schema.mutations.accounts import AccountMutations
from schema.mutations.documents import DocumentMutations
from schema.mutations.identity import IdentityMutations


@strawberry.type(description="What can be done.")
class Mutation(AccountMutations, IdentityMutations, DocumentMutations):
    pass
