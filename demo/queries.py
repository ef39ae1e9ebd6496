"""The GraphQL documents the demo sends, as a frontend would write them."""

from __future__ import annotations

PROBLEM = "... on Problem { code message field }"

ISSUERS = """
query Issuers {
  issuers {
    id name certificate
    docTypes { code name lookupFields { name label example pattern } }
  }
}
"""

START_SIGN_UP = f"""
mutation StartSignUp($mobile: String!) {{
  startSignUp(mobile: $mobile) {{ ... on OtpSent {{ challengeId sentTo }} {PROBLEM} }}
}}
"""

VERIFY_SIGN_UP = f"""
mutation VerifySignUp($challengeId: ID!, $otp: String!) {{
  verifySignUp(challengeId: $challengeId, otp: $otp) {{
    ... on OtpVerified {{ challengeId }} {PROBLEM}
  }}
}}
"""

COMPLETE_SIGN_UP = f"""
mutation CompleteSignUp($challengeId: ID!, $username: String!, $password: String!) {{
  completeSignUp(challengeId: $challengeId, username: $username, password: $password) {{
    ... on SignedUp {{ username }} {PROBLEM}
  }}
}}
"""

LOG_IN = f"""
mutation LogIn($identifier: String!, $password: String!) {{
  logIn(identifier: $identifier, password: $password) {{
    ... on SessionStarted {{ token expiresAt idleTimeoutSeconds }} {PROBLEM}
  }}
}}
"""

START_AADHAAR_LINK = f"""
mutation StartAadhaarLink($aadhaar: String!) {{
  startAadhaarLink(aadhaar: $aadhaar) {{
    ... on AadhaarOtpSent {{ transactionId sentTo }} {PROBLEM}
  }}
}}
"""

CONFIRM_AADHAAR_LINK = f"""
mutation ConfirmAadhaarLink($transactionId: ID!, $otp: String!) {{
  confirmAadhaarLink(transactionId: $transactionId, otp: $otp) {{
    ... on AadhaarLinked {{
      resident {{ aadhaar verifiedIdentity {{ name dateOfBirth gender }} }}
    }}
    {PROBLEM}
  }}
}}
"""

PULL_DOCUMENT = f"""
mutation PullDocument(
  $issuerId: String!, $docType: String!, $lookup: [LookupValue!]!
) {{
  pullDocument(issuerId: $issuerId, docType: $docType, lookup: $lookup) {{
    ... on DocumentPulled {{ alreadyInLocker document {{ uri name }} }} {PROBLEM}
  }}
}}
"""

MY_LOCKER = f"""
query MyLocker($after: String) {{
  me {{
    ... on Resident {{
      username
      issuedDocuments(first: 10, after: $after) {{
        totalCount
        pageInfo {{ hasNextPage endCursor }}
        edges {{ node {{ uri name issuerId pulledAt }} }}
      }}
    }}
    {PROBLEM}
  }}
}}
"""

DOCUMENT = f"""
query Document($uri: String!) {{
  document(uri: $uri) {{
    ... on IssuedDocument {{
      uri
      name
      issuer {{ name }}
      content {{
        ... on DocumentContent {{ status holderName xml pdf {{ url expiresAt }} }}
        {PROBLEM}
      }}
    }}
    {PROBLEM}
  }}
}}
"""

LOG_OUT = f"""
mutation LogOut {{ logOut {{ ... on LoggedOut {{ ok }} {PROBLEM} }} }}
"""

UPLOAD_FIELDS = """
id name description docType folder size contentType sha256 pages createdAt updatedAt
selfAttestation { signerName signedAt }
"""

START_UPLOAD = f"""
mutation StartUpload($input: StartUploadInput!) {{
  startUpload(input: $input) {{
    ... on UploadStarted {{
      upload {{ id name folder size }} uploadUrl method expiresAt maxBytes
    }}
    {PROBLEM}
  }}
}}
"""

MY_UPLOADS = f"""
query MyUploads(
  $first: Int = 20, $after: String, $folder: String, $docType: String,
  $contentType: String, $selfAttested: Boolean, $nameContains: String
) {{
  me {{
    ... on Resident {{
      uploads(
        first: $first, after: $after, folder: $folder, docType: $docType,
        contentType: $contentType, selfAttested: $selfAttested,
        nameContains: $nameContains
      ) {{
        totalCount
        pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor node {{ {UPLOAD_FIELDS} }} }}
      }}
      uploadFolders
      storage {{ usedBytes quotaBytes availableBytes maxFileBytes }}
    }}
    {PROBLEM}
  }}
}}
"""

MY_UPLOAD = f"""
query MyUpload($id: ID!, $inline: Boolean = false) {{
  me {{
    ... on Resident {{
      upload(id: $id) {{
        ... on UploadedDocument {{
          {UPLOAD_FIELDS}
          signedFrom {{ id name }}
          downloadUrl(inline: $inline) {{ url expiresAt }}
          signature {{
            ... on SignatureCheck {{
              valid signerName signedAt reasons intact trusted
              coversWholeDocument signatureCount
            }}
            {PROBLEM}
          }}
        }}
        {PROBLEM}
      }}
    }}
    {PROBLEM}
  }}
}}
"""

UPDATE_UPLOAD = f"""
mutation UpdateUpload($id: ID!, $input: UpdateUploadInput!) {{
  updateUpload(id: $id, input: $input) {{
    ... on UploadUpdated {{ document {{ {UPLOAD_FIELDS} }} }}
    {PROBLEM}
  }}
}}
"""

DELETE_UPLOAD = f"""
mutation DeleteUpload($id: ID!) {{
  deleteUpload(id: $id) {{
    ... on UploadDeleted {{ id storage {{ usedBytes availableBytes }} }}
    {PROBLEM}
  }}
}}
"""

REQUEST_ESIGN = f"""
mutation RequestEsign($id: ID!) {{
  requestEsign(id: $id) {{
    ... on OtpSent {{ challengeId sentTo expiresAt }} {PROBLEM}
  }}
}}
"""

CONFIRM_ESIGN = f"""
mutation ConfirmEsign($challengeId: ID!, $otp: String!) {{
  confirmEsign(challengeId: $challengeId, otp: $otp) {{
    ... on DocumentEsigned {{
      document {{ {UPLOAD_FIELDS} signedFrom {{ id }} }}
      original {{ id name }}
    }}
    {PROBLEM}
  }}
}}
"""

LOCKER_CERTIFICATE_AUTHORITY = "query LockerCA { lockerCertificateAuthority }"
