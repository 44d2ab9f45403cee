"""The samples of lesson 02, "Your background gives away the place".

Every drawn scene of :mod:`safetylab.scenes` as a PNG file, numbered in teaching
order (easy first), beside its ground-truth clue annotation (``.clues.json``,
validated against ``safetylab/data/clues.schema.json``). The scenes themselves
live in :mod:`safetylab.scenes`, where the spot-the-clue game draws them on demand.

What this does *not* cover: real photos. A trainer's own pictures and
annotations come from a course pack, not from here.
"""

from __future__ import annotations

from pathlib import Path

from .. import clues, scenes
from .registry import Sample

__all__ = ["LESSON", "samples", "sample_file"]

#: The folder of the lesson "Your background gives away the place".
LESSON = "02_your_background_gives_away_the_place"


class _SceneFile:
    """``make(path)``: writes one file of scene ``name``; named ``<what>[<name>]`` for provenance."""

    what = ""

    def __init__(self, name: str):
        self.name = name
        self.__module__ = scenes.__name__
        self.__qualname__ = f"{self.what}[{name!r}]"


class _PNGMaker(_SceneFile):
    """The scene as a PNG."""

    what = "render"

    def __call__(self, path: Path) -> None:
        scenes.render(self.name).save(path, format="PNG", optimize=True)


class _JSONMaker(_SceneFile):
    """The scene's annotation, validated."""

    what = "annotation"

    def __call__(self, path: Path) -> None:
        with open(path, "wb") as f:
            f.write(clues.dump(scenes.annotation(self.name, sample_file(self.name))))


def sample_file(name: str) -> str:
    """The sample file name of scene ``name`` (``NN_name.png``).

    Examples
    --------
    >>> sample_file("street_sign_window")
    '01_street_sign_window.png'
    """
    return f"{list(scenes.SCENES).index(name) + 1:02d}_{name}.png"


def samples() -> list[Sample]:
    """Every scene (``NN_<name>.png``) and its annotation (``NN_<name>.clues.json``)."""
    out: list[Sample] = []
    for i, (name, scene) in enumerate(scenes.SCENES.items(), 1):
        stem = f"{i:02d}_{name}"
        out.append(Sample(
            f"{stem}.png", LESSON,
            f"{scene.description} Level: {scenes.LEVELS[scene.level]}. Clues listed in {stem}.clues.json.",
            _PNGMaker(name), title=scene.title[:1].lower() + scene.title[1:],
            expected=dict(format="PNG", width=scenes.WIDTH, height=scenes.HEIGHT, blocks=[], people=[],
                          scene=name, level=scene.level, annotation=f"{stem}.clues.json"),
        ))
        out.append(Sample(
            f"{stem}.clues.json", LESSON, f"Ground-truth clue annotation of {stem}.png.",
            _JSONMaker(name), expected=dict(scene=name, image=f"{stem}.png"),
        ))
    return out
