"""Thin functions behind GraphQL fields: who is asking, may they, call a service.

Resolvers answer domain objects (models and service results) and raise the
services' errors; the schema layer wraps both into GraphQL types.
"""
