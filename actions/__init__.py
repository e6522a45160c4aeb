"""Rasa SDK action server: the actions that decide what to show, calling `knowledge` in-process.

Start with `python -m rasa_sdk --actions actions`. Importing does no I/O: the index and the
catalogue load on the first action that needs them (knowledge.search.get_searcher).
"""
