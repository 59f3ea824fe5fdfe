"""Errors raised by the library; turned into messages only at the edges (cli.py, ui.py)."""


class RagError(Exception):
    """Base class: the message is written for the user."""


class IndexProblem(RagError):
    """The index is missing, broken or stale; the message names the command that rebuilds it."""


class QueryError(RagError):
    """The query or its settings cannot be searched."""


class DocumentError(RagError):
    """A document cannot be read or parsed."""


class ModelError(RagError):
    """A model cannot be found or loaded."""
