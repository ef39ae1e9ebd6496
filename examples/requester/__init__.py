"""An example requester: reads documents a resident shared, over OAuth 2.0."""
