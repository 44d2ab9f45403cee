"""The build step that puts the course inside safetylab's wheel.

The repository keeps the lessons (``notebooks/``: each lesson's MyST text and its
notebook, the facilitator guide) and the sample photos (``sample_images/``) at its
top level. A wheel carries them as package data, in ``safetylab/_course/notebooks``
and ``safetylab/_course/sample_images``, so an installed safetylab (not only a
checkout) can open the lessons (``safetylab lab``, ``safetylab app``) and check its
sample photos (``safetylab samples --check``). An editable install reads the
checkout's own folders instead. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: Top-level folder -> (folder inside safetylab/_course, the files of it that are the course).
COURSE = {
    "notebooks": ("notebooks", ("[0-9][0-9]_*.md", "[0-9][0-9]_*.ipynb", "jupytext.toml", "facilitator/*",
                   "authoring/[0-9][0-9]_*.md", "authoring/[0-9][0-9]_*.ipynb")),
    "sample_images": ("sample_images", ("*.md", "*/*")),
}


def course_files(top: str, patterns: tuple[str, ...]) -> list[Path]:
    """The course's files in a top-level folder (no checkpoints, no learners' files)."""
    root = HERE / top
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in root.glob(pattern) if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(root).parts))
    return sorted(found)


class BuildPyWithCourse(build_py):
    """``build_py`` that also copies the course into the package being built."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads notebooks/ and sample_images/ from the checkout
        course = Path(self.build_lib) / "safetylab" / "_course"
        shutil.rmtree(course, ignore_errors=True)  # nothing left over from an earlier build
        for top, (inside, patterns) in COURSE.items():
            files = course_files(top, patterns)
            if not files:
                raise SystemExit(f"safetylab build: no course files in {top}/")
            for src in files:
                dst = course / inside / src.relative_to(HERE / top)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)


setup(cmdclass={"build_py": BuildPyWithCourse})
