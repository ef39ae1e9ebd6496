"""Residents' own files: starting an upload, changing, deleting and eSigning them.

The bytes themselves do not go through GraphQL: ``startUpload`` reserves the
space and answers with the URL to ``PUT`` them to (see ``web/uploads.py``).
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import uploads
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import OtpSent
from schema.types.uploads import (
    DocumentEsigned,
    StartUploadInput,
    StorageUsage,
    UpdateUploadInput,
    UploadDeleted,
    UploadedDocument,
    UploadStarted,
    UploadUpdated,
)

StartUploadResult = Annotated[
    UploadStarted | Problem,
    strawberry.union("StartUploadResult", description="Space reserved, or why not."),
]

UpdateUploadResult = Annotated[
    UploadUpdated | Problem,
    strawberry.union("UpdateUploadResult", description="File changed, or why not."),
]

DeleteUploadResult = Annotated[
    UploadDeleted | Problem,
    strawberry.union("DeleteUploadResult", description="File deleted, or why not."),
]

RequestEsignResult = Annotated[
    OtpSent | Problem,
    strawberry.union("RequestEsignResult", description="OTP sent, or why not."),
]

ConfirmEsignResult = Annotated[
    DocumentEsigned | Problem,
    strawberry.union("ConfirmEsignResult", description="Copy signed, or why not."),
]

UploadId = Annotated[strawberry.ID, strawberry.argument(description="The file's `id`.")]


@strawberry.type(description="The signed-in resident's own files.")
class UploadMutations:
    @strawberry.mutation(
        description="Upload a file, step 1: check its name and size and reserve "
        "the space; then send the bytes as `UploadStarted` says."
    )
    async def start_upload(
        self,
        info: Info[LockerContext, None],
        input: Annotated[
            StartUploadInput, strawberry.argument(description="The file to come.")
        ],
    ) -> StartUploadResult:
        return await outcome(
            uploads.start_upload(
                info.context,
                name=input.name,
                size=input.size,
                folder=input.folder,
                description=input.description,
                doc_type=input.doc_type,
            ),
            UploadStarted.of,
        )

    @strawberry.mutation(
        description="Rename a file, move it to another folder, or change its "
        "description or doc type."
    )
    async def update_upload(
        self,
        info: Info[LockerContext, None],
        id: UploadId,
        input: Annotated[
            UpdateUploadInput, strawberry.argument(description="What to change.")
        ],
    ) -> UpdateUploadResult:
        return await outcome(
            uploads.update_upload(
                info.context,
                id,
                name=input.name,
                folder=input.folder,
                description=input.description,
                doc_type=input.doc_type,
                clear_doc_type=input.clear_doc_type,
            ),
            lambda document: UploadUpdated(document=UploadedDocument.of(document)),
        )

    @strawberry.mutation(
        description="Delete a file for good and give its space back. Its "
        "eSigned copies stay."
    )
    async def delete_upload(
        self,
        info: Info[LockerContext, None],
        id: UploadId,
    ) -> DeleteUploadResult:
        return await outcome(
            uploads.delete_upload(info.context, id),
            lambda deleted: UploadDeleted(
                id=strawberry.ID(deleted[0]), storage=StorageUsage.of(deleted[1])
            ),
        )

    @strawberry.mutation(
        description="eSign a file as self-attested, step 1: send an OTP to the "
        "registered mobile. Needs a linked Aadhaar: the signature carries the "
        "verified name."
    )
    async def request_esign(
        self,
        info: Info[LockerContext, None],
        id: UploadId,
    ) -> RequestEsignResult:
        return await outcome(uploads.request_esign(info.context, id), OtpSent.of)

    @strawberry.mutation(
        description="eSign a file, step 2: the OTP. A signed PDF copy (an image "
        "becomes a PDF first) is stored as a new file, counted in the storage; "
        "the original is kept."
    )
    async def confirm_esign(
        self,
        info: Info[LockerContext, None],
        challenge_id: Annotated[
            strawberry.ID, strawberry.argument(description="From `requestEsign`.")
        ],
        otp: Annotated[
            str, strawberry.argument(description="The 6-digit OTP sent to the mobile.")
        ],
    ) -> ConfirmEsignResult:
        return await outcome(
            uploads.confirm_esign(info.context, challenge_id, otp),
            lambda signed: DocumentEsigned(
                document=UploadedDocument.of(signed[0]),
                original=UploadedDocument.of(signed[1]) if signed[1] else None,
            ),
        )
