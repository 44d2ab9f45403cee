"""Build every sample into ``sample_images/``, and check the files there against the code.

:func:`generate` runs every builder of every lesson module (listed in
:data:`LESSONS`) and writes each lesson's ``provenance.json`` and the folder's
``README.md``. :func:`check` rebuilds everything in a temporary folder and
compares: decoded pixels within a small tolerance (another libjpeg build may
round differently), metadata blocks exactly, embedded thumbnails by their pixels.

The same code run with the same library versions writes the same bytes: the only
randomness is a numpy ``Generator`` with a fixed seed per sample.

What this does *not* cover: files in ``sample_images/`` that no lesson lists are
reported by :func:`check`, never deleted.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
from PIL import Image

from ..errors import NotAPhotoError, OutputError
from ..formats import jpeg_segments, png_chunks, riff_chunks
from ..images import HEIF_FORMATS, sniff
from . import background, face_key, file_says, if_happening
from .registry import DEFAULT_DEST, Sample, collect

__all__ = ["LESSONS", "all_samples", "sample_path", "generate", "check"]

#: The modules that list each lesson's samples (each has ``LESSON`` and ``samples()``).
LESSONS = (face_key, background, file_says, if_happening)

_PIXEL_TOLERANCE = 2


def all_samples() -> Mapping[str, Sample]:
    """Every sample of every lesson, keyed by ``"lesson/name"`` (read-only)."""
    return collect(s for lesson in LESSONS for s in lesson.samples())


SAMPLES = all_samples()


def sample_path(name: str, dest: Path | None = None) -> Path:
    """Path of a sample, given its key (``"lesson/name"``) or just its file name.

    Examples
    --------
    >>> sample_path("landmark_gps.jpg", Path("/x")).as_posix()
    '/x/03_what_your_file_says/landmark_gps.jpg'
    """
    root = DEFAULT_DEST if dest is None else Path(dest)
    if name in SAMPLES:
        return root / SAMPLES[name].lesson / SAMPLES[name].name
    matches = [s for s in SAMPLES.values() if s.name == name]
    if len(matches) != 1:
        raise KeyError(f"no single sample called {name!r}")
    return root / matches[0].lesson / matches[0].name


def _resolve_dest(dest: Path | None) -> Path:
    return (DEFAULT_DEST if dest is None else Path(dest)).resolve()


def _inside(root: Path, target: Path) -> Path:
    target = target.resolve()
    if target != root and root not in target.parents:
        raise OutputError(f"Refusing to write {target}: it is outside {root}.")
    return target


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; samples are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_bytes_atomic(target: Path, data: bytes) -> None:
    _atomic_write(target, lambda tmp: tmp.write_bytes(data))


def _lessons() -> dict[str, list[Sample]]:
    out: dict[str, list[Sample]] = {}
    for sample in SAMPLES.values():
        out.setdefault(sample.lesson, []).append(sample)
    return {lesson: sorted(items, key=lambda s: s.name) for lesson, items in sorted(out.items())}


def _provenance_json(samples: list[Sample]) -> bytes:
    entries = [s.provenance() for s in samples]
    return (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _readme() -> bytes:
    lines = [
        "# Sample images",
        "",
        "Every image here is made by safetylab's own code (`safetylab/samples/`). All but",
        "lesson 01's are drawn, not photographed; lesson 01's are cut from a public-domain",
        "portrait of Grace Hopper that Matplotlib ships. The names are fictional; the only real",
        "places are the public coordinates of famous landmarks. Licence: CC0 1.0 (public domain",
        "dedication), except where a file's line below says otherwise.",
        "",
        "Do not edit these files by hand: rebuild them with `safetylab samples` and verify them",
        "with `safetylab samples --check`. Each lesson folder has a `provenance.json` with what",
        "every file should say (the ground truth the tests use).",
        "",
    ]
    for lesson, samples in _lessons().items():
        lines += [f"## {lesson}", ""]
        for s in samples:
            where = f" Position recorded in the file: {s.landmark}." if s.landmark else ""
            who = f" Owner: {s.owner} (fictional)." if s.owner else ""
            lines.append(f"- `{s.name}` — {s.description}{where}{who} Credit: {s.credit} "
                         f"Made by `{s.made_by}`.")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def generate(dest: Path | None = None) -> list[Path]:
    """Build every registered sample, its lesson's ``provenance.json`` and ``README.md``.

    Each file is written to a temporary file in the same folder and then moved
    into place, so a reader never sees half a file. Nothing is written outside
    ``dest``; files already there that the code does not make are left alone
    (:func:`check` reports them).

    Parameters
    ----------
    dest : Path, optional
        The ``sample_images`` folder; by default the one next to the package
        (:data:`DEFAULT_DEST`), which is the repository's folder when safetylab
        runs from a checkout or an editable install.

    Returns
    -------
    list of Path
        Every file written, sorted.
    """
    root = _resolve_dest(dest)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lesson, samples in _lessons().items():
        for sample in samples:
            target = _inside(root, root / lesson / sample.name)
            _atomic_write(target, sample.make)
            written.append(target)
        prov = _inside(root, root / lesson / "provenance.json")
        _write_bytes_atomic(prov, _provenance_json(samples))
        written.append(prov)
    readme = _inside(root, root / "README.md")
    _write_bytes_atomic(readme, _readme())
    written.append(readme)
    return sorted(written)


# --- comparing two files ---------------------------------------------------- #

def _kind(data: bytes) -> str:
    try:
        fmt = sniff(data[:64])
    except NotAPhotoError:
        return "other"
    return {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}.get(fmt, "heif" if fmt in HEIF_FORMATS else "other")


def _exif_normalised(raw: bytes) -> tuple[bytes, bytes | None]:
    """EXIF as comparable bytes without its thumbnail, and the thumbnail apart.

    The thumbnail is a JPEG made by the local libjpeg, so it is compared by its
    decoded pixels, like the main image.
    """
    import piexif

    tiff = raw[6:] if raw.startswith(b"Exif\0\0") else raw
    try:
        data = piexif.load(tiff)
    except Exception:  # unreadable EXIF: compare the raw bytes
        return raw, None
    thumb = data.pop("thumbnail", None)
    first = dict(data.get("1st") or {})
    first.pop(513, None)
    first.pop(514, None)
    data["1st"] = first
    canon = repr(sorted((ifd, sorted(tags.items())) for ifd, tags in data.items() if isinstance(tags, dict)))
    return canon.encode(), thumb


def _metadata_blocks(data: bytes) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Named metadata blocks of a file, and embedded thumbnails to compare by pixels."""
    blocks: dict[str, bytes] = {}
    thumbs: dict[str, bytes] = {}

    def put(name: str, value: bytes) -> None:
        key, n = name, 2
        while key in blocks:
            key, n = f"{name} #{n}", n + 1
        if name == "EXIF":
            value, thumb = _exif_normalised(value)
            if thumb:
                thumbs[f"{key} thumbnail"] = thumb
        blocks[key] = value

    kind = _kind(data)
    if kind == "jpeg":
        for seg in jpeg_segments.parse(data).segments:
            if seg.marker == 0xFE:
                put("comment", seg.data)
            elif 0xE0 <= seg.marker <= 0xEF:
                if seg.data.startswith(b"Exif\0\0"):
                    put("EXIF", seg.data)
                elif seg.data.startswith(b"http://ns.adobe.com/xap/1.0/\0"):
                    put("XMP", seg.data)
                elif seg.data.startswith(b"Photoshop 3.0\0"):
                    put("IPTC (Photoshop)", seg.data)
                elif seg.data.startswith(b"ICC_PROFILE\0"):
                    put("ICC profile", seg.data)
                else:
                    put(seg.name, seg.data)
    elif kind == "png":
        for chunk in png_chunks.parse(data).chunks:
            ctype, body = chunk.name, chunk.data
            if ctype in {"IHDR", "PLTE", "IDAT", "IEND"}:
                continue
            if ctype == "eXIf":
                put("EXIF", body)
            elif ctype in ("tEXt", "zTXt", "iTXt"):
                key, text = png_chunks.text_of(chunk) or (ctype, "")
                put(f"text {key}", text.encode("utf-8"))
            elif ctype == "iCCP":
                key, _, rest = body.partition(b"\0")
                put("ICC profile", zlib.decompress(rest[1:]))
            else:
                put(ctype, body)
    elif kind == "webp":
        for chunk in riff_chunks.parse(data).chunks:
            ctype, body = chunk.fourcc.decode("latin-1"), chunk.data
            if ctype == "EXIF":
                put("EXIF", body)
            elif ctype == "XMP ":
                put("XMP", body)
            elif ctype == "ICCP":
                put("ICC profile", body)
    elif kind == "heif":
        import pillow_heif

        heif = pillow_heif.open_heif(io.BytesIO(data))
        for name, key in (("EXIF", "exif"), ("XMP", "xmp"), ("ICC profile", "icc_profile")):
            if heif.info.get(key):
                put(name, heif.info[key])
    return blocks, thumbs


