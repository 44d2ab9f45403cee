"""Writes notebooks/02_your_background_gives_away_the_place.ipynb (committed without outputs). Run from the repo root."""
from _nb import write


def md(source: str) -> tuple[str, str]:
    return ("md", source)


def code(source: str) -> tuple[str, str]:
    return ("code", source)


CELLS = [
md("""# Lesson 2 — Your background gives away the place

When you take a photo of yourself, you look at yourself. A stranger who receives it looks at
**everything else**: the view from the window, a street sign, a badge on your uniform, a parcel
label, a reflection in a mirror. Backgrounds identify places surprisingly often.

In this lesson you will:

1. play "spot the clue" on pictures made for this course;
2. see how far software gets on its own, reading signs and labels;
3. blur a background, and see what blurring does **not** hide;
4. take away a short check you can do before you send a photo.

*Time: about 30 minutes. Nothing in this lesson uses the internet, and no real person is shown.*"""),
md("""## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
code("""import safetylab
from safetylab import scenes, clues, background
from safetylab.widgets import clues as clue_widgets
from safetylab.widgets import show_figure
from IPython.display import HTML, display

try:  # clickable pictures when ipympl is installed; the number boxes always work
    get_ipython().run_line_magic("matplotlib", "widget")
except Exception:
    get_ipython().run_line_magic("matplotlib", "inline")

print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
md("""## 1. Spot the clue

Each picture below hides one or more clues to **where** it was taken. Click every place that could
help a stranger find the spot (or type x and y and press **Mark here**). Then press **Check my marks**:
every clue is listed, found or missed, with what it reveals and why.

The scenes start easy and get harder. Take your time — there is no prize for speed."""),
code("""game = clue_widgets.ClueGame()
game"""),
md("""Most people who see your photos mean no harm. But you can't tell in advance who does, and a
background gives the same answer to everyone who looks closely."""),
md("""## 2. What software reads by itself

You do not need a person to read a background: a free text reader does it in a fraction of a
second. Here it reads a street scene. Each box is something it read, with why it matters."""),
code("""street = scenes.render("plate_and_far_sign")
found = clues.hints(street)
fig = clue_widgets.plot_hints(street, found)
print(fig.text_alternative)
display(HTML(clue_widgets.hints_html(found)))
show_figure(fig)"""),
md("""Mirrors do not hide writing: they only flip it. The reader tries every line both ways."""),
code("""hall = scenes.render("mirror_house_number")
found = clues.hints(hall)
display(HTML(clue_widgets.hints_html(found)))
show_figure(clue_widgets.plot_hints(hall, found))"""),
md("""Software reads **words**. It does not recognise the shape of a skyline or a famous tower in a
window — but a person does, in a second. Your own eye is still the best check."""),
md("""## 3. Blur the background

Many video and camera apps can blur what is behind you. Here is the same idea, on this computer:
keep the person, blur the rest, then read the result again."""),
code("""selfie = scenes.render("school_uniform")
blurred = background.blur_background(selfie, annotation=scenes.annotation("school_uniform"))
fig = clue_widgets.plot_blur(selfie, blurred)
print(fig.text_alternative)
show_figure(fig)"""),
code("""print("After the blur:")
for line in blurred.still_visible:
    print(" -", line)"""),
md("""The poster behind is gone. The **school badge is still there**: blur hides the background, not
what you wear."""),
md("""## 4. What blur does not protect

- **What you wear or carry**: a uniform, a badge, a team shirt, a lanyard.
- **Reflections**: glasses, eyes, a phone screen, a shiny kettle, a window at night.
- **Edges**: hair, hands and things close to you can let the background show through.
- **The file itself**: a photo can still carry its GPS position (lesson 3).
- **Other photos**: one detail here plus one detail in another photo can be enough."""),
code("""for line in background.ALWAYS_CHECK:
    print("-", line)"""),
md("""### What you can do

- **Check the whole frame** before you send, corner to corner — not just your face.
- **Choose a plain wall** or a neutral spot for photos you share with people you don't know well.
- **Turn things away**: parcels, letters, badges, screens; look for mirrors and windows.
- **Blur or crop** when you cannot move — and then look again, because blur does not hide what you wear.
- Remember that none of this makes sending a photo to a stranger safe; it makes it *less revealing*."""),
md("""## Summary

- You look at yourself; a stranger reads everything behind you.
- Signs, labels, plates, uniforms, windows and mirrors can each point to a place.
- Software reads the words in a background in a fraction of a second.
- Blurring the background helps, but not with what you wear, reflections, or the file's own data.
- Before you send: check the whole frame."""),
]

if __name__ == "__main__":
    write(CELLS, "02_your_background_gives_away_the_place.ipynb", "l02")
