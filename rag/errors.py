"""Errors raised by the library; turned into messages only at the edges (cli.py, ui.py)."""


def listing(names: list[str], most: int) -> str:
    """"a, b, c and 4 more": the first `most` of `names`, and how many others, as a message lists them."""
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


class RagError(Exception):
    """Base class: the message is written for the user."""


class IndexProblem(RagError):
    """The index is missing, broken or stale; the message names the command that rebuilds it."""


class CannotWrite(IndexProblem):
    """The system refused a write (a full disk, a permission): nothing was changed. `why` says it without a path."""

    def __init__(self, message: str, why: str):
        self.why = why
        super().__init__(message)


class QueryError(RagError):
    """The query or its settings cannot be searched."""


class DocumentError(RagError):
    """A document cannot be read or parsed."""


class ModelError(RagError):
    """A model cannot be found or loaded."""


def install_command(extra: str) -> str:
    """The pip command that installs one of rag-quotes' extras (see pyproject.toml) into the project's own install:
    from its folder, never a package of that name from PyPI (the project is not published there)."""
    return f"pip install -e '.[{extra}]' (in the rag-quotes folder)"


class MissingExtra(RagError):
    """An optional part is not installed; the message names the pip command of its extra, e.g.
    "the chat needs Gradio: pip install -e '.[ui]' (in the rag-quotes folder)"."""

    def __init__(self, what: str, extra: str, missing: tuple[str, ...] | list[str] = ()):
        self.what, self.extra, self.missing = what, extra, tuple(missing)
        super().__init__(f"{what}: {install_command(extra)}")


class MissingModelPackages(MissingExtra, ModelError):
    """The summary model needs packages that are not installed. A ModelError too, so that whatever
    falls back when the summary model is unavailable (the extractive summary) does so here as well."""
