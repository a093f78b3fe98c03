"""The one kind of error a user can fix.

Each stage raises its own subclass (SourceError, GuideError, SpeechError...)
with a one-line message naming the file or option and the problem; the
command line prints any of them as one line and exits with code 2, without
importing every stage to know their names.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a missing tool, told in one line; never a bug in audioguide."""
