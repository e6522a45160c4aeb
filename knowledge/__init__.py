"""Alle Døre knowledge base: policies and services, searchable in everyday Danish.

Importing this package does no I/O; the index loads on first use (see `search.get_searcher`).
"""
