"""Deterministic generation of everything in ``sample_images/``.

Every picture the lessons use is made here, from code, with Pillow and numpy:
simple, pleasant scenes (a landmark against the sky, a front door, a cafe table,
a chat on a phone) and metadata written on purpose, so that a trainer can show
exactly what a file gives away and a test can check it against known ground
truth. Nothing here is a photograph of a real person (lesson 01's public-domain
portrait aside); the owners are fictional and the only real places are the
public coordinates of well-known landmarks.

The package, by topic:

- :mod:`~safetylab.samples.registry`: what a :class:`Sample` is (file, lesson,
  credit, ground truth), the :data:`LANDMARKS`, and :func:`collect`;
- :mod:`~safetylab.samples.writers`: the metadata written on purpose (EXIF, XMP,
  PNG times); the pictures are drawn with :mod:`safetylab.draw`;
- one module per lesson, each with ``LESSON`` (its folder), its builders and
  ``samples()``: :mod:`~safetylab.samples.face_key` (01),
  :mod:`~safetylab.samples.background` (02, the scenes of :mod:`safetylab.scenes`),
  :mod:`~safetylab.samples.file_says` (03), :mod:`~safetylab.samples.if_happening` (06);
- :mod:`~safetylab.samples.build`: :func:`generate` and :func:`check`.

Importing this package draws and writes nothing; :data:`SAMPLES` is the
read-only registry of every lesson's samples. A new lesson adds a module with
``LESSON`` and ``samples()`` and lists it in :data:`~safetylab.samples.build.LESSONS`.

What this does *not* cover: the samples teach what metadata looks like; they are
not a survey of every camera's quirks. Real files from cameras and phones are in
the project's test corpus, not here.

Examples
--------
>>> SAMPLES["03_what_your_file_says/clean.jpg"].made_by
'safetylab.samples.make_clean'
"""

from __future__ import annotations

from . import background, face_key, file_says, if_happening
from .build import LESSONS, SAMPLES, all_samples, check, generate, sample_path
from .face_key import (make_face_profile_picture, make_face_sent_another_photo,
                       make_face_sent_same_photo)
from .file_says import (make_clean, make_cropped_thumbnail, make_landmark_gps, make_phone_photo,
                        make_rotated, make_screenshot_text, make_webp_with_exif, make_xmp_iptc)
from .if_happening import (SAMPLE_CHAT_USERNAME, make_chat_1_friendly, make_chat_2_request,
                           make_chat_3_threat, make_chat_4_deadline, make_payment_request,
                           make_sky22_profile)
from .registry import (CREDIT, DEFAULT_DEST, FACT_KEYS, LANDMARKS, LICENCE, Landmark, Sample, collect,
                       expected_facts, words_of)

def label(name: str) -> str:
    """What a learner reads for a sample, given its file name or its key
    (``"xmp_iptc.jpg"`` -> ``"coffee on a cafe table"``); any other file name in words."""
    for sample in SAMPLES.values():
        if name in (sample.name, sample.key):
            return sample.label
    return words_of(name.rsplit("/", 1)[-1])


#: The lesson folders, by lesson.
LESSON_FACE_KEY = face_key.LESSON
LESSON_BACKGROUND = background.LESSON
LESSON_FILE_SAYS = file_says.LESSON
LESSON_IF_HAPPENING = if_happening.LESSON

__all__ = [
    "CREDIT", "DEFAULT_DEST", "FACT_KEYS", "LANDMARKS", "LESSONS", "LESSON_BACKGROUND",
    "LESSON_FACE_KEY", "LESSON_FILE_SAYS", "LESSON_IF_HAPPENING", "LICENCE", "Landmark",
    "SAMPLES", "SAMPLE_CHAT_USERNAME", "Sample", "all_samples", "check", "collect",
    "expected_facts", "generate", "label", "sample_path", "words_of",
    "make_face_profile_picture", "make_face_sent_same_photo", "make_face_sent_another_photo",
    "make_landmark_gps", "make_cropped_thumbnail", "make_xmp_iptc", "make_screenshot_text",
    "make_phone_photo", "make_rotated", "make_webp_with_exif", "make_clean",
    "make_chat_1_friendly", "make_chat_2_request", "make_chat_3_threat", "make_chat_4_deadline",
    "make_payment_request", "make_sky22_profile",
]
