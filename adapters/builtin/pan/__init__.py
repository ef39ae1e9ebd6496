"""The built-in income-tax issuer: PAN verification records (``in.gov.pan``).

The department is simulated from sample records in its own answer formats
(``data/``); see ``department`` for the formats and ``adapter`` for how its
answers become documents.
"""

from adapters.builtin.pan.adapter import PanAdapter

__all__ = ["PanAdapter"]
