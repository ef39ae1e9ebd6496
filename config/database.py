"""The Tortoise ORM configuration for the settings in force."""

from __future__ import annotations

from typing import Any

from config.settings import Settings, get_settings


def tortoise_config(settings: Settings | None = None) -> dict[str, Any]:
    """Tortoise's config dict: one app, ``models``, with its migrations."""
    settings = settings or get_settings()
    return {
        "connections": {"default": settings.db_url},
        "apps": {
            "models": {
                "models": ["models"],
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the ``tortoise`` command: ``tortoise -c config.database.TORTOISE_ORM``.
TORTOISE_ORM = tortoise_config()
