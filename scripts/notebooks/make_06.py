"""Write notebooks/06_if_its_happening.ipynb (committed without outputs).

Run from anywhere: ``.venv/bin/python scripts/notebooks/make_06.py``. The
notebook is thin — prose and a few calls into :mod:`safetylab.evidence`,
:mod:`safetylab.help` and :mod:`safetylab.widgets.evidence` — and cell ids are
fixed, so running this again rewrites the same file.

The chat practice uses the scenario ``the_flip`` from ``safetylab/data/scenarios``.
"""

from __future__ import annotations


from _nb import write


CELLS: list[tuple[str, str]] = [
    ("md", """\
# Lesson 6 — If an image is being used against you

> **Content note.** This lesson talks about threats, pressure and coercion around intimate
> images. Nothing in it is explicit, and every chat, name and account in it is made up. Take a
> break whenever you need one, and skip any part you'd rather not do. If any of this is happening
> to you or to someone you know, section 5 lists services that help — and if you are in danger
> right now, call your local emergency number.

**If this is happening to you: it is not your fault, you are not in trouble, and it is
recoverable.** Everything below comes back to those three things.

In this lesson you will:

1. recognise the pattern — a warm, fast chat that flips to threats;
2. see why paying, or sending more, does not make it stop;
3. go through the **five steps** that help, in order;
4. make an **evidence kit** from sample screenshots, and look at its report;
5. find where to get help;
6. think about how to help a friend.

*Time: about 40 minutes. Nothing in this lesson uses the internet.*"""),
    ("md", """\
## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
    ("code", """\
import tempfile
from pathlib import Path

import safetylab
from safetylab import evidence, samples
from safetylab import help as help_list
from safetylab.widgets import evidence as evidence_widgets
from IPython.display import HTML, display

print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
    ("md", """\
## 1. The pattern

This kind of coercion (often called *sextortion*) tends to follow the same script, which is
why naming it helps. Here is a made-up example: screenshots of a chat with an account called
**Sky_22**. The photo that changes hands is shown only as a grey box."""),
    ("code", """\
story = [samples.SAMPLES[f"{samples.LESSON_IF_HAPPENING}/{name}"] for name in
         ("chat_1_friendly.png", "chat_2_request.png", "chat_3_threat.png", "chat_4_deadline.png")]
display(HTML(evidence_widgets.screenshots_html([samples.sample_path(s.key) for s in story],
                                               [s.description for s in story])))"""),
    ("md", """\
Read them left to right:

1. **A warm, fast start.** Lots of attention, shared interests, "I feel like I've known you for
   ages" — closeness that would normally take weeks arrives in an evening.
2. **The talk turns flirty,** and then comes the request, often as a trade: *"I sent you one, now
   it's your turn."* (A photo someone chose to send you creates no debt at all.)
3. **The flip.** The moment a photo is sent, the tone changes completely: *pay, or send more, or
   the photo goes to your followers and your family.* Often with a deadline, and *"don't tell
   anyone"*.

The friendliness at the start was not a sign of trust: it was how the trap was set. Being taken in
by someone who does this on purpose, again and again, is not a failure of judgement. The blame
sits entirely with the person making the threat."""),
    ("md", """\
## 2. Why paying, or sending more, does not end it

It feels as if one payment, or one more photo, will make it go away. It almost never does:

- **Paying shows the threat works.** The person now knows you will respond, so the usual next
  step is a bigger demand, not silence.
- **Every extra photo is more leverage,** and every extra detail (your school, your friends'
  names) is another thing to threaten you with.
- **There is no way to make them delete it.** A promise from someone who is threatening you is
  worth nothing.

The threat only works while it is being fed. Stopping — and getting help — is what changes things.
Keeping silent is what the threat relies on; telling someone takes its power away."""),
    ("md", """\
## 3. Five steps that help, in this order

1. **Stop paying and stop complying.** You don't have to reply at all, and you don't owe an
   explanation. Not answering is allowed.
2. **Send nothing more.** No photos, no money, no new details about yourself. Don't try to
   negotiate or argue: each message is something else they can use.
3. **Save the evidence** — *before* you block, because blocking can hide the chat. Screenshot the
   threats, the profile with the **username**, the messages, and any **payment requests**
   (amount, method, where to send it). Don't delete the chat. You don't need to copy the photo
   itself: the threats are the evidence.
4. **Block, then report.** Use the platform's Report button on the account (the profile in the
   screenshots has one). Most platforms treat threats to share intimate images as a serious
   violation and can remove the account and the content.
5. **Tell someone you trust, and get help.** A parent or carer, a teacher, a friend's parent, or
   one of the services in section 5 that deals with exactly this every day. If you are under 18,
   involving a trusted adult matters — you will not be in trouble for what was done *to* you.

You can tick the steps as you go. Use **Tab** to move between the boxes and **Space** to tick."""),
    ("code", """\
checklist = evidence_widgets.StepsChecklist()
checklist"""),
    ("md", """\
## Practise the five steps in a chat

Now that you know the steps, try them. This practice conversation starts after a photo was sent and the tone flips to a threat. It shows
a content note first; you can stop at any time. Choose what to do next and read the feedback.
Nothing you choose is saved or sent anywhere."""),
    ("code", """\
from safetylab.widgets.chat import ChatPractice

flip = ChatPractice("the_flip")
flip"""),
    ("md", """\
## 4. Make an evidence kit

Step 3 is easier to hand over when everything is together. safetylab's **evidence kit** takes a
folder of screenshots and exports and makes a *new* folder with:

- an exact copy of every file (your originals are never changed, moved or deleted);
- a **SHA-256 fingerprint** of every copy — a 64-character code that changes completely if even one
  byte of the file changes, so anyone can check later that nothing was edited;
- a **timeline**, using the time written inside each screenshot when there is one;
- your **notes** (usernames, platform, what was demanded, payment requests, dates);
- a printable **report** for a platform, a helpline or the police.

Nothing is uploaded: the kit stays on this computer until *you* choose to share it. Here it is
made from the lesson's sample screenshots, in a temporary folder, with notes like the ones a
learner might write:"""),
    ("code", """\
work = Path(tempfile.mkdtemp(prefix="evidence-lesson-"))
notes = evidence.Notes(
    usernames=["Sky_22", "@sky_22_music"],
    platform="a chat app (made up for this lesson)",
    demanded="200 in gift cards, then more photos",
    payments=[evidence.Payment("200", "gift card codes, 4 x 50", "sky22.pay@example.com")],
    dates=["Sat 14 Sept 20:14 first message", "Sun 15 Sept 19:33 first threat",
           "deadline Sun 15 Sept 21:00"],
    text="We met in the comments of a music video. After I sent a photo they threatened to send "
         "it to my followers unless I paid.",
)
kit = evidence.build_kit(evidence_widgets.default_folder(), work / "kit", notes)
print(kit.summary())"""),
    ("md", """\
Here is the report, as a helper would see it. Notice the timeline: each screenshot's time comes
from inside the image ("taken"), while `provenance.json` — a text file that describes the samples
— only has a file time, and the report says so. A kit copies every file, not only pictures."""),
    ("code", """\
display(HTML(evidence_widgets.report_preview_html(kit, height=560)))"""),
    ("md", """\
The fingerprints let anyone check the kit later. Right now everything matches. Then we change one
byte of one copy — in the temporary kit, never in your files — and check again:"""),
    ("code", """\
print(evidence.verify_kit(kit.bundle) or "All fingerprints match: nothing has changed.")

copy = kit.bundle / "files" / "chat_3_threat.png"
copy.write_bytes(copy.read_bytes()[:-1] + b"!")
for problem in evidence.verify_kit(kit.bundle):
    print(problem)"""),
    ("md", """\
### Your turn (only if you want to)

The form below makes a kit from a folder. It starts with the lesson's samples; if you ever need it
for real, put your screenshots in one folder and type its path. The notes are optional — write
what you know, in your own words. The kit goes into a **new** folder; nothing is uploaded, and your
original files are not changed.

From a terminal, the same thing is `safetylab evidence FOLDER -o NEW_FOLDER`."""),
    ("code", """\
maker = evidence_widgets.KitMaker(out_dir="my_evidence_kit")
maker"""),
    ("md", """\
### What the kit does not do
- **It does not remove the image** from anywhere, and it does not contact anyone: reporting is
  still step 4.
- **The fingerprints show the copies haven't changed since the kit was made.** They cannot prove
  when it was made, or who is behind an account.
- **File times can change** when files are copied or edited; the time written inside a
  screenshot is more reliable, and times shown *in* the picture (when a message was sent) are
  only in the picture — note the important ones yourself.
- **Keep a copy somewhere safe,** or give one to the person helping you."""),
    ("md", """\
## 5. Where to get help

These services deal with exactly this, every day. Reaching out is not getting into trouble.
Some of them can even help stop an image spreading **without you uploading it**: they make a
fingerprint (a hash) of the image on your own device, and partner platforms use it to find and
block copies."""),
    ("code", """\
display(HTML(help_list.help_html()))"""),
    ("md", """\
*Trainers:* you can add local services (or your school's safeguarding lead) in a file of your own —
see `safetylab.help` — and show them with
`help_list.help_html("Your region", extra="our_help.json")`."""),
    ("md", """\
## 6. If a friend tells you

If a friend tells you this is happening to them, the way you react matters a lot.

- **Listen, and believe them.** Stay calm. Thank them for telling you.
- **No blame.** Don't ask "why did you send it?". Say it clearly: *this is not your fault, you are
  not in trouble, and it can be sorted out.*
- **Don't ask to see the image, and never share it.** If someone sends it to you, don't forward
  it — report it.
- **Help with the five steps:** stop paying, send nothing more, save the evidence, block and report.
- **Go with them to get help** — a trusted adult, or one of the services above. You don't have to
  fix it yourself, and you shouldn't confront the person making threats.
- **Look after yourself too.** Hearing this can be hard; it's fine to talk to someone about it."""),
    ("md", """\
## Summary
- The pattern: a warm, fast chat, a flirty turn, a request ("your turn"), then the **flip to
  threats**. Naming it takes away much of its power.
- Paying or sending more doesn't end it; it shows the threat works.
- Five steps: **stop paying and complying, send nothing more, save the evidence, block then report,
  tell someone and get help.**
- An evidence kit keeps everything together, fingerprinted, with a report for the people helping
  you — and nothing is uploaded.
- The most reliable protection is still the photo that was never sent. But if it has happened:
  **it is not your fault, you are not in trouble, and it is recoverable.**"""),
]


if __name__ == "__main__":
    write(CELLS, "06_if_its_happening.ipynb", "l06")
