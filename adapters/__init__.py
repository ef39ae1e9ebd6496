"""Issuer adapters: the SDK an issuer builds on, and the built-in issuers.

An adapter knows nothing of the database, GraphQL or other adapters; it imports
only ``config``.
"""
