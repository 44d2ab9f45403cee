"""The tiny examples in the docstrings run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["safetylab._jpeg", "safetylab._png", "safetylab._riff", "safetylab._tiff",
           "safetylab._iptc", "safetylab._xmp", "safetylab.images", "safetylab.location",
           "safetylab.sharing", "safetylab.scenarios", "safetylab.policy", "safetylab.evidence",
           "safetylab.help", "safetylab.app", "safetylab.widgets._style", "safetylab._datafile",
           "safetylab.content", "safetylab.learning_check", "safetylab.widgets.learning_check",
           "safetylab.handouts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
