"""Residents' own uploaded files: intake, quota, storage, eSign."""
