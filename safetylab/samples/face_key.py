"""The samples of lesson 01, "Your face is a search key".

A public-domain portrait (Rear Admiral Grace Hopper, a U.S. Navy photograph that
Matplotlib ships) plays a public profile picture, and two photos "sent in a chat"
are made from it: the same picture come back as a screenshot (cropped and
recompressed), and a different picture of the same face. The cutting and
changing is done by :mod:`safetylab.linking`, the same code the lesson runs. The
profile and the chat are fictional; Grace Hopper never had such an account.

What this does *not* cover: how real face-search services work inside; the
lesson shows the idea with one face and two searches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import writers
from .registry import Sample, builder

__all__ = ["LESSON", "samples", "make_face_profile_picture", "make_face_sent_same_photo",
           "make_face_sent_another_photo"]

#: The folder of the lesson "Your face is a search key".
LESSON = "01_your_face_is_a_search_key"

_FACE_KEY_CREDIT = (
    "Portrait of Rear Admiral Grace M. Hopper, U.S. Navy photograph, public domain; shipped with "
    "Matplotlib (grace_hopper.jpg). Cut and changed by safetylab's own code (the changes: CC0). "
    "The profile and the chat are fictional.")


@builder
def make_face_profile_picture(path: Path) -> None:
    """The public profile picture: a close head shot cut from the portrait."""
    from .. import linking

    writers.save_jpeg(linking.original_photo("grace_hopper"), path)


@builder
def make_face_sent_same_photo(path: Path) -> None:
    """The profile picture come back in a chat: screenshotted, cropped, recompressed."""
    from .. import linking

    writers.save_jpeg(linking.reused_photo(linking.original_photo("grace_hopper")), path)


@builder
def make_face_sent_another_photo(path: Path) -> None:
    """A different picture of the same face: other framing, light, colour and tilt."""
    from .. import linking

    writers.save_jpeg(linking.another_photo("grace_hopper"), path)


def samples() -> list[Sample]:
    """Every sample of this lesson, with its ground truth (nothing is drawn until a builder runs)."""
    out: list[Sample] = []
    L = LESSON

    def face_sample(name: str, description: str, make: Callable[[Path], None], width: int,
                    height: int, links_by: list[str], title: str) -> None:
        out.append(Sample(
            name, L, description, make, title=title, credit=_FACE_KEY_CREDIT,
            licence="LicenseRef-public-domain", owner=None, landmark=None,
            expected=dict(format="JPEG", width=width, height=height, blocks=[], people=[],
                          thumbnail_present=False, faces=1, links_to="public_profile_picture.jpg",
                          links_by=links_by),
        ))

    face_sample("public_profile_picture.jpg",
                "A public profile picture: a close head shot, as most profile pictures are.",
                make_face_profile_picture, 300, 300, ["same picture", "same face"], "public profile picture")
    face_sample("sent_in_chat_same_photo.jpg",
                "The same picture sent in a chat as a screenshot, cropped a little and "
                "recompressed: a same-picture search still finds the profile.",
                make_face_sent_same_photo, 216, 308, ["same picture", "same face"],
                "photo sent in a chat, same picture")
    face_sample("sent_in_chat_another_photo.jpg",
                "A different picture of the same face (other framing, light and colour): "
                "only a face search links it to the profile.",
                make_face_sent_another_photo, 320, 360, ["same face"],
                "photo sent in a chat, another photo")
    return out
