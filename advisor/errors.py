"""The one base class of errors a user can cause or fix.

A bad question, an unreadable document, a missing model file, an index that needs
``advisor doctor``: each interface shows these as one clear line (the CLI as
``Error: …`` with exit status 2, the web UI as a message in the page) and never as a
traceback. Anything else that escapes is a defect and keeps its traceback.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """An error whose message tells the user what went wrong and what to do."""
