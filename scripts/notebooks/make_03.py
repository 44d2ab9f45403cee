"""Writes notebooks/03_what_your_file_says.ipynb (committed without outputs). Run from the repo root."""
from _nb import write


def md(source: str) -> tuple[str, str]:
    return ("md", source)


def code(source: str) -> tuple[str, str]:
    return ("code", source)

cells = [
md("""# Lesson 3 — What your photo file says

A photo is more than the picture. The file that carries it can also hold **where** it was taken
(GPS), **when**, **which phone or camera** (sometimes with its serial number), **your name**, and a
**small preview copy** of the picture that may not match what you see.

In this lesson you will:

1. read what a sample photo's file says, and put its GPS position on a map;
2. find a hidden thumbnail that still shows what was cropped out;
3. look at your own photo — it stays on this computer;
4. make a clean copy, and compare before and after;
5. see what cleaning does **not** protect.

*Time: about 30 minutes. Nothing in this lesson uses the internet.*"""),
md("""## Check your environment
Run the cell below (click it, then press **Shift + Enter**). It should say that everything is ready."""),
code("""%matplotlib inline
import safetylab
from safetylab.widgets import show_figure
from safetylab import report, samples, location, scrub
from safetylab.widgets import file_says
from IPython.display import HTML, display

print(f"safetylab {safetylab.__version__} is ready. This lesson works offline: nothing is uploaded.")"""),
md("""## 1. A photo that knows where it was taken

Here is an ordinary holiday photo, made for this course. Its owner is fictional, but its file
holds the kind of details a phone writes into every photo it takes."""),
code("""holiday = samples.sample_path("landmark_gps.jpg")
holiday_report = report.check(holiday)
display(HTML(file_says.report_html(holiday_report)))"""),
md("""The GPS position is precise enough to find the spot on a map, with no map service and no
internet: the map below is drawn from a list of towns that comes with the course."""),
code("""g = holiday_report.gps
fig = location.plot_location(g["lat"], g["lon"], place=g["place"])
print(fig.text_alternative)
show_figure(fig)"""),
md("""**Think about it:** if this were a photo taken at home, what would the map show?

Most people who ask for a photo mean no harm. But you can't tell in advance who does, and the
file gives the same answer to everyone who receives it."""),
md("""## 2. The thumbnail that survived a crop

Many cameras store a small preview ("thumbnail") inside the file. Some editing tools crop the
picture but leave the old preview untouched. Compare the picture with the preview hidden in its file:"""),
code("""cropped = samples.sample_path("cropped_thumbnail.jpg")
fig = file_says.plot_thumbnail(cropped)
print(fig.text_alternative)
show_figure(fig)"""),
code("""cropped_report = report.check(cropped)
for risk in cropped_report.risks:
    print(f"[{risk.level}] {risk.message}")"""),
md("""Cropping changed what you see, not what you send. The preview still shows the wider scene —
here, a front door with its house number and street name."""),
md("""## 3. Does the app remove it for me?

Sometimes. It depends on how you send the photo, which app, which version and which settings —
and it changes over time. The table below is **typical behaviour, not a promise**."""),
code("""display(HTML(file_says.sharing_html()))"""),
md("""The safe habit: **never assume it was stripped** — clean the file yourself before you send it."""),
md("""## 4. Look at your own photo

Choose a photo from this computer. It is read here, on this machine: nothing is uploaded to the
internet, the photo is not saved into this notebook, and **Forget my photo** deletes the temporary
copy the report was made from. If you would rather not use your own photo, skip this step — the
samples show the same things."""),
code("""inspector = file_says.FileInspector(out_dir="clean_copies")
inspector"""),
md("""## 5. Make a clean copy

Press **Make a clean copy** above for your own photo. For JPEG photos the picture itself is copied
exactly — the clean copy looks identical — while everything else is left behind. Here is the same
step on the holiday photo:"""),
code("""import tempfile
out_dir = tempfile.mkdtemp(prefix="clean-copies-")
result = scrub.scrub(holiday, out_dir, neutral_name=True)
print(result.summary())
print("Clean:", result.clean)
display(HTML(file_says.compare_html(holiday_report, report.check(result.output))))"""),
md("""Notice the **neutral name**: file names such as `IMG_20240601_140322.jpg` give away the date
and time on their own."""),
md("""## 6. What cleaning does not protect

A clean file still shows **everything in the picture**:

- **Your face** can be matched to other photos of you online (lesson 1).
- **The background** — a street sign, a school badge, the view from a window, a reflection — can
  give away where you are (lesson 2).
- **Once sent, a photo can be kept, screenshotted and forwarded forever** (lesson 4).

### What you can do
- Before sending, check the file (`safetylab check photo.jpg`) and send a clean copy
  (`safetylab scrub photo.jpg`).
- Turn off location for your camera app if you don't need it.
- Look at the whole picture, not just yourself, before you send it.
- For people you don't know well yet, the safest photo is one you don't send.
  "Later, once we actually know each other" is a complete answer."""),
md("""## Summary
- A photo file can hold GPS, time, device, serial numbers, names and a hidden preview.
- Apps *may* remove some of it, but that changes — clean it yourself.
- Cleaning removes the file's details, never what the picture shows."""),
]


if __name__ == "__main__":
    write(cells, "03_what_your_file_says.ipynb", "lesson03")
