"""The GraphQL schema: types, the root query and mutation, security extensions."""

from schema.build import SDL_PATH, build_schema

__all__ = ["SDL_PATH", "build_schema"]
