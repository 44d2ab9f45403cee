"""The tiny examples in the docstrings run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["safetylab.formats", "safetylab.formats.jpeg_segments", "safetylab.formats.png_chunks",
           "safetylab.formats.riff_chunks", "safetylab.formats.tiff_ifds", "safetylab.formats.iptc",
           "safetylab.formats.xmp", "safetylab.formats.exif", "safetylab.formats.record",
           "safetylab.formats.previews", "safetylab.images", "safetylab.location",
           "safetylab.sharing", "safetylab.scenarios", "safetylab.policy", "safetylab.evidence",
           "safetylab.help", "safetylab.app", "safetylab.widgets._style"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
