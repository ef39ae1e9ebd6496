"""Tools for issuers writing an adapter.

- ``adapters.kit.calls`` and ``adapters.kit.network``: how the contract suite
  (``adapters.sdk.contract``, beside the SDK adapter packages import) calls
  an adapter, and the guard that keeps those calls off the network;
- ``adapters.kit.scaffold``: the new adapter package behind ``python -m cli
  new-adapter``, written from the templates in ``templates/``.

The calls and the contract import pytest: they are for tests only.
"""
