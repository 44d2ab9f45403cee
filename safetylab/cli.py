"""The ``safetylab`` command: the same functions as the notebooks, from a terminal.

Exit codes: 0 every photo was read; 1 some photo could not be read (it gets one
plain line, or an ``"error"`` in JSON); 2 bad usage. No traceback is ever shown
for a bad file, and no user file is ever changed.

What this does not protect against: the command reports and cleans files; it
cannot tell who will see a photo, or hide what the picture itself shows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from pathlib import Path

from .errors import OutputError, SafetyLabError

__all__ = ["main", "format_report", "shown"]

@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence messages that C libraries (libtiff, libjpeg) print straight to stderr."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


#: Characters a terminal acts on instead of showing: C0 and C1 controls (escape sequences
#: can move the cursor, rewrite or hide lines), bidirectional overrides (they reorder
#: text), and the bytes of a file name that is not valid UTF-8 (lone surrogates).
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_UNSHOWN_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: control characters shown escaped (``\\x1b``), not acted on.

    Examples
    --------
    >>> shown("Canon\\x1b[2J EOS\\n")
    'Canon\\\\x1b[2J EOS\\\\x0a'
    """
    return _UNSHOWN.sub(_escape, str(text))


class _Failure(str):
    """A one-line failure message; ``output`` is True when the output (not the photo) is to blame."""

    output = False


def _safe(fn, *args, **kw):
    """Run ``fn``; turn any failure into ``(None, one-line message)``."""
    try:
        with _quiet_native_stderr():
            return fn(*args, **kw), None
    except OutputError as e:
        failure = _Failure(str(e))
        failure.output = True
        return None, failure
    except SafetyLabError as e:
        return None, str(e)
    except (KeyboardInterrupt, SystemExit):
        raise
    except RecursionError:
        return None, "The file is damaged: its structure loops back on itself."
    except MemoryError:
        return None, "The file is too large to handle on this computer."
    except Exception as e:  # last resort: still one plain line, never a traceback
        return None, f"The file could not be read (unexpected {type(e).__name__})."


def format_report(rep) -> str:
    """A report as plain text for a terminal: the lessons' rows (:func:`safetylab.report.rows`, with the
    exact GPS coordinates and block names), then the risks."""
    from .report import NOT_CHECKED, NOTHING_FOUND, rows

    table = rows(rep, exact=True)
    width = max(len(label) for label, _ in table) + 2
    lines = [f"  {label:<{width}}{shown(value)}" for label, value in table]
    if rep.risks:
        lines.append("  What this file gives away:")
        lines += [f"   [{r.level}] {shown(r.message)}" for r in rep.risks]
    else:
        lines.append("  " + NOTHING_FOUND)
    lines.append("  " + NOT_CHECKED)
    return "\n".join(lines)


