"""Write notebooks/00_start_here.ipynb (committed without outputs).

Run from anywhere: ``.venv/bin/python scripts/notebooks/make_00.py``. Cell ids
are fixed, so running this again rewrites the same file. The list of lessons is
checked when the notebook runs (which lesson notebooks are present), so it stays
true as lessons are added.
"""

from __future__ import annotations


from _nb import write


CELLS: list[tuple[str, str]] = [
    ("md", """\
# Start here

Welcome to **safetylab**, a short course on sharing photos with people you meet online.

A photo feels like a sentence, but it behaves like a permanent record. It can show more than you
meant to put in it — your face, the place behind you, details hidden in the file — and once it is
sent, it is no longer yours to control. This course shows how, with photos made for the course,
and helps you decide in advance what you will and won't send.

Most people you meet online mean no harm. The course isn't about distrusting everyone; it's about
knowing what a photo gives away, so the choice is really yours.

*Everything in this course runs on this computer. Nothing is uploaded, and no internet is needed.*"""),
    ("md", """\
## Check your environment
Run the cell below: click it, then press **Shift + Enter**. It checks that everything the lessons
need is installed, and that it works with the network switched off."""),
    ("code", """\
import importlib
import platform
import socket

import safetylab
from safetylab import report, samples
from IPython.display import HTML, display

print(f"Python {platform.python_version()}, safetylab {safetylab.__version__}")
missing = []
for name in ["PIL", "numpy", "matplotlib", "pillow_heif", "ipywidgets"]:
    try:
        module = importlib.import_module(name)
        print(f"  {name:12} {getattr(module, '__version__', 'installed')}")
    except ImportError:
        missing.append(name)
        print(f"  {name:12} MISSING")

# Offline check: switch Python's network access off, then read a sample photo and
# name the place it was taken. It works because the place list comes with the course.
def no_network(*args, **kwargs):
    raise OSError("the network is switched off for this check")

real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo
socket.socket.connect, socket.getaddrinfo = no_network, no_network
try:
    place = report.check(samples.sample_path("landmark_gps.jpg")).gps["place"]
    print(f"  offline      read a sample photo and named its place ({place}) with the network off")
except Exception as err:  # one plain line, not a traceback
    place = None
    print(f"  offline      could not read a sample photo with the network off: {err}")
finally:
    socket.socket.connect, socket.getaddrinfo = real_connect, real_lookup

if missing or not place:
    print("Not ready yet: run 'make lab' in the course folder (while online, once), then restart.")
else:
    print(f"safetylab {safetylab.__version__} is ready. Everything in this course works offline.")"""),
    ("md", """\
## The lessons

Take them in this order — each one builds on the one before. Lessons are added to the course over
time; the table shows which ones are in your copy."""),
    ("code", """\
from pathlib import Path
import html

COURSE = [
    ("01", "Your face is a search key",
     "How one clear photo can be matched with other photos of you, linking a chat to your real name."),
    ("02", "The background gives away the place",
     "Window views, street signs, uniforms and reflections: reading a place from what is behind you."),
    ("03", "What your photo file says",
     "GPS, time, device and names hidden in the file; making a clean copy."),
    ("04", "Screenshots are forever",
     "Why “disappearing” photos and “delete” don't bring a photo back."),
    ("05", "Your photo policy",
     "The three filters, pressure patterns, a pre-send report card, and your own rules."),
    ("06", "If it's happening",
     "If a photo is being used to threaten you: the steps that help, and where to get help."),
]

# Look for the lesson notebooks next to this one, and in the course's own notebooks folder.
folders = [Path.cwd(), Path(safetylab.__file__).resolve().parent.parent / "notebooks"]

def find_lesson(number):
    for folder in folders:
        found = sorted(folder.glob(f"{number}_*.ipynb"))
        if found:
            return found[0]
    return None

rows = []
for number, title, what in COURSE:
    notebook = find_lesson(number)
    if notebook is None:
        status = "Coming soon"
    elif notebook.parent == Path.cwd():
        status = f'<a href="{html.escape(notebook.name)}">Ready: open {html.escape(notebook.name)}</a>'
    else:
        status = f"Ready: {html.escape(notebook.name)}"
    rows.append(f'<tr><th scope="row" style="text-align:left">{number}</th>'
                f'<td style="text-align:left"><strong>{html.escape(title)}</strong><br>{html.escape(what)}</td>'
                f'<td style="text-align:left">{status}</td></tr>')
display(HTML('<table style="font-size:1.05em"><caption style="text-align:left;font-weight:bold">'
             'The lessons, in order</caption><tr><th scope="col">#</th><th scope="col" style="text-align:left">'
             'Lesson</th><th scope="col" style="text-align:left">In your copy</th></tr>'
             + "".join(rows) + "</table>"))"""),
    ("md", """\
## How to move through a lesson

- **Run one cell:** click it, then press **Shift + Enter**. The next cell is selected, so you can
  keep pressing Shift + Enter to go through the lesson step by step.
- **Run everything:** menu **Run → Run All Cells**.
- **Start again:** menu **Kernel → Restart Kernel and Clear Outputs of All Cells…**, then run from the top.
  Do this if something looks stuck or a cell complains that a name is not defined (usually a cell
  above it was skipped).
- Buttons, boxes and drop-down lists in the lessons work with the mouse or the keyboard
  (**Tab** to move, **Space** or **Enter** to press).
- You can change the code and run it again — you can't break anything. The sample photos are made
  by the course, and your own photos are never changed: cleaned copies are always new files.
- If you use one of your own photos, it stays on this computer and is not saved into the notebook."""),
    ("md", """\
## Before you begin: a note on the later lessons

Lessons 5 and 6 talk about people who pressure others for photos, and who use photos to threaten
them. Nothing in the course is explicit, but the topic can be heavy.

- **Take breaks** whenever you like, and **skip** any part you'd rather not do.
- If something like this has happened to you or to someone you know: **it is never the victim's
  fault**. The blame sits entirely with the person making the threats. It is also more recoverable
  than it feels — lesson 6 goes through what helps."""),
    ("md", """\
## Where to get help

- **Talk to someone you trust**: a friend, someone in your family, a teacher or a trainer.
- If someone is threatening to share a photo of you: don't pay and don't send anything more, keep
  the messages, block and report the account on the platform, and tell someone. Many regions have
  support services and reporting channels for image-based abuse; a trusted adult or your school can
  help you find yours.
- If you are in danger right now, call your local emergency number."""),
    ("code", """\
import importlib.util

# safetylab.help (where to find help, country by country) is being written for lesson 6 and
# may not be in this version yet. This guard keeps the notebook running either way.
if importlib.util.find_spec("safetylab.help") is not None:
    from safetylab import help as course_help
    display(HTML(course_help.help_html()))
else:
    print("More help pages come with lesson 6; the list above is the short version.")"""),
    ("md", """\
## Ready?

Open the first lesson in your copy from the table above (in JupyterLab, the file browser on the
left lists them all). Each lesson ends with **what you can do** — and with what that step does
**not** protect against, so you know where its limits are."""),
]


if __name__ == "__main__":
    write(CELLS, "00_start_here.ipynb", "l00")
