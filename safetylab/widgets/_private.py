"""A learner's own photo, held privately while a lesson looks at it.

The photo's bytes go to a fresh temporary folder that only this user can read
(``mkdtemp`` makes it 0700). The folder is deleted by :meth:`PrivateCopy.forget`,
when the object is garbage-collected, and at the latest when the kernel exits,
so a photo does not linger on a shared computer. Widgets that accept uploads
use this and also empty their upload widget at once, so the bytes never stay in
widget state that a saved lesson might keep (the widget only keeps "one file chosen",
so its button does not read "(0)" after an upload).

What this does not protect against: a copy the learner chooses to save (a clean
copy, a policy) is kept on purpose, and the computer's own backups are out of reach.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["PrivateCopy", "take_upload", "clear_upload", "CHOSEN"]


class PrivateCopy:
    """One private temporary copy of a learner's file."""

    def __init__(self, name: str, content: bytes):
        folder = tempfile.mkdtemp(prefix="safetylab-")
        self.folder = Path(folder)
        self.path = self.folder / (Path(name).name or "photo")
        self._cleanup = weakref.finalize(self, shutil.rmtree, folder, True)  # also at exit
        self.path.write_bytes(content)

    def forget(self) -> None:
        """Delete the copy now."""
        self._cleanup()

    @property
    def exists(self) -> bool:
        return self.path.exists()


#: What an upload widget holds once its file was taken: no name, no bytes, only "one file
#: chosen", so the button reads "Choose a photo (1)" (the front end adds the count).
CHOSEN = {"name": "", "type": "", "size": 0, "content": memoryview(b""),
          "last_modified": datetime.fromtimestamp(0, tz=timezone.utc)}


def take_upload(upload, change) -> tuple[str, bytes] | None:
    """``(name, bytes)`` of a newly uploaded file; the widget keeps neither, only that one was chosen.

    Returns None when there is nothing new (the widget emptied, or holding :data:`CHOSEN`).
    """
    files = change["new"]
    if not files:
        return None
    item = files[0]
    if not item.get("name") and not len(item.get("content") or b""):
        return None  # our own "one file chosen"
    name, content = item["name"], bytes(item["content"])
    upload.value = (dict(CHOSEN),)  # the photo's bytes and name do not stay in the widget
    return name, content


def clear_upload(upload) -> None:
    """Back to "nothing chosen" (the button reads "(0)" again)."""
    if upload.value:
        upload.value = ()
