"""The one registry of issuer adapters.

Adapters come from two places: the built-in list below and every installed
package that declares an entry point in the ``openlocker.adapters`` group::

    [project.entry-points."openlocker.adapters"]
    "in.gov.example" = "example_adapter:ExampleAdapter"

An entry point names an ``IssuerAdapter`` subclass (constructed with no
arguments) or a ready instance. Two different adapters that claim one issuer id
are refused at start with a message naming both, so a misconfigured deployment
never serves the wrong issuer.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points

from adapters.sdk.base import IssuerAdapter

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "openlocker.adapters"

BUILTIN_ADAPTERS = (
    "adapters.builtin.cbse:CbseAdapter",
    "adapters.builtin.transport:TransportAdapter",
    "adapters.builtin.pan:PanAdapter",
)


class RegistryError(Exception):
    """The adapters cannot be loaded as configured."""


def _load_target(target: str) -> object:
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def _instantiate(loaded: object, origin: str) -> IssuerAdapter:
    if isinstance(loaded, IssuerAdapter):
        return loaded
    if isinstance(loaded, type) and issubclass(loaded, IssuerAdapter):
        return loaded()
    raise RegistryError(
        f"{origin} should name an IssuerAdapter subclass or instance, got {loaded!r}"
    )


class AdapterRegistry:
    """Issuer adapters by issuer id."""

    def __init__(self, adapters: Iterable[tuple[IssuerAdapter, str]] = ()) -> None:
        self._adapters: dict[str, IssuerAdapter] = {}
        self._origins: dict[str, str] = {}
        for adapter, origin in adapters:
            self.add(adapter, origin=origin)

    def add(self, adapter: IssuerAdapter, *, origin: str) -> None:
        """Register ``adapter``; ``RegistryError`` if its issuer id is taken."""
        issuer_id = adapter.issuer_id
        existing = self._adapters.get(issuer_id)
        if existing is not None:
            if type(existing) is type(adapter):
                return
            raise RegistryError(
                f"two adapters claim issuer id {issuer_id!r}: "
                f"{self._origins[issuer_id]} and {origin}; uninstall one of them"
            )
        self._adapters[issuer_id] = adapter
        self._origins[issuer_id] = origin

    def get(self, issuer_id: str) -> IssuerAdapter | None:
        return self._adapters.get(issuer_id)

    def __iter__(self) -> Iterator[IssuerAdapter]:
        return iter(sorted(self._adapters.values(), key=lambda a: a.issuer_id))

    def __len__(self) -> int:
        return len(self._adapters)

    @classmethod
    def discover(cls, *, builtins: Iterable[str] = BUILTIN_ADAPTERS) -> AdapterRegistry:
        """Load the built-in adapters, then every installed entry point."""
        registry = cls()
        for target in builtins:
            registry.add(_instantiate(_load_target(target), target), origin=target)

        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            origin = f"entry point {entry_point.name!r} ({entry_point.value})"
            try:
                loaded = entry_point.load()
            except Exception as error:
                raise RegistryError(f"cannot load {origin}: {error}") from error
            registry.add(_instantiate(loaded, origin), origin=origin)

        logger.info(
            "Loaded %d issuer adapters: %s",
            len(registry),
            ", ".join(adapter.issuer_id for adapter in registry),
        )
        return registry
