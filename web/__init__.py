"""The HTTP face of the locker: the GraphQL view, plain routes, request limits."""
