"""One exception type for every problem a user can fix.

The CLI and the app print ``str(error)`` as a single line; anything that is
not a ``LocworkError`` is a bug and keeps its traceback.
"""


class LocworkError(Exception):
    """A problem with the user's input or set-up, explained in one line."""