def _cmd_check(args) -> int:
    from .report import check, error_report

    reports, failed = [], False
    for p in args.photos:
        rep, err = _safe(check, p, faces=not args.no_faces, texts=not args.no_texts)
        if err:
            failed = True
            rep = error_report(p, SafetyLabError(err))
        reports.append(rep)
    if args.json:
        data = [r.to_dict() for r in reports]
        text = json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False)
        # JSON escapes C0 controls itself; the rest as \\uXXXX keeps it valid JSON
        print(_UNSHOWN_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    else:
        for i, rep in enumerate(reports):
            if i:
                print()
            if rep.error:
                print(shown(f"safetylab: {rep.file + ': ' if rep.file else ''}{rep.error}"), file=sys.stderr)
            else:
                print(format_report(rep))
    return 1 if failed else 0


def _cmd_scrub(args) -> int:
    from .scrub import scrub

    failed = False
    for p in args.photos:
        res, err = _safe(scrub, p, args.out_dir, keep_icc=not args.remove_icc,
                         neutral_name=args.neutral_name)
        if err:
            failed = True
            print(shown(f"safetylab: {Path(p).name + ': ' if Path(p).name else ''}{err}"), file=sys.stderr)
            continue
        print(shown(res.summary()))
        if not res.clean:
            failed = True
    if not failed:
        print("Removing metadata does not hide what the picture shows: "
              "check the background and your face before you send it.")
    return 1 if failed else 0


def _region(text: str) -> tuple[int, int, int, int]:
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("a region is X,Y,W,H in pixels, e.g. 10,20,200,100") from None
    if w <= 0 or h <= 0:
        raise argparse.ArgumentTypeError("a region needs a width and height above 0")
    return x, y, w, h


def _cmd_redact(args) -> int:
    from .redact import redact_file

    res, err = _safe(redact_file, args.photo, args.output, mode=args.mode, regions=args.region or ())
    if err:
        blamed = "" if getattr(err, "output", False) else f"{Path(args.photo).name}: "
        print(shown(f"safetylab: {blamed}{err}"), file=sys.stderr)
        return 1
    print(shown(res.summary()))
    print("A hidden face does not hide the background, the file's details, or who you sent it to.")
    return 0


def _cmd_samples(args) -> int:
    from . import samples

    if args.check:
        problems, err = _safe(samples.check)
        if err:
            print(f"safetylab: {err}", file=sys.stderr)
            return 1
        for line in problems:
            print(line)
        print("sample_images match the code." if not problems else
              f"{len(problems)} difference(s): run 'safetylab samples' to rebuild.")
        return 1 if problems else 0
    written, err = _safe(samples.generate)
    if err:
        print(f"safetylab: {err}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} sample files.")
    return 0


def _cmd_evidence(args) -> int:
    from .content import steps
    from .evidence import NOT_YOUR_FAULT, build_kit, load_notes, plan_kit

    notes = None
    if args.notes:
        notes, err = _safe(load_notes, args.notes)
        if err:
            print(f"safetylab: {err}", file=sys.stderr)
            return 1
    plan, err = _safe(plan_kit, args.folder)
    if err:
        print(f"safetylab: {err}", file=sys.stderr)
        return 1
    print(plan.summary())
    print()
    if not args.yes:
        if not sys.stdin.isatty():
            print("safetylab: look at the list above, then run the same command with --yes to copy these "
                  "files (nothing was copied).", file=sys.stderr)
            return 2
        answer = input(f"Copy these {len(plan.files)} files into a new kit? Type yes to go on: ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was copied.")
            return 1
    kit, err = _safe(build_kit, args.folder, args.out, notes, plan=plan)
    if err:
        print(f"safetylab: {err}", file=sys.stderr)
        return 1
    print(kit.summary())
    print()
    print("You did the right thing by saving this. What comes next:")
    for step in steps():
        print(f"  {step.number}. {step.title}. {step.why}")
        if step.under_18:
            print(f"     Under 18: {step.under_18}")
    print(NOT_YOUR_FAULT)
    return 0


def _cmd_handouts(args) -> int:
    from .errors import OutputError
    from .handouts import make_handouts
    from .help import HelpError

    if args.pack is not None and not Path(args.pack).is_dir():
        print(f"safetylab: --pack {args.pack}: is not a folder (a course pack is a folder of data files)",
              file=sys.stderr)
        return 2
    lessons = [x for x in args.lessons.split(",") if x.strip()] if args.lessons else None
    try:
        made = make_handouts(args.out, args.region, lessons, args.pack)
    except (HelpError, ValueError) as e:  # an unknown region or lesson: nothing was written
        print(f"safetylab: {e}", file=sys.stderr)
        return 2
    except (OutputError, SafetyLabError) as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {len(made)} handouts (no file was replaced):")
    for m in made:
        print(f"  {m.path}")
    print("Open one in a web browser and print it (or save it as a PDF): each fits one A4 or Letter page.")
    return 0


def _cmd_pack(args) -> int:
    from .pack import check, new

    if args.action == "new":
        written, err = _safe(new, args.folder)
        if err:
            print(f"safetylab: {err}", file=sys.stderr)
            return 2 if Path(args.folder).exists() else 1
        print(f"Made a course pack in {args.folder} ({len(written)} files): read its README.md, "
              f"replace the examples with your own, then run 'safetylab pack check {args.folder}'.")
        return 0
    if not Path(args.folder).is_dir():
        print(f"safetylab: {args.folder}: is not a folder (safetylab pack new {args.folder} makes a pack)",
              file=sys.stderr)
        return 2
    found, err = _safe(check, args.folder)
    if err or found is None:
        print(f"safetylab: {err}", file=sys.stderr)
        return 1
    for line in found.problems:
        print(line)
    for line in found.notes:
        print(f"note: {line}")
    print(found.summary(), file=sys.stderr if found.problems else sys.stdout)
    return 0 if found.ok else 1


def _cmd_lab(args) -> int:
    from .lab import main as lab_main

    return lab_main(args.extra)


def _cmd_app(args) -> int:
    from .app import main as app_main

    return app_main(args.extra)


def _cmd_class(args) -> int:
    from .classroom.command import main as class_main

    return class_main(args.extra)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="safetylab",
        description="See what a photo gives away before you send it. Nothing leaves this computer.")
    from . import __version__

    ap.add_argument("--version", action="version", version=f"safetylab {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", required=True)

    c = sub.add_parser("check", help="pre-send report: what a photo file gives away")
    c.add_argument("photos", nargs="+", metavar="PHOTO")
    c.add_argument("--json", action="store_true", help="print JSON (one object per photo)")
    c.add_argument("--no-faces", action="store_true", help="skip the face search (faster; faces: null)")
    c.add_argument("--no-texts", action="store_true",
                   help="skip reading text in the picture (faster; texts: null)")
    c.set_defaults(func=_cmd_check)

    s = sub.add_parser("scrub", help="write cleaned copies (the originals are never changed)")
    s.add_argument("photos", nargs="+", metavar="PHOTO")
    s.add_argument("-o", "--out-dir", metavar="DIR", default=None,
                   help="folder for the clean copies (default: next to each photo)")
    s.add_argument("--remove-icc", action="store_true",
                   help="also remove the colour profile (kept by default: it holds no personal data)")
    s.add_argument("--neutral-name", action="store_true",
                   help="give copies neutral names (IMG_20240601... gives away the date)")
    s.set_defaults(func=_cmd_scrub)

    r = sub.add_parser("redact", help="hide faces (and chosen regions) in a new file")
    r.add_argument("photo", metavar="PHOTO")
    r.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="the new file (.png keeps every other pixel exactly; .jpg is smaller)")
    from .redact import MODES

    r.add_argument("--mode", choices=MODES, default="fill",
                   help="fill (default: the only one that holds), blur or pixelate")
    r.add_argument("--region", type=_region, action="append", metavar="X,Y,W,H",
                   help="also hide this box (repeatable)")
    r.set_defaults(func=_cmd_redact)

    m = sub.add_parser("samples", help="rebuild sample_images/ from code (or --check them)")
    m.add_argument("--check", action="store_true", help="only verify the files match the code")
    m.set_defaults(func=_cmd_samples)

    e = sub.add_parser("evidence", help="evidence kit: copies, SHA-256 manifest, timeline, report "
                                         "(nothing is uploaded; originals are not changed)")
    e.add_argument("folder", metavar="FOLDER", help="the folder with your screenshots and exports")
    e.add_argument("-o", "--out", metavar="BUNDLE", required=True,
                   help="the new folder to make the kit in (outside FOLDER)")
    e.add_argument("--notes", metavar="NOTES.json", default=None,
                   help="your notes: usernames, platform, what was demanded, payment requests, dates, text")
    e.add_argument("--yes", action="store_true",
                   help="copy without asking (the files are still listed first; leave the image itself out)")
    e.set_defaults(func=_cmd_evidence)

    h = sub.add_parser("handouts", help="printable one-page handouts: the three filters, the steps with a "
                                          "region's help lines, a letter for parents and carers")
    h.add_argument("-o", "--out", metavar="DIR", required=True,
                   help="the folder to write them in (made if missing; no file in it is replaced)")
    h.add_argument("--region", metavar="REGION", default=None,
                   help="one region of the help list, e.g. 'United Kingdom' or UK (default: one of each per region)")
    h.add_argument("--lessons", metavar="1,3,5,6", default=None,
                   help="the lessons your class took, for the letter (default: all)")
    h.add_argument("--pack", metavar="DIR", default=None,
                   help="a course pack folder: your own steps.json, help_resources.json, handouts.json, ...")
    h.set_defaults(func=_cmd_handouts)

    k = sub.add_parser("pack", help="a trainer's own course pack: photos, scenes, chats, profiles, help, lessons")
    k.add_argument("action", choices=("new", "check"),
                   help="new: make a commented example pack in a new folder; check: check everything in one")
    k.add_argument("folder", metavar="DIR", help="the pack's folder")
    k.set_defaults(func=_cmd_pack)

    a = sub.add_parser("app", add_help=False,
                       help="open the lessons in learner mode: in the browser, without code "
                            "(safetylab app --help for its options)")
    a.set_defaults(func=_cmd_app)

    lab = sub.add_parser("lab", add_help=False,
                         help="open the lessons in JupyterLab: trainer mode "
                              "(safetylab lab --help for its options; others go to JupyterLab)")
    lab.set_defaults(func=_cmd_lab)

    cl = sub.add_parser("class", add_help=False,
                        help="run a class: learners join from their browsers with a class code "
                             "(safetylab class --help for its options; Linux and macOS)")
    cl.set_defaults(func=_cmd_class)
    return ap


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # never a traceback for a character a terminal cannot show
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("lab", "app", "class"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("safetylab: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
