"""Write notebooks/04_screenshots_are_forever.ipynb (committed without outputs).

Run from anywhere: ``.venv/bin/python scripts/notebooks/make_04.py``. The notebook
is thin — prose and a few calls into :mod:`safetylab.permanence` and
:mod:`safetylab.widgets.permanence` — and cell ids are fixed, so running this
again rewrites the same file.
"""

from __future__ import annotations

from _nb import write

CELLS: list[tuple[str, str]] = [
    ("md", """\
# Lesson 4 — Screenshots are forever

Some apps offer photos that "disappear": they can be viewed once, or for a few seconds, and then
they are gone. Others offer buttons to delete a message "for everyone". These features are
**comfort, not protection**. In this lesson you will see why:

1. a "view once" photo, and two ways to capture it while it is on the screen;
2. where copies of a sent photo live, and what each delete button really reaches;
3. how far a photo can travel once people start forwarding it;
4. edits that do not erase a photo's link to the original;
5. what you can do.

*Time: about 30 minutes. Nothing in this lesson uses the internet. All pictures are samples made
for the course.*"""),
    ("md", """\
## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
    ("code", """\
%matplotlib inline
import safetylab
from safetylab.widgets import show_figure
from safetylab import permanence, samples
from safetylab.widgets import permanence as lesson
from IPython.display import HTML, display

print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
    ("md", """\
## 1. A photo that disappears

Press **Open the photo**. Like a "view once" message, it disappears after a few seconds. While it
is visible, try **Take a screenshot** or **Photograph the screen with a second phone**.

A second phone pointed at the screen makes a copy silently: nothing happens on the first phone,
so no app can notice or send a notification."""),
    ("code", """\
view = lesson.ViewOnce(samples.sample_path("sent_in_chat_same_photo.jpg"), seconds=6)
view"""),
    ("md", """\
If you did not get to press a button in time, here is the same capture made in code: a photo of
the screen taken by a second phone, beside the original."""),
    ("code", """\
original = samples.sample_path("sent_in_chat_same_photo.jpg")
view.show()
check = view.capture("second_phone")
view.hide()
fig = lesson.plot_capture(view.picture, view.copy, check, how="A second phone's photo of the screen")
display(HTML(lesson.link_html(check, "A second phone's photo of the screen")))
print(fig.text_alternative)
show_figure(fig)"""),
    ("md", """\
The copy is blurrier, tilted and has glare — and it **still matches** the original, both as the
same picture (its perceptual hash, from lesson 1) and as the same face."""),
    ("md", """\
### Does that work for every photo?

Here is the same second-phone capture for every sample photo in the course (except the chat
screenshots of lesson 6). The bars show how many of the 256 bits of the picture's hash changed;
at or under the dashed line, a search still finds the original."""),
    ("code", """\
results = permanence.capture_survey()
display(HTML(lesson.survey_html(results)))
fig = lesson.plot_capture_survey(results)
print(fig.text_alternative)
show_figure(fig)"""),
    ("md", """\
A capture the hash misses has not disappeared: it still exists, and it still shows everything
the photo showed. A face in it can still be found by a face search."""),
    ("md", """\
## 2. Where copies live

A photo you send does not live in one place. Press the delete buttons below and watch what each
one typically removes — and what it cannot reach."""),
    ("code", """\
copies = lesson.CopiesExplorer()
copies"""),
    ("md", """\
The same, step by step, for a projector or a printout:"""),
    ("code", """\
state = permanence.initial_copies()
for button in ("delete_for_me", "delete_for_everyone", "unsend"):
    state = permanence.apply_delete(state, button)
    print(permanence.copies_summary(state))
fig = lesson.plot_copies(state)
print(fig.text_alternative)
show_figure(fig)"""),
    ("md", """\
Delete buttons work inside the chat. **Copies that have already left the chat — a screenshot, a
backup, a forward — are out of reach.** What each button does also depends on the app, its version
and its settings, and it changes over time: treat the diagram as typical behaviour, not a promise."""),
    ("md", """\
## 3. How far a forwarded photo travels

Imagine a made-up network of 1,000 people. The photo goes to someone the sender met online — a
stranger, three introductions away. Each person who gets it forwards it, with some chance, to a
group of their contacts. Move the sliders: the chance to forward, and the size of the groups."""),
    ("code", """\
forwarding = lesson.ForwardingExplorer()
forwarding"""),
    ("md", """\
Most people who receive a photo never forward it. But it only takes a few who do. The simple
theory says the number of copies grows like *1 + R + R² + …*, where *R* = chance × group size:
when *R* is above 1, each round makes more copies than the one before."""),
    ("code", """\
for p, m in [(0.1, 3), (0.3, 4), (0.5, 5)]:
    r = permanence.simulate_forwarding(forwarding.graph, p, m)
    print(f"chance {p:.0%}, groups of {m}: about {r.mean_copies[-1]:.0f} copies after {r.steps} rounds; "
          f"reached someone the sender knows in {r.chance_known[-1]:.0%} of runs "
          f"(theory for new people only: {permanence.expected_copies(r.steps, p, m):,.0f})")"""),
    ("md", """\
The photo went to a stranger — and it can still come back to the sender's own circle: friends,
classmates, family. Networks of people are small worlds."""),
    ("md", """\
## 4. Edits that do not erase

Cropping, shrinking, recompressing or screenshotting a photo changes the file, not the picture.
Each copy below still matches the original. (Lesson 3 showed another way an edit can fail to
erase: a thumbnail hidden in the file that still shows what was cropped out.)"""),
    ("code", """\
display(HTML(lesson.edits_html(permanence.edit_survey(samples.sample_path("landmark_gps.jpg")))))"""),
    ("code", """\
from safetylab.widgets import file_says
fig = file_says.plot_thumbnail(samples.sample_path("cropped_thumbnail.jpg"))
print(fig.text_alternative)
show_figure(fig)"""),
    ("md", """\
## 5. What you can do

The honest rule is simpler than tracking which app does what: **once a photo is sent, assume it is
permanent and could become public.** Not because most people are malicious — most aren't — but
because you can't tell in advance who is, and you are the one who bears the cost of being wrong.

### What you can do
- Before you send, ask: *would I be fine if this were saved, forwarded and seen by anyone, for
  years?* If not, don't send it — "later, once we actually know each other" is a complete answer.
- Don't rely on "view once", disappearing messages or delete buttons to protect a photo.
- Send less: crop out your face and background, and clean the file (lesson 3) — it limits what a
  copy gives away.
- If a photo of you is being passed around, it is not your fault, and there is help: lesson 6
  covers what to do.

### What this does not protect against
- Deleting after sending does not remove copies already made: screenshots, photos of the screen,
  backups and forwards.
- "Screenshot alerts" in some apps do not catch a second phone.
- The simulations here are simplified models made to teach; real apps and real people vary."""),
    ("md", """\
## Summary
- A "disappearing" photo can be captured while it is visible, silently, and the copy still leads
  back to the original.
- Delete buttons reach copies inside the chat, not copies that have already left it.
- A forwarded photo can spread fast and come back to people you know.
- Once sent, assume it is permanent and could become public."""),
]


if __name__ == "__main__":
    write(CELLS, "04_screenshots_are_forever.ipynb", "l04")
