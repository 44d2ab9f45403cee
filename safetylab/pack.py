"""A trainer's course pack: their own photos, scenes, chats, profiles, help and lessons.

A course pack is a folder a trainer owns (``my-course/``). The lessons use its
items beside the course's own — without copying or changing safetylab — when
it is named with ``safetylab lab --pack DIR`` or ``safetylab app --pack DIR``
(or in the ``SAFETYLAB_PACK`` environment variable, which those commands set
for the lessons they start). ``safetylab pack new DIR`` makes a commented
example pack, ``safetylab pack check DIR`` checks all of it.

::

    my-course/
      pack.json             what the pack is, who made it          (pack.schema.json)
      README.md             for the trainer: what goes where
      photos/               the trainer's own photos (JPEG, PNG, WebP, TIFF, HEIC, AVIF)
        consent.json        a filled-in checklist for every photo  (consent.schema.json)
        NAME.clues.json     what the background of NAME.jpg reveals: a scene for
                            lesson 2's spot-the-clue game          (clues.schema.json)
      scenarios/*.json      chat practice for lesson 5             (scenario.schema.json)
      gallery.json          made-up public profiles for lesson 1,
                            with pictures from photos/             (gallery.schema.json)
      steps.json, questions.json, help_resources.json, ...
                            teaching content that adds to or replaces the course's
                            (docs/teaching-content.md)
      lessons/NN_name.md + NN_name.ipynb
                            optional: lessons of the trainer's own
      examples/             not read: examples to copy from

What reads what: lesson 2's game (:func:`scenes`), lesson 5's chat practice
(:func:`scenarios`) and report card (:func:`photos`) and lesson 1's gallery
(:func:`gallery`) add the pack's items after the course's, marked as the trainer's; every lesson reads the
teaching-content files through the one data-file loader
(:mod:`safetylab._datafile`); learner mode lists the pack's lessons after the
course's (:func:`add_lessons`). Every file is checked the way the course checks
its own, and every problem is one line naming the file and the field
(:func:`check`). A photo that is not a photo, is damaged, or is too large gets
one plain line too.

For a front end that starts lessons (trainer mode, learner mode, a class on
JupyterHub): check the pack (:func:`check`; learner mode refuses a pack with
problems), run the lessons with :func:`environ` (it sets ``SAFETYLAB_PACK``),
and, in a learner's working folder, :func:`add_lessons`.

What this does *not* do: the consent checklist records what the trainer says;
safetylab cannot know whether consent was really given, or whether a photo is
right for a particular class. Checking a pack does not check that its advice or
phone numbers are current.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "my-course"
>>> written = new(folder)
>>> check(folder).problems
[]
>>> [s.annotation["title"] for s in load(folder).scenes]
['Example: the club noticeboard']
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from . import _datafile
from ._datafile import DataFileError
from .errors import SafetyLabError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

    from .linking import Profile, ProfileGallery
    from .scenarios import Scenario

__all__ = [
    "PackError", "Pack", "PackScene", "Checked", "FORMAT", "CONTENT_FILES", "PHOTO_SUFFIXES",
    "MAX_PHOTO_BYTES", "MAX_PHOTO_PIXELS", "EXAMPLE_PHOTO", "TRAINER_MARK",
    "new", "check", "load", "from_environment", "scenes", "scenarios", "profiles", "gallery", "photos",
    "environ", "add_lessons", "ready_for_learners", "photo_files", "consent_entries", "consent_problems",
    "record_consent", "add_photo", "example_scenario_text",
]

#: The format of ``pack.json``.
FORMAT = "safetylab-pack/1"
#: Teaching-content files a pack may hold at its top, and how each is read (module, function):
#: the function checks the file against its schema and the rules across files.
CONTENT_FILES: Mapping[str, tuple[str, str]] = {
    "steps.json": ("content", "steps"),
    "filters.json": ("content", "filters"),
    "questions.json": ("content", "questions"),
    "patterns.json": ("content", "patterns"),
    "places.json": ("content", "places"),
    "phone_steps.json": ("content", "phone_steps"),
    "help_resources.json": ("help", "resources"),
    "learning_check.json": ("learning_check", "ideas"),  # the whole file: ideas and exit tickets
    "handouts.json": ("handouts", "words"),
}
#: What photos/ may hold besides photos.
_NOT_PHOTOS = (".json", ".bak", ".md", ".txt")
#: File endings taken for photos in the pack's folders (anything else in photos/ is reported).
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif")
#: A course photo larger than this file size, or than this many pixels, is refused (make a smaller copy).
MAX_PHOTO_BYTES = 50 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
#: The example photo ``new`` draws (a scene from :data:`safetylab.scenes.EXAMPLES`).
EXAMPLE_PHOTO = "example_noticeboard.png"
_EXAMPLE_SCENE = "club_noticeboard"
#: How the lessons mark a pack's items for learners.
TRAINER_MARK = "from your trainer"
_KNOWN_TOP = {"pack.json", "gallery.json", *CONTENT_FILES}


class PackError(DataFileError):
    """A course pack, or a file in it, cannot be used: ``FILE: FIELD: PROBLEM`` in one line.

    ``file`` is the file's place in the pack, e.g. ``photos/consent.json``.
    """


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: ``problems`` (the pack cannot be used until they are
    mended) and ``notes`` (worth a look, nothing wrong), one line each."""

    folder: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One plain line."""
        if self.problems:
            n = len(self.problems)
            return f"{self.folder.name}: {n} problem{'s' if n != 1 else ''} to mend before learners use this pack."
        return f"{self.folder.name}: ready to use (safetylab app --pack {self.folder})."


@dataclass(frozen=True)
class PackScene:
    """A trainer's photo with its clue annotation: one scene of lesson 2's game.

    Attributes
    ----------
    annotation : mapping
        The checked annotation (``NAME.clues.json``).
    photo : Path
        The photo.
    credit : str
        From the photo's consent checklist.
    pack : str
        The pack's title.
    """

    annotation: Mapping[str, Any]
    photo: Path
    credit: str = ""
    pack: str = ""

    def picture(self, max_side: int | None = 1280) -> "PILImage.Image":
        """The photo, upright, its longer side at most ``max_side`` (the annotation's boxes are
        in full-size pixels: show it scaled to :attr:`size`)."""
        from .images import load as load_image

        return load_image(self.photo, max_side=max_side)

    @property
    def size(self) -> tuple[int, int]:
        return tuple(self.annotation["size"])  # type: ignore[return-value]


@dataclass(frozen=True)
class Pack:
    """A course pack, read and checked by :func:`load`.

    Attributes
    ----------
    folder : Path
    title, by, about : str
        From ``pack.json``.
    credits : mapping of str to str
        Each photo's credit, from the consent checklist.
    scenes : tuple of PackScene
    scenarios : tuple of Scenario
    gallery_file : Path or None
        ``gallery.json``, when there is one (:meth:`profiles` reads it).
    lessons : tuple of Path
        The notebooks of the pack's own lessons (``lessons/NN_name.ipynb``).
    """

    folder: Path
    title: str
    by: str
    about: str = ""
    credits: Mapping[str, str] = field(default_factory=dict)
    scenes: tuple[PackScene, ...] = ()
    scenarios: tuple["Scenario", ...] = ()
    gallery_file: Path | None = None
    lessons: tuple[Path, ...] = ()

    def profiles(self) -> list["Profile"]:
        """The pack's profiles for lesson 1 (their pictures are read now)."""
        if self.gallery_file is None:
            return []
        from .linking import GalleryError, load_profiles

        try:
            return load_profiles(self.gallery_file, self.folder / "photos", credits=dict(self.credits))
        except GalleryError as e:
            raise _in_pack(e, "gallery.json") from None


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #

