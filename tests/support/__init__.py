"""Helpers shared by test folders: a real server process, and what drives it."""