def _pixels(data: bytes) -> tuple[str, np.ndarray]:
    """``(format, array)`` of the stored pixels (no orientation applied)."""
    if _kind(data) == "heif":
        import pillow_heif

        pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format or "?"
        im.load()
        mode = "RGBA" if "A" in im.getbands() else "RGB"
        return fmt, np.asarray(im.convert(mode), dtype=np.int16)


def _compare_pixels(label: str, what: str, new: bytes, old: bytes) -> list[str]:
    try:
        fmt_new, a = _pixels(new)
    except Exception as exc:  # the code's own output must decode
        return [f"{label}: the freshly made {what} cannot be decoded ({exc})."]
    try:
        fmt_old, b = _pixels(old)
    except Exception:
        return [f"{label}: the {what} cannot be opened as an image any more (damaged or not an image)."]
    if fmt_new != fmt_old:
        return [f"{label}: the {what} is a {fmt_old} file but should be {fmt_new}."]
    if a.shape != b.shape:
        return [f"{label}: the {what} is {b.shape[1]}x{b.shape[0]} pixels but should be "
                f"{a.shape[1]}x{a.shape[0]}."]
    diff = np.abs(a - b)
    worst = int(diff.max()) if diff.size else 0
    if worst > _PIXEL_TOLERANCE:
        count = int((diff.max(axis=-1) > _PIXEL_TOLERANCE).sum())
        return [f"{label}: the pixels of the {what} differ from what the code makes "
                f"({count} pixel(s) off by up to {worst} levels; {_PIXEL_TOLERANCE} are allowed)."]
    return []


