"""The DigiLocker-protocol test issuer's fixtures, for the contract run over it."""

from tests.adapters.digilocker.conftest import (  # noqa: F401 - fixtures, shared
    board,
    board_signer,
    board_url,
    make_config,
)