def _in_pack(err: DataFileError, rel: str) -> PackError:
    """The same problem, naming the file by its place in the pack."""
    return PackError(err.problem, file=rel, field=err.field)


def _photo_line(message: str, name: str) -> str:
    """An image error's sentence without the file name it starts with ("x.jpg is damaged" -> "is damaged")."""
    text = str(message).strip()
    if text.startswith(name + " "):
        text = text[len(name) + 1:]
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text.rstrip(".")


@contextlib.contextmanager
def _only_this_pack():
    """Read a pack's files without the packs named in ``SAFETYLAB_PACK`` (they are not being checked)."""
    saved = os.environ.pop(_datafile.PACK_ENV, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[_datafile.PACK_ENV] = saved


def photo_files(folder: str | os.PathLike) -> list[Path]:
    """The files in a pack's ``photos/`` that should be photos (everything but JSON, notes,
    backups and hidden files), in name order."""
    photos = Path(folder) / "photos"
    if not photos.is_dir():
        return []
    return [p for p in sorted(photos.iterdir())
            if p.is_file() and not p.name.startswith(".") and not p.name.lower().endswith(_NOT_PHOTOS)]


def _check_photo(path: Path) -> tuple[str | None, list[str]]:
    """``(problem, notes)`` for one photo: it must open, decode fully and not be too large."""
    from . import metadata
    from .images import load as load_image
    from .images import open_image, read_file

    rel = f"photos/{path.name}"
    try:
        size = path.stat().st_size
    except OSError as e:
        return f"{rel}: could not be read ({e.strerror or e})", []
    if size > MAX_PHOTO_BYTES:
        return (f"{rel}: is {size // 2**20} MB; a course photo needs no more than "
                f"{MAX_PHOTO_BYTES // 2**20} MB (save a smaller copy)"), []
    try:
        photo = read_file(path)
        im = open_image(photo)
        if im.width * im.height > MAX_PHOTO_PIXELS:
            return (f"{rel}: is {im.width} x {im.height} pixels ({im.width * im.height / 1e6:.0f} megapixels); "
                    f"a course photo needs no more than {MAX_PHOTO_PIXELS / 1e6:.0f} (save a smaller copy)"), []
        load_image(photo, max_side=1280)  # decodes every byte: a truncated file fails here
    except SafetyLabError as e:
        return f"{rel}: {_photo_line(str(e), path.name)}", []
    except Exception as e:  # pragma: no cover - last resort: still one line
        return f"{rel}: could not be read as a photo ({type(e).__name__})", []
    notes = []
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        notes.append(f"{rel}: is a {photo.format} photo with an unusual name ending; "
                     f"{path.stem}{'.jpg' if photo.format == 'JPEG' else '.' + photo.format.lower()} "
                     "would be clearer")
    try:
        md = metadata.read_photo(photo, compare_thumbnail=False)
    except Exception:  # noqa: BLE001 - metadata is only a note here; the picture itself is fine
        md = None
    if md is not None and md.gps is not None:
        notes.append(f"{rel}: carries a GPS position (where it was taken); if that place is private, "
                     f"use a clean copy (safetylab scrub {rel})")
    return None, notes


# --------------------------------------------------------------------------- #
# The consent checklist
# --------------------------------------------------------------------------- #

def _consent_rules(data: Mapping[str, Any]) -> list[tuple[list[Any], str]]:
    out: list[tuple[list[Any], str]] = []
    seen: set[str] = set()
    for i, row in enumerate(data["photos"]):
        if row["file"] in seen:
            out.append((["photos", i, "file"], f"repeats {row['file']!r}; one checklist per photo"))
        seen.add(row["file"])
        if row["under_18_in_it"] and row.get("parent_or_carer_agreed") is not True:
            out.append((["photos", i, "parent_or_carer_agreed"],
                        "should be true: someone under 18 is in this photo, so a parent or carer must "
                        "agree too; if they did not, leave the photo out of the pack"))
    return out


def consent_problems(data: Any, file: str = "photos/consent.json") -> list[str]:
    """Every problem with a consent checklist's data, one line each (empty when it is fine).

    Examples
    --------
    >>> row = {"file": "a.jpg", "whose_photo": "me", "who_is_in_it": "my nephew", "everyone_agreed": True,
    ...        "how_they_agreed": "asked him", "under_18_in_it": True, "nothing_intimate": True,
    ...        "places_ok": True, "credit": "me", "checked_on": "2026-03-02"}
    >>> print(consent_problems({"photos": [row]})[0])  # doctest: +NORMALIZE_WHITESPACE
    photos/consent.json: photos[0].parent_or_carer_agreed: should be true: someone under 18 is in
    this photo, so a parent or carer must agree too; if they did not, leave the photo out of the pack
    """
    return [str(e) for e in _datafile.problems(data, "consent.schema.json", file=file, check=_consent_rules,
                                               error=PackError)]


def consent_entries(folder: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The checked consent checklist of a pack, by photo file name (empty when there is none).

    Raises
    ------
    PackError
        When ``photos/consent.json`` is not valid (naming the field).
    """
    path = Path(folder) / "photos" / "consent.json"
    if not path.exists():
        return {}
    try:
        data = _datafile.load(path, "consent.schema.json", check=_consent_rules, error=PackError,
                              what="a consent checklist")
    except PackError as e:
        raise _in_pack(e, "photos/consent.json") from None
    return {row["file"]: row for row in data["photos"]}


def record_consent(folder: str | os.PathLike, entry: Mapping[str, Any], *,
                   replace: bool = False) -> tuple[Path, Path | None]:
    """Add one photo's filled-in checklist to ``photos/consent.json`` (checked first).

    Parameters
    ----------
    folder : path-like
        The pack.
    entry : mapping
        The checklist (see ``consent.schema.json``).
    replace : bool
        When the photo already has a checklist: False refuses; True replaces it.

    Returns
    -------
    (written, kept) : tuple
        The checklist file, and the backup of its previous version
        (``consent.json.bak``), or None when it is new.

    Raises
    ------
    PackError
        When the entry is not valid, or the photo has one and ``replace`` is False.
    """
    from ._files import replace_keeping, write_exact

    path = Path(folder) / "photos" / "consent.json"
    rows = list(consent_entries(folder).values())
    if any(r["file"] == entry.get("file") for r in rows):
        if not replace:
            raise PackError(f"{entry.get('file')!r} already has a checklist; nothing was changed",
                            file="photos/consent.json")
        rows = [dict(entry) if r["file"] == entry.get("file") else r for r in rows]
    else:
        rows.append(dict(entry))
    old = {}
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8-sig"))
    data = {k: v for k, v in old.items() if k != "photos"}
    data["photos"] = rows
    found = consent_problems(data)
    if found:
        raise PackError(found[0].split(": ", 1)[1], file="photos/consent.json")
    text = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if path.exists():
        return replace_keeping(path, text)
    return write_exact(path, text), None


def add_photo(folder: str | os.PathLike, name: str, data: bytes) -> Path:
    """Put a photo into a pack's ``photos/`` (never over a file that is there: a taken
    name gets ``-2``, ``-3``...). It is checked first: a file that is not a photo
    safetylab can read is refused.

    Returns
    -------
    Path
        Where it was written. Fill in its consent checklist next (:func:`record_consent`).

    Raises
    ------
    SafetyLabError
        When it is not a usable photo (one line).
    """
    from ._files import write_new
    from .images import PhotoFile, load as load_image, sniff

    clean = Path(str(name).replace("\\", "/")).name.strip() or "photo"
    if clean.startswith("."):
        clean = "photo" + clean
    if len(data) > MAX_PHOTO_BYTES:
        raise PackError(f"is {len(data) // 2**20} MB; a course photo needs no more than "
                        f"{MAX_PHOTO_BYTES // 2**20} MB (save a smaller copy)", file=clean)
    if not data:
        raise PackError("is empty", file=clean)
    photo = PhotoFile(Path(clean), data, sniff(data[:64], Path(clean).suffix))
    load_image(photo, max_side=1280)
    if Path(clean).suffix.lower() not in PHOTO_SUFFIXES:
        clean = Path(clean).stem + (".jpg" if photo.format == "JPEG" else "." + photo.format.lower())
    return write_new(Path(folder) / "photos" / clean, data)


# --------------------------------------------------------------------------- #
# Making an example pack
# --------------------------------------------------------------------------- #

def _template_files(node=None, prefix: str = "") -> list[tuple[str, bytes]]:
    node = node or resources.files("safetylab").joinpath("data", "pack_example")
    out = []
    for item in sorted(node.iterdir(), key=lambda i: i.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            out += _template_files(item, rel + "/")
        elif not item.name.startswith("."):
            out.append((rel, item.read_bytes()))
    return out


def example_scenario_text() -> str:
    """The text of the example pack's chat: where the scenario editor starts."""
    return resources.files("safetylab").joinpath(
        "data", "pack_example", "scenarios", "example_chat.json").read_text(encoding="utf-8")


def new(folder: str | os.PathLike) -> list[Path]:
    """Make a commented example course pack in a new folder.

    It holds ``README.md`` (what goes where), ``pack.json``, one example photo
    drawn by safetylab with its clue annotation and its consent checklist, an
    example chat, an example profile for lesson 1, and, in ``examples/``,
    files to copy from (local help, reworded steps, a question, a lesson).
    Every JSON file says what it is for in its ``"_about"`` field.

    Parameters
    ----------
    folder : path-like
        A folder that does not exist yet (or is empty).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    PackError
        When the folder is there and not empty, or is a file: nothing is written.
    """
    import io

    from . import scenes
    from ._files import write_exact

    folder = Path(folder).expanduser()
    if folder.exists():
        if not folder.is_dir():
            raise PackError("is a file, not a folder; choose a new folder name (nothing was written)",
                            file=folder.name)
        if any(folder.iterdir()):
            raise PackError("is already there and not empty; choose a new folder name (nothing was written)",
                            file=folder.name)
    files = _template_files()
    buf = io.BytesIO()
    scenes.render(_EXAMPLE_SCENE).save(buf, "PNG")
    files.append((f"photos/{EXAMPLE_PHOTO}", buf.getvalue()))
    annotation = {"_about": "What the background of example_noticeboard.png reveals, for the spot-the-clue "
                            "game of lesson 2. Boxes are [x, y, width, height] in pixels. Make your own in the "
                            "clue annotator of the authoring notebook. The format: docs/clue-annotations.md.",
                  **scenes.annotation(_EXAMPLE_SCENE, image=EXAMPLE_PHOTO)}
    files.append((f"photos/{Path(EXAMPLE_PHOTO).stem}.clues.json",
                  (json.dumps(annotation, indent=2, ensure_ascii=False) + "\n").encode("utf-8")))
    written = []
    for rel, data in files:
        written.append(write_exact(folder / rel, data))
    (folder / "lessons").mkdir(exist_ok=True)
    return written


# --------------------------------------------------------------------------- #
# Checking a pack
# --------------------------------------------------------------------------- #

def _read_info(folder: Path) -> dict[str, Any]:
    path = folder / "pack.json"
    if not path.is_file() and not path.exists():
        raise PackError("no such file: every pack needs one (safetylab pack new makes a pack with one)",
                        file="pack.json")
    try:
        return _datafile.load(path, "pack.schema.json", error=PackError, what="a pack description")
    except PackError as e:
        raise _in_pack(e, "pack.json") from None


def _scene_files(folder: Path) -> list[Path]:
    photos = folder / "photos"
    return sorted(photos.glob("*.clues.json")) if photos.is_dir() else []


def _read_scene(folder: Path, path: Path, credits: Mapping[str, str], title: str) -> PackScene:
    from . import clues

    rel = f"photos/{path.name}"
    try:
        ann = clues.load(path)
    except DataFileError as e:
        raise _in_pack(e, rel) from None
    photo = path.parent / ann["image"]
    stem = path.name[: -len(".clues.json")]
    if Path(ann["image"]).stem != stem or "/" in ann["image"] or "\\" in ann["image"]:
        raise PackError(f"names {ann['image']!r}; the annotation of {stem}.jpg (or .png, ...) names that "
                        "photo, in the same folder", file=rel, field="image")
    if not photo.is_file():
        raise PackError(f"there is no photo called {ann['image']!r} beside it", file=rel, field="image")
    return PackScene(ann, photo, credits.get(ann["image"], ""), title)


def _scenario_files(folder: Path) -> list[Path]:
    found = folder / "scenarios"
    if not found.is_dir():
        return []
    return [p for p in sorted(found.glob("*.json")) if not p.name.endswith(".schema.json")]


def _lesson_names(folder: Path) -> list[Path]:
    from .course import LESSON_GLOB

    lessons = folder / "lessons"
    return sorted(lessons.glob(LESSON_GLOB)) if lessons.is_dir() else []


def check(folder: str | os.PathLike) -> Checked:
    """Check everything in a course pack; every problem is one line naming the file and the field.

    Checked: ``pack.json``; every photo in ``photos/`` (it opens and decodes
    fully, is not too large, and has a consent checklist with every box
    ticked); every ``NAME.clues.json`` (the clue schema, its photo beside it,
    the photo's size); every scenario (the scenario schema, the conversation
    rules, ids unique with the course's); ``gallery.json`` (its schema, its
    pictures); the teaching-content files (their schemas and the rules across
    files, as the lessons read them); the lessons (each ``.md`` paired with its
    ``.ipynb``, without outputs, with names the course's lessons do not use).
    JSON files the pack does not use are reported (a misspelt name is the usual cause).

    The packs named in ``SAFETYLAB_PACK`` are left out while this one is checked.

    Returns
    -------
    Checked
        ``problems`` (in the order above) and ``notes``; ``ok`` when there are no problems.

    Raises
    ------
    PackError
        When ``folder`` is not a folder.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise PackError("is not a folder (safetylab pack new DIR makes a pack)", file=str(folder))
    problems: list[str] = []
    notes: list[str] = []
    with _only_this_pack():
        title = folder.name
        try:
            title = _read_info(folder)["title"]
        except PackError as e:
            problems.append(str(e))
        problems += _check_photos(folder, notes)
        problems += _check_scenes(folder, title)
        problems += _check_scenarios(folder)
        problems += _check_gallery(folder)
        problems += _check_content(folder)
        problems += _check_lessons(folder)
        problems += _check_unknown(folder)
        notes += _unused_photos(folder)
    return Checked(folder, problems, notes)


def _check_photos(folder: Path, notes: list[str]) -> list[str]:
    out = []
    try:
        entries = consent_entries(folder)
    except PackError as e:
        out.append(str(e))
        entries = None
    files = photo_files(folder)
    names = {p.name for p in files}
    for path in files:
        problem, more = _check_photo(path)
        if problem:
            out.append(problem)
        notes += more
        if entries is not None and path.name not in entries:
            out.append(f"photos/consent.json: has no checklist for {path.name}: fill one in for every photo "
                       "(or take the photo out of the pack)")
    if entries:
        for i, name in enumerate(entries):
            if name not in names:
                out.append(f"photos/consent.json: photos[{i}].file: there is no photo called {name!r} in photos/")
    return out


def _check_scenes(folder: Path, title: str) -> list[str]:
    from .images import shown_size

    out = []
    for path in _scene_files(folder):
        rel = f"photos/{path.name}"
        try:
            scene = _read_scene(folder, path, {}, title)
        except PackError as e:
            out.append(str(e))
            continue
        try:
            size = list(shown_size(scene.photo))
        except SafetyLabError:
            continue  # the photo's own problem is reported with the photos
        if list(scene.annotation["size"]) != size:
            out.append(f"{rel}: size: is {list(scene.annotation['size'])}, but {scene.photo.name} is "
                       f"{size[0]} x {size[1]} pixels (as shown); annotate the photo again")
    return out


def _check_scenarios(folder: Path) -> list[str]:
    from .scenarios import ScenarioError, load as load_scenario, shipped_ids

    out = []
    seen: dict[str, str] = {sid: "a scenario that comes with safetylab" for sid in shipped_ids()}
    for path in _scenario_files(folder):
        rel = f"scenarios/{path.name}"
        try:
            sc = load_scenario(path)
        except ScenarioError as e:
            out.append(str(_in_pack(e, rel)))
            continue
        if sc.id in seen:
            out.append(f"{rel}: id: '{sc.id}' is already the id of {seen[sc.id]}; choose another")
        else:
            seen[sc.id] = f"scenarios/{path.name}"
    return out


def _check_gallery(folder: Path) -> list[str]:
    if not (folder / "gallery.json").exists():
        return []
    from .linking import GalleryError, load_profiles

    try:
        load_profiles(folder / "gallery.json", folder / "photos")
    except GalleryError as e:
        return [str(_in_pack(e, "gallery.json"))]
    return []


def _check_content(folder: Path) -> list[str]:
    import importlib

    out = []
    for name, (module, function) in CONTENT_FILES.items():
        if not (folder / name).exists():
            continue
        read = getattr(importlib.import_module(f"{__package__}.{module}"), function)
        try:
            read(extra=folder)
        except DataFileError as e:
            out.append(str(_in_pack(e, e.file or name)))
    return out


def _check_lessons(folder: Path) -> list[str]:
    lessons = folder / "lessons"
    if not lessons.is_dir():
        return []
    from .course import lessons_dir
    from .lesson_sources import check_pairs

    out = []
    try:
        out += [f"lessons/{line}" for line in check_pairs(lessons)]
    except SafetyLabError as e:
        return [f"lessons/: {e}"]
    course = {p.stem for p in lessons_dir().glob("[0-9][0-9]_*.ipynb")}
    for nb in _lesson_names(folder):
        if nb.suffix == ".ipynb" and nb.stem in course:
            out.append(f"lessons/{nb.name}: the course has a lesson of this name; number yours from 50 "
                       "(e.g. 50_our_rules), so both are shown")
    for item in sorted(lessons.iterdir()):
        if item.suffix in (".md", ".ipynb") and not item.name[:2].isdigit() and item.name != "README.md":
            out.append(f"lessons/{item.name}: a lesson's name starts with two digits and '_' "
                       "(e.g. 50_our_rules.md), or it is not shown")
    return out


def _check_unknown(folder: Path) -> list[str]:
    out = []
    for item in sorted(folder.glob("*.json")):
        if item.name not in _KNOWN_TOP:
            close = difflib.get_close_matches(item.name, sorted(_KNOWN_TOP), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "move it to examples/ to keep it"
            out.append(f"{item.name}: not a file a course pack uses ({hint})")
    photos = folder / "photos"
    if photos.is_dir():
        for item in sorted(photos.glob("*.json")):
            if item.name != "consent.json" and not item.name.endswith(".clues.json"):
                out.append(f"photos/{item.name}: not a file photos/ uses (consent.json and NAME.clues.json are)")
    return out


def _unused_photos(folder: Path) -> list[str]:
    used = {p.name[: -len(".clues.json")] for p in _scene_files(folder)}
    try:
        gallery = json.loads((folder / "gallery.json").read_text(encoding="utf-8-sig"))
        pictures = {row.get("picture") for row in gallery.get("profiles", []) if isinstance(row, dict)}
    except (OSError, ValueError, AttributeError):
        pictures = set()
    return [f"photos/{p.name}: not used yet (no {p.stem}.clues.json, not in gallery.json)"
            for p in photo_files(folder) if p.stem not in used and p.name not in pictures
            and p.suffix.lower() in PHOTO_SUFFIXES]


# --------------------------------------------------------------------------- #
# Reading packs for the lessons
# --------------------------------------------------------------------------- #

def load(folder: str | os.PathLike) -> Pack:
    """A course pack's description, scenes, scenarios, gallery and lessons, checked.

    Photos are not decoded here (:func:`check` does that): a scene's picture is
    read when it is shown.

    Raises
    ------
    PackError
        At the first problem (the file and the field).
    """
    from .scenarios import ScenarioError, load as load_scenario

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise PackError("is not a folder", file=str(folder))
    with _only_this_pack():
        info = _read_info(folder)
        credits = {name: row["credit"] for name, row in consent_entries(folder).items()}
        found_scenes = tuple(_read_scene(folder, p, credits, info["title"]) for p in _scene_files(folder))
        chats = []
        for path in _scenario_files(folder):
            try:
                chats.append(load_scenario(path))
            except ScenarioError as e:
                raise _in_pack(e, f"scenarios/{path.name}") from None
    gallery_file = folder / "gallery.json"
    return Pack(folder.resolve(), info["title"], info["by"], info.get("about", ""), credits, found_scenes,
                tuple(chats), gallery_file if gallery_file.exists() else None,
                tuple(p for p in _lesson_names(folder) if p.suffix == ".ipynb"))


def from_environment() -> tuple[list[Pack], list[str]]:
    """The packs named in ``SAFETYLAB_PACK`` (what the lessons use), and a line for each one
    that cannot be used. A broken pack never stops a lesson: its items are left out."""
    packs, problems = [], []
    for folder in _datafile.pack_folders():
        try:
            packs.append(load(folder))
        except SafetyLabError as e:
            problems.append(str(e))
    return packs, problems


def _given(packs: Sequence[Pack] | None) -> list[Pack]:
    return from_environment()[0] if packs is None else list(packs)


def photos(packs: Sequence[Pack] | None = None) -> list[tuple[Path, str]]:
    """The photos of the packs (default: those the lessons use), with their credits, for lists of
    sample photos (lesson 5's report card)."""
    return [(p.folder / "photos" / name, credit) for p in _given(packs) for name, credit in p.credits.items()
            if (p.folder / "photos" / name).is_file()]


def scenes(packs: Sequence[Pack] | None = None) -> list[PackScene]:
    """The scenes of the packs (default: those the lessons use), for lesson 2's game."""
    return [s for p in _given(packs) for s in p.scenes]


def scenarios(packs: Sequence[Pack] | None = None) -> list["Scenario"]:
    """The chat scenarios of the packs (default: those the lessons use), for lesson 5."""
    return [s for p in _given(packs) for s in p.scenarios]


def profiles(packs: Sequence[Pack] | None = None) -> list["Profile"]:
    """The public profiles of the packs (default: those the lessons use), for lesson 1.

    Raises
    ------
    PackError
        When a pack's gallery or one of its pictures cannot be used.
    """
    return [pr for p in _given(packs) for pr in p.profiles()]


def gallery(packs: Sequence[Pack] | None = None) -> "ProfileGallery":
    """Lesson 1's gallery: the course's made-up profiles, then the packs' (kind ``"trainer"``).

    A pack whose gallery cannot be used adds nothing (lesson 1 still runs).
    """
    from .linking import default_gallery

    extra = []
    for p in _given(packs):
        try:
            extra += p.profiles()
        except SafetyLabError:
            continue  # pack check names the problem; the lesson goes on with the course's gallery
    base = default_gallery()
    return base.plus(*extra) if extra else base


# --------------------------------------------------------------------------- #
# For the front ends: lab, app, class mode
# --------------------------------------------------------------------------- #

def environ(folders: Iterable[str | os.PathLike], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment to start lessons in, so they use these packs (``SAFETYLAB_PACK``).

    Parameters
    ----------
    folders : iterable of path-like
        The packs, in the order their items are listed (made absolute).
    env : mapping, optional
        The environment to start from (default: this process's).

    Raises
    ------
    PackError
        When one of them is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> environ([d], {})[_datafile.PACK_ENV] == str(Path(d).resolve())
    True
    """
    out = dict(os.environ if env is None else env)
    paths = []
    for folder in folders:
        p = Path(folder).expanduser()
        if not p.is_dir():
            raise PackError("is not a folder (safetylab pack new DIR makes a pack)", file=str(folder))
        paths.append(str(p.resolve()))
    if paths:
        out[_datafile.PACK_ENV] = os.pathsep.join(paths)
    return out


def add_lessons(working_folder: str | os.PathLike, packs: Sequence[Pack]) -> list[str]:
    """Copy the packs' own lessons into a working folder of lessons, beside the course's.

    As with the course's lessons (:func:`safetylab.course.working_copy`), a copy the
    trainer changed there is never overwritten. The course's own lessons folder
    (a checkout's ``notebooks/``, or the installed copy) is never written to:
    give a working folder (``--dir``) to use a pack's lessons there.

    Returns
    -------
    list of str
        Plain lines for the terminal (what was copied or kept, or why nothing was).
    """
    from .course import lessons_dir, working_copy

    folder = Path(working_folder).expanduser()
    with_lessons = [p for p in packs if p.lessons]
    if not with_lessons:
        return []
    if folder.resolve() == lessons_dir().resolve():
        return [f"the lessons of {', '.join(p.title for p in with_lessons)} are not shown: the course's own "
                "lessons folder is left as it is (give a working folder with --dir to show them)"]
    lines = []
    for p in with_lessons:
        done = working_copy(folder, source=p.folder / "lessons")
        if done.summary():
            lines.append(f"{p.title}: " + done.summary())
    return lines


def ready_for_learners(folders: Sequence[str | os.PathLike],
                       working_folder: str | os.PathLike | None = None) -> tuple[list[str], bool]:
    """Check packs before learners use them; add their lessons to a working folder.

    What learner mode (and a class server) does with ``--pack``: every pack is
    checked (:func:`check`); with any problem the answer is "not ready", so a
    learner never meets a broken file. Otherwise, with a ``working_folder``,
    the packs' lessons are copied into it (:func:`add_lessons`).

    Returns
    -------
    (lines, ready) : tuple
        Plain lines for the terminal (each problem, what was copied), and whether
        the packs can be used. Then start the lessons with :func:`environ`.
    """
    lines: list[str] = []
    packs: list[Pack] = []
    for folder in folders:
        try:
            found = check(folder)
        except PackError as e:
            return [str(e)], False
        lines += [f"{Path(folder).name}/{line}" for line in found.problems]
        if found.ok:
            packs.append(load(folder))
    if len(packs) < len(list(folders)):
        return lines + ["learner mode needs a pack without problems: mend them (safetylab pack check DIR "
                        "lists them) and start again"], False
    if working_folder is not None:
        lines += add_lessons(working_folder, packs)
    return lines, True
