"""Settings and logging set-up: the only layer that knows the environment."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
