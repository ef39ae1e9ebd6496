"""The domain: accounts, identity, the locker and its documents.

Free of GraphQL and HTTP; resolvers call these services and map their results.
"""
