"""The one error type the knowledge base raises for bad data or a bad index."""


class KnowledgeError(Exception):
    """A problem a person can fix: the message says which file, record or field."""
