"""Write notebooks/05_your_photo_policy.ipynb (committed without outputs).

Run from anywhere: ``.venv/bin/python scripts/notebooks/make_05.py``. The
notebook is thin — prose and a few calls into :mod:`safetylab.policy` and
:mod:`safetylab.widgets.policy` — and cell ids are fixed, so running this again
rewrites the same file.
"""

from __future__ import annotations


from _nb import write


CELLS: list[tuple[str, str]] = [
    ("md", """\
# Lesson 5 — Your photo policy

It usually happens in the middle of a good conversation: things are flowing, and then comes
*"send a pic?"*. Saying no can feel rude, and sending feels small. This lesson is about deciding
**before** that moment, so the decision isn't made in the warm, flattering middle of a chat.

In this lesson you will:

1. learn the **three filters** a photo should clear before you send it;
2. recognise the common **pressure patterns**, and answers to them;
3. make a **pre-send report card** for a sample photo — and for one of yours, if you like;
4. practise saying no;
5. write **your own photo policy** and save it as a page you can print.

*Time: about 40 minutes. Nothing in this lesson uses the internet.*

> **A note before you start.** Part of this lesson mentions people who use photos to threaten
> others. Take a break whenever you want, and skip any part you'd rather not do. If something
> like this has happened to you or someone you know: it is **never the fault of the person
> targeted**, and it is more recoverable than it feels (lesson 6 goes through what helps)."""),
    ("md", """\
## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
    ("code", """\
import tempfile

import safetylab
from safetylab import policy, samples
from safetylab.widgets import policy as policy_widgets
from IPython.display import HTML, display

print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
    ("md", """\
## 1. Why decide in advance?

Decisions made in a flattering moment are the risky ones. When someone is warm, funny and
interested in you, "just one photo" feels like part of a nice conversation — and a sentence you
type is gone from the screen a minute later. A photo is different: it lasts longer than the moment,
travels further than you can follow, and can show more than you meant to put in it.

You don't need to swear off photos forever. You need a **policy**: a few rules you decide now, when
you're calm, and apply every time."""),
    ("md", """\
## 2. The three filters

Before a photo leaves your phone, it should clear three filters:"""),
    ("code", """\
display(HTML(policy_widgets.filters_html()))"""),
    ("md", """\
**Trust, when it's real, is patient.** "Later, once we actually know each other" is almost always
the right answer — and a real connection survives the wait.

Most people who ask for a photo mean no harm. But you can't tell in advance who does, and you are
the one who pays if you guess wrong."""),
    ("md", """\
## 3. Pressure patterns

A photo is rarely demanded outright. It is usually asked for in ways that make "no" feel unfair
or unkind. Naming the pattern takes away most of its power:"""),
    ("code", """\
display(HTML(policy_widgets.patterns_html()))"""),
    ("md", """\
Three things to remember:

- **"I don't send photos."** is a complete sentence. You don't owe an apology or a reason.
- **A photo they chose to send creates no debt.** Nobody can put you in debt by giving you
  something you didn't ask for.
- **If they push past a clear no, the pushing is the answer.** Someone who treats your no as a
  broken deal is showing you how they'll treat your limits later. It's a reasonable moment to leave."""),
    ("md", """\
## 4. The pre-send report card

Some things a computer can check — the **file** (GPS, names, serial numbers, the time, a hidden
preview, as in lesson 3). Others only you can answer: how well you know the person, and how you'd
feel if the photo were kept forever. The report card puts both together, filter by filter.

Here is what the automatic checks find in the holiday photo from lesson 3:"""),
    ("code", """\
holiday = samples.sample_path("landmark_gps.jpg")
for finding in policy.automatic_checks(holiday):
    print(f"[{finding.level}] {finding.message}")"""),
    ("md", """\
Now imagine the chat behind it. You've been talking to someone for three days. It got warm and
personal very quickly. They sent a photo of themselves, and now they say it's your turn — and
they keep asking. Here are the answers to the card's questions for that situation (each line is one
question; the words after `#` say what it means):"""),
    ("code", """\
three_day_chat = {
    "known_for": "days",          # we've talked for three days
    "someone_knows": "no",        # nobody I trust knows about them
    "pushing": "yes",             # they keep asking
    "their_photo": "your_turn",   # "I sent one, now it's your turn"
    "fast": "yes",                # it got personal very fast
    "face": "no",                 # the tower, not me
    "background": ["window"],     # a famous tower: anyone can tell where this is
    "posted": "no",               # not on my public profiles
    "family": "unsure",
    "years": "unsure",
    "public": "no",
    "hostile": "maybe",
    "disappearing": "yes",        # "it disappears after they open it"
}
card = policy.report_card(holiday, three_day_chat)
display(HTML(policy_widgets.card_html(card)))"""),
    ("md", """\
Every filter says something here — and the file alone would be enough to wait: it tells anyone who
gets it where the photo was taken and whose camera took it.

Now a photo with a clean file — rolling hills, no metadata at all — with the reassuring answer
to every question:"""),
    ("code", """\
hills = samples.sample_path("clean.jpg")
calm_answers = policy.reassuring_answers()
card = policy.report_card(hills, calm_answers)
display(HTML(policy_widgets.card_html(card)))"""),
    ("md", """\
No automatic flags, and every filter is clear. But read the small print on the card: some checks
are **not done yet** in this version (faces and writing in the picture), and some things **no
software can check** — whether the person is who they say they are, and what they'll do with the photo.

**Try it:** change a single answer and see which filter changes. For example, if they are rushing you:"""),
    ("code", """\
rushed = dict(calm_answers, pushing="yes")
for result in policy.report_card(hills, rushed).results:
    print(f"{result.title}: {result.label}")"""),
    ("md", """\
One pushy answer is enough for the trust filter to say **don't send**, however clean the file is."""),
    ("md", """\
## 5. Make a report card yourself

Pick a sample photo — or one of your own — answer the questions, and press **Make my report card**.
Your own photo is read here, on this computer: it is not uploaded, it is not shown or saved in this
notebook, and **Forget my photo** deletes the temporary copy. If you'd rather not use your own photo,
the samples work just as well."""),
    ("code", """\
card_maker = policy_widgets.ReportCardWidget()
card_maker"""),
    ("md", """\
## 6. Practise saying no

Saying no gets easier with practice. Each of these is a complete answer — no reason needed:"""),
    ("code", """\
from safetylab import content
for line in content.no_starters():
    print("•", line)"""),
    ("md", """\
## Practise in a chat

Decisions are easier when you have made them before. Pick a conversation below and choose your
replies; after each one you will see why it helps or what it risks, and a short debrief at the
end. Nothing you choose is saved or sent anywhere. Two scenarios touch on threats and on helping
a friend: they show a content note first, and you can skip them."""),
    ("code", """\
from safetylab.widgets.chat import ScenarioPicker

picker = ScenarioPicker()
picker.select("send_a_pic")
picker"""),
    ("md", """\
## 7. Write your own photo policy

Now write your rules in your own words. The grey text in each box is an example; **Fill empty
fields with the examples** copies them in for you to change. The preview updates as you type.

**Save my policy** writes a page into the folder `my_policy` next to this notebook (you can type
another folder). It never replaces an earlier file: a second save gets `-2` in its name. Open the
page in your browser to print it, or print it to PDF. On a shared computer, take the file with you
and delete it afterwards."""),
    ("code", """\
writer = policy_widgets.PolicyWriter(folder="my_policy")
writer"""),
    ("md", """\
Here is an example written by a fictional learner, Sam. It is saved twice into a temporary folder
(deleted straight afterwards, so this lesson leaves no files behind) to show that saving never
overwrites an earlier file:"""),
    ("code", """\
sams_policy = policy.PersonalPolicy(
    title="Sam's photo policy",
    share_with="Photos of my face: only friends I know in real life.\\nPeople I only know online: no photos of me.",
    never_in_background="My school uniform or badge.\\nThe view from my window.\\nMy street or house number.",
    before_sending="The three filters.\\nCheck the file, and send a clean copy.\\nLook at the whole picture.",
    saying_no="I don't send photos.\\nNot now. Maybe later, once we actually know each other.",
    if_pushed="I leave the chat. If there's a threat: the five steps.",
    who_i_tell="My older sister, or a support service.",
)
with tempfile.TemporaryDirectory(prefix="policy-example-") as example_folder:
    first = policy.save_policy(sams_policy, example_folder)
    second = policy.save_policy(sams_policy, example_folder)
    print("Saved", first.name, "and then", second.name, "— the first one was not replaced.")
display(HTML(policy.policy_html(sams_policy, page=False)))"""),
    ("md", """\
## 8. What you can do — and what a policy does not protect against

### What you can do
- Keep photos that could identify you for people who've **earned real trust, over time**.
- Run the three filters every time, and check and clean the file before you send
  (`safetylab check photo.jpg`, `safetylab scrub photo.jpg`).
- Refuse the "your turn" trade without apology: **"I don't send photos."**
- Leave when someone pushes past a clear no.
- Keep your policy somewhere you'll see it, and tell a friend about it — policies are easier to
  keep when someone else knows them.

### What a policy does not protect against
- **A sent photo is out of your hands.** A policy helps you decide; it cannot take a photo back,
  and a "clear" card is not a promise.
- **The checks can't see everything.** In this version faces and writing in the picture are not
  checked automatically, and views, uniforms and reflections never are: look yourself.
- **It can't tell you who someone really is.** Accounts can be fake, or taken over.
- **Photos other people take or share of you** are not covered by your own policy.

If a photo is ever used against you, the blame sits entirely with the person making the threat —
not with you, whatever you sent. Lesson 6 goes through the steps that help."""),
    ("md", """\
## Summary
- Decide your photo policy **before** the moment, not in the middle of a flattering chat.
- The three filters: **trust** (earned over time), **identity and place** (face, background,
  file), **permanence** (saved, forwarded, public, forever).
- "I don't send photos." is a complete sentence; a photo they chose to send creates no debt;
  pushing past a no is the answer.
- The safest photo is still the one you chose not to send."""),
]


if __name__ == "__main__":
    write(CELLS, "05_your_photo_policy.ipynb", "l05")
