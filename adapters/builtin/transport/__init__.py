"""The built-in transport issuer: driving licences (Sarathi), registrations (Vahan)."""

from adapters.builtin.transport.adapter import TransportAdapter

__all__ = ["TransportAdapter"]
