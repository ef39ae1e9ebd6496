"""Measurements of the locker against its targets, run by hand, not by the suite.

``python -m bench`` runs the upload benchmark (``bench.uploads``, on sample
scans from ``bench.samples``); see ``bench.__main__`` for its options and what
it prints.
"""
