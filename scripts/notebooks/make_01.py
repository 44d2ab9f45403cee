"""Write notebooks/01_your_face_is_a_search_key.ipynb (committed without outputs).

Run from anywhere: ``.venv/bin/python scripts/notebooks/make_01.py``. Cell ids
are fixed, so running this again rewrites the same file. Every number the
notebook shows is computed when it runs; the prose states no result that the
code does not print.
"""

from __future__ import annotations


from _nb import write


CELLS: list[tuple[str, str]] = [
    ("md", """\
# Lesson 1 — Your face is a search key

A clear photo of your face can be matched with other pictures of you that are already online: an
old profile picture, a friend's tagged photo, an avatar you forgot about. One match is enough to
connect an anonymous chat to your real name.

In this lesson you will watch that happen — on this computer, with a made-up gallery of profiles:

1. find a profile from a photo that was **reused** (the same picture, screenshotted and recompressed);
2. see how sturdy a picture's "fingerprint" is, and what changes it;
3. find a profile from a **different** photo of the same face;
4. compare ways of hiding a face, and see which ones actually hold;
5. try it with your own photos, if you like — they stay on this computer.

*Time: about 35 minutes. Nothing in this lesson uses the internet.*"""),
    ("md", """\
## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
    ("code", """\
%matplotlib inline
import safetylab
from safetylab.widgets import show_figure
from safetylab import faces, hashing, linking
from safetylab.widgets import face_key
from IPython.display import HTML, display

missing = [name for name, path in faces.model_files().items() if path is None]
if missing:
    print("The face models are missing (" + ", ".join(missing) + "): run 'make lab' once, then restart.")
else:
    print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
    ("md", """\
## 1. A made-up world of public profiles

Below are some of the profiles in a gallery made for this lesson. Every account name and profile is
invented. Most pictures are drawn by the course's own code: landscapes, pets, patterns, city views.

The faces come from public-domain portraits of two real people: **Grace Hopper** (1906–1992), a
computing pioneer, in a U.S. Navy photograph, and — if scikit-image is installed — astronaut
**Eileen Collins**, in a NASA photograph. They never had these accounts; their portraits stand in
for "a person with a public profile picture"."""),
    ("code", """\
gallery = linking.default_gallery()
print(f"The gallery has {len(gallery)} profiles.")
fig = face_key.plot_gallery(gallery, n=24)
print(fig.text_alternative)
show_figure(fig)"""),
    ("code", """\
for person in linking.portraits().values():
    print(f"Credit: {person.credit}")
print(f"Credit for the drawn pictures: {linking.GENERATED_CREDIT}")"""),
    ("md", """\
## 2. A photo sent in a chat: the same picture

Someone you met in a chat receives a photo. It is the same picture as a public profile picture —
but it has travelled: it was shown on a phone, screenshotted, cropped a little and recompressed.
The file is different, the pixels are different. Is it still recognisable?

A computer can turn a picture into a short **fingerprint** of 256 bits, called a *perceptual hash*
(here: PDQ, the kind of hash StopNCII uses to recognise images). Copies of the same picture get
nearly the same bits. Comparing the fingerprints of two pictures means counting the bits that
differ."""),
    ("code", """\
sent = linking.reused_photo(linking.original_photo("grace_hopper"))
by_hash = linking.find_by_hash(sent, gallery, k=3)
fig = face_key.plot_search(sent, by_hash, title="The photo sent in the chat")
print(fig.text_alternative)
show_figure(fig)"""),
    ("code", """\
display(HTML(face_key.hash_matches_html(by_hash)))"""),
    ("md", """\
The profile it leads to carries a name. That is the whole step from "an anonymous chat" to "a real
person": no hacking, just a search.

Comparing one fingerprint with every picture in the gallery takes a fraction of a millisecond
here. Searching a hundred thousand fingerprints takes a few milliseconds on an ordinary laptop."""),
    ("md", """\
## 3. How sturdy is the fingerprint?

The chart shows how many of the 256 bits change when the same picture is made smaller, cropped,
recompressed, screenshotted, brightened, turned or mirrored. Points on or under the dashed line
still count as the same picture. The search looks at the picture as it is, mirrored, and with plain
screenshot bands cut away — the way search engines do."""),
    ("code", """\
profile_picture = linking.original_photo("grace_hopper")
results = hashing.robustness(profile_picture, variants=True)
fig = hashing.plot_robustness(results)
print(fig.text_alternative)
show_figure(fig)"""),
    ("md", """\
Everyday handling — resizing, recompressing, screenshots, brightness, mirroring — barely moves the
fingerprint. Cropping a lot or turning the picture does: those make a *new* picture as far as the
hash can tell. Try it yourself: choose a change and a strength (the result updates when you let go
of the slider)."""),
    ("code", """\
explorer = face_key.RobustnessExplorer(profile_picture)
explorer"""),
    ("md", """\
How often does this work across the whole gallery? Below, profile pictures are changed in ten
everyday ways and searched for. (To save time, every third profile is used; the course's tests run
all of them.)"""),
    ("code", """\
stats = linking.retrieval_stats(gallery, indices=range(0, len(gallery), 3))
display(HTML(face_key.stats_html(stats)))"""),
    ("md", """\
## 4. A different photo of the same face

Now the photo sent in the chat is a **different picture** of the same person: other framing, other
light, other colours, slightly turned. (Only one photograph of each person comes with the course,
so this one is made from the whole portrait with those changes.)

The fingerprint search finds nothing — it is not the same picture:"""),
    ("code", """\
another = linking.another_photo("grace_hopper")
display(HTML(face_key.hash_matches_html(linking.find_by_hash(another, gallery, k=3),
                                         caption="Same-picture search with a different photo")))"""),
    ("md", """\
A **face search** works differently. It finds the face, and turns it into 128 numbers that
describe its shape — the distances and proportions a face-recognition model has learned to measure.
Two photos of the same person give nearby numbers, even when everything else about the photos
differs."""),
    ("code", """\
by_face = linking.find_by_face(another, gallery, k=3)
fig = face_key.plot_search(another, by_face.matches, title="Another photo, sent in a chat")
print(fig.text_alternative)
show_figure(fig)"""),
    ("code", """\
display(HTML(face_key.face_matches_html(by_face)))"""),
    ("md", """\
Notice that the face search also found an **old, small, grey avatar** on a second account — the
kind of picture people forget they ever posted."""),
    ("code", """\
print(linking.SCALE_NOTE)"""),
    ("md", """\
## 5. Hiding a face: which ways hold?

Suppose you want to send a photo but hide your face first. There are three common ways: blur it,
cover it with big pixels, or cover it with a solid block. They can look similar on screen. Here is
what each one leaves for a search to find. The photo is the one the profile picture was made
from."""),
    ("code", """\
grace_profile = gallery.with_person("Grace Hopper")[0]
close_up = linking.original_photo("grace_hopper")
checks = linking.redaction_check(close_up, gallery, grace_profile.handle)
pictures = [("not hidden", close_up)] + [(style, linking.hide_faces(close_up, style))
                                         for style in linking.REDACTION_STYLES]
fig = face_key.plot_redactions(pictures, checks)
print(fig.text_alternative)
show_figure(fig)"""),
    ("code", """\
display(HTML(face_key.redaction_html(checks)))"""),
    ("md", """\
A light blur or coarse pixels keep the outline, the colours and the layout of the picture, and
that can be enough for a search — and for people who know you. Stronger blur or bigger blocks hide
more, but how much still matches depends on the photo. A **solid fill** is the only one that leaves
nothing of the face behind.

One more thing to notice. The same test with a *wider* photo — head and shoulders, the same
picture as the old avatar — shows that hiding the face does not make it a new picture:"""),
    ("code", """\
avatar = gallery.with_person("Grace Hopper")[1]
wide = linking.original_photo("grace_hopper", wide=True)
display(HTML(face_key.redaction_html(
    linking.redaction_check(wide, gallery, avatar.handle, styles=["solid fill"]))))"""),
    ("md", """\
The face is gone, so the face search has nothing to go on — but the flag, the uniform and the
background are still the same picture as one that is already public. Hiding your face does not
help with a photo you have posted elsewhere."""),
    ("md", """\
## 6. Try it with your own photos (optional)

If you like, choose a picture to play the part of **your public profile picture** (it joins the
made-up gallery as `@you`, for this search only), and a **photo you might send**. You can also hide
the face first and see what happens.

Your photos are read on this computer only: nothing is uploaded, they are not written to disk,
they are not saved into this notebook (only the text results are shown), and **Forget my photos**
drops them. If you would rather not use your own photos, skip this step — the samples above show
the same things."""),
    ("code", """\
link_explorer = face_key.LinkExplorer(gallery)
link_explorer"""),
    ("md", """\
## 7. What you can do

- **Think before you send a clear photo of your face to someone you don't know yet.** Most people
  are not looking to misuse it — but you can't tell in advance who is, and a face is enough to
  find you. "Later, once we actually know each other" is a complete answer.
- **Pictures you use elsewhere are searchable.** A profile picture you use on a public account —
  or an old one you forgot — can be found from a copy, a screenshot or a crop. Use a different
  picture for accounts you want to keep separate, and tidy up old public profiles.
- **If you must hide a face, use a solid fill** (`safetylab redact photo.jpg -o hidden.png`), not a
  blur or pixels — and check the result.

## What this does *not* protect against

- **The background.** A window view, a street sign, a uniform or a reflection can identify you or
  where you are, with no face at all (lesson 2).
- **The file itself.** A photo file can carry GPS, the time, the phone and your name (lesson 3).
  `safetylab redact` writes a new file without them; other tools may not.
- **A picture that is already public.** Hiding the face does not make it a new picture.
- **Permanence.** Once a photo is sent, it can be saved, forwarded and kept for years, whatever you
  hid in it afterwards (lesson 4).

## Summary
- A picture has a fingerprint that survives resizing, recompressing and screenshots: a reused
  picture leads back to where it was posted.
- A face can be matched even across *different* photos.
- Light blur and coarse pixels only look safe; a solid fill holds — for the face, not for the rest
  of the picture."""),
]


if __name__ == "__main__":
    write(CELLS, "01_your_face_is_a_search_key.ipynb", "lesson01")
