"""Aadhaar: linking a resident's number through an eKYC provider.

``ekyc`` holds the provider protocol and the sandbox provider; ``aadhaar``
holds ``IdentityService``, which links a verified number to an account.
"""