def _compare_image(label: str, new: bytes, old: bytes) -> list[str]:
    problems = _compare_pixels(label, "image", new, old)
    if problems and "cannot" in problems[0]:
        return problems
    try:
        blocks_new, thumbs_new = _metadata_blocks(new)
        blocks_old, thumbs_old = _metadata_blocks(old)
    except Exception:
        return problems + [f"{label}: its metadata cannot be read any more."]
    for name in sorted(set(blocks_new) | set(blocks_old)):
        if name not in blocks_old:
            problems.append(f"{label}: the {name} metadata is missing.")
        elif name not in blocks_new:
            problems.append(f"{label}: it has {name} metadata that the code does not write.")
        elif blocks_new[name] != blocks_old[name]:
            problems.append(f"{label}: the {name} metadata differs from what the code writes.")
    for name in sorted(set(thumbs_new) | set(thumbs_old)):
        if name not in thumbs_old:
            problems.append(f"{label}: the {name} is missing.")
        elif name not in thumbs_new:
            problems.append(f"{label}: it has a {name} that the code does not write.")
        else:
            problems += _compare_pixels(label, name, thumbs_new[name], thumbs_old[name])
    return problems


def _compare_file(label: str, new: bytes, old: bytes) -> list[str]:
    if new == old:
        return []
    if label.endswith(".json"):
        try:
            same = json.loads(new) == json.loads(old)
        except ValueError:
            return [f"{label}: it is not valid JSON any more."]
        return [] if same else [f"{label}: the recorded provenance or expected facts differ from the code."]
    if label.endswith((".md", ".txt")):
        same = new.replace(b"\r\n", b"\n") == old.replace(b"\r\n", b"\n")
        return [] if same else [f"{label}: the text differs from what the code writes."]
    if _kind(new) == "other":
        return [f"{label}: its content differs from what the code writes."]
    return _compare_image(label, new, old)


def check(dest: Path | None = None) -> list[str]:
    """Rebuild every sample in a temporary folder and compare it with ``dest``.

    Pixels are compared decoded, allowing a difference of 2 levels (another
    libjpeg build may round differently); metadata blocks (EXIF, XMP, IPTC,
    comments, PNG text) must match exactly, embedded thumbnails by their pixels.

    Parameters
    ----------
    dest : Path, optional
        The ``sample_images`` folder to verify; by default :data:`DEFAULT_DEST`.

    Returns
    -------
    list of str
        One plain-language line per problem; empty when everything matches.
    """
    root = _resolve_dest(dest)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="safetylab-samples-") as tmp:
        fresh_root = Path(tmp)
        generate(fresh_root)
        fresh = sorted(p.relative_to(fresh_root).as_posix() for p in fresh_root.rglob("*") if p.is_file())
        for rel in fresh:
            old_path = root / rel
            if not old_path.is_file():
                problems.append(f"{rel}: the file is missing.")
                continue
            problems += _compare_file(rel, (fresh_root / rel).read_bytes(), old_path.read_bytes())
        expected = set(fresh)
        for lesson in _lessons():
            folder = root / lesson
            if not folder.is_dir():
                continue
            for p in sorted(folder.rglob("*")):
                rel = p.relative_to(root).as_posix()
                if p.is_file() and not p.name.startswith(".") and rel not in expected:
                    problems.append(f"{rel}: this file is not made by the code (an extra file).")
    return problems
