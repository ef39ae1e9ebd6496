"""The end-to-end demo: a resident's whole journey against a running server."""
