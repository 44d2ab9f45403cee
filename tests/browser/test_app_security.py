"""Learner mode on a shared computer: each safeguard, tried by someone who wants in.

A real learner-mode server (``python -m safetylab.app``) is asked over HTTP, and in
Chromium where a page is involved, for what it must refuse: pages, kernels, files
and the websocket without the printed token; files under a foreign ``Host``
(DNS rebinding); a file someone sent, run as a page of the app; script that is not
the page's own; notebooks outside the lessons (the facilitator's, a link out); more
lessons than allowed; a lesson started by another site. And that idle lessons are
culled with their private folders.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from safetylab import app

from serving import websocket_status

from .conftest import Server, _require_app, offline_report

pytestmark = pytest.mark.browser

TINY = "10_tiny_lesson.ipynb"  # starts in a second or two: for the limits
IDLE_MINUTES = 0.25  # 15 s: culled after 15-23 s without a page


def _tiny_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny lesson\n\nFor the tests."),
                nbformat.v4.new_code_cell("import os\nprint('ready')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, network_guard):
    """A server with two lessons at most and a short idle time, and things to try to reach."""
    _require_app()
    srv = Server(tmp_path_factory.mktemp("learner-mode-security"), network_guard, "--max-lessons", "2",
                 "--idle-minutes", str(IDLE_MINUTES))
    srv.start()
    try:
        lessons = srv.lessons
        _tiny_notebook(lessons / TINY)
        (lessons / "facilitator").mkdir()
        _tiny_notebook(lessons / "facilitator" / "11_trainer_notes.ipynb")
        (lessons / "facilitator" / "answers.txt").write_text("the answers", encoding="utf-8")
        outside = srv.root / "outside"
        outside.mkdir()
        _tiny_notebook(outside / "12_elsewhere.ipynb")
        (outside / "secret.txt").write_text("someone else's file", encoding="utf-8")
        (lessons / "linked").symlink_to(outside, target_is_directory=True)
        (lessons / "13_linked_lesson.ipynb").symlink_to(outside / "12_elsewhere.ipynb")
        # an evidence kit as the lesson makes it, holding a page someone sent
        kit = lessons / "my_evidence_kit"
        (kit / "files").mkdir(parents=True)
        (kit / "manifest.json").write_text('{"kind": "safetylab evidence kit"}', encoding="utf-8")
        (kit / "report.html").write_text("<!DOCTYPE html><title>Report</title><p>The report.</p>"
                                         "<script>document.title = 'SCRIPT RAN'</script>", encoding="utf-8")
        (kit / "files" / "sent.html").write_text(
            "<!DOCTYPE html><title>Sent</title><script>document.title = 'SCRIPT RAN'; "
            "fetch('/voila/api/contents').then(r => r.text()).then(t => document.title = 'READ ' + t.length)"
            "</script>", encoding="utf-8")
        (kit / "files" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
        (kit / "notes.json").write_text('{"text": "<script>x</script>"}', encoding="utf-8")
        (kit / "files" / "drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'>"
                                                   "<script>alert(1)</script></svg>", encoding="utf-8")
        yield srv
    finally:
        srv.stop()


def kernel_folders(srv: Server) -> list[Path]:
    return sorted(srv.tmp.glob("safetylab-app-*/kernel-*"))


def kernel_id(page_html: str) -> str:
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page_html)
    assert found, "no kernel id in the lesson page"
    return found.group(1)


def wait_for(condition, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --------------------------------------------------------------------------- #
# The token
# --------------------------------------------------------------------------- #

ASSETS = ["", "voila/render/00_start_here.ipynb", f"voila/render/{TINY}",
          "voila/files/my_evidence_kit/report.html", "voila/files/my_evidence_kit/files/picture.png",
          "voila/api/contents", "voila/tree", "voila/static/voila.js",
          "voila/templates/lab/static/index.css",
          "voila/labextensions/jupyterlab_pygments/package.json",
          "voila/api/themes/@jupyterlab/theme-light-extension/index.css"]


@pytest.mark.parametrize("path", ASSETS)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_without_the_token_there_is_no_page_no_file_and_no_kernel(guarded, path, token):
    before = kernel_folders(guarded)
    status, headers, body = guarded.get(path + (f"?token={token}" if token else ""), token=False)
    assert status in (302, 403), (path, status)
    if status == 302:
        assert re.match(r"(http://127\.0\.0\.1:\d+)?/login\b", headers["Location"])
    assert "the answers" not in body and "The report" not in body and "<script" not in body
    assert kernel_folders(guarded) == before, "a kernel was started without the token"


def test_the_page_without_a_token_says_what_to_do(guarded):
    status, headers, body = guarded.get("login?next=%2F", token=False)
    assert status == 403 and "full address" in body and "<form" not in body
    assert headers["Content-Security-Policy"] == app.content_security_policy()


def test_the_token_sets_a_same_site_cookie_that_opens_the_rest(guarded):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
    with opener.open(guarded.address, timeout=30) as r:
        assert r.status == 200
        cookie = [c for c in r.headers.get_all("Set-Cookie") if c.startswith("username-")]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Strict" in cookie[0]
    with opener.open(guarded.url + "voila/api/contents", timeout=30) as r:  # the cookie alone
        assert r.status == 200
    assert guarded.token not in guarded.address.split("?")[0]


def test_the_websocket_needs_the_token_too(guarded):
    status, _, body = guarded.get(f"voila/render/{TINY}", timeout=120)
    assert status == 200
    kid = kernel_id(body)
    ws = f"ws://127.0.0.1:{guarded.port}/api/kernels/{kid}/channels"
    for url in (ws, ws + "?token=wrong"):
        got = websocket_status(url)
        assert got in (302, 403), f"the websocket answered {got} without the token"
    assert guarded.get(f"api/kernels/{kid}", token=False)[0] in (302, 403)
    assert websocket_status(f"{ws}?token={guarded.token}") == 101  # the control: it is there
    assert guarded.get(f"api/kernels/{kid}")[0] == 200
    # ... and only in the protocol of a lesson page (v1): Voila's server mis-reads its own messages
    # to a client of the older protocol and grows without bound (a learner's script could fill the
    # computer's memory). The same kernel: the server allows two lessons at a time.
    assert websocket_status(f"{ws}?token={guarded.token}", protocols=[]) == 400
    assert websocket_status(f"{ws}?token={guarded.token}", protocols=["v0.kernel.websocket.jupyter.org"]) == 400


# --------------------------------------------------------------------------- #
# Host, files, the browser policy
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("path", ["voila/files/my_evidence_kit/report.html", "voila/files/my_evidence_kit/notes.json",
                                  "", "voila/api/contents", f"voila/render/{TINY}"])
def test_a_foreign_host_gets_nothing_even_with_the_token(guarded, path):
    """DNS rebinding: a page at evil.example whose name now points at 127.0.0.1."""
    before = kernel_folders(guarded)
    status, _, body = guarded.get(path, headers={"Host": f"evil.example:{guarded.port}"})
    assert status == 403 and "The report" not in body
    assert kernel_folders(guarded) == before


@pytest.mark.parametrize("path, kind, attachment", [
    ("my_evidence_kit/files/sent.html", "application/octet-stream", True),   # someone sent it
    ("my_evidence_kit/files/picture.png", "application/octet-stream", True),
    ("my_evidence_kit/files/drawing.svg", "application/octet-stream", True),
    ("my_evidence_kit/report.html", "text/html; charset=utf-8", False),      # the lesson wrote it
    ("my_evidence_kit/notes.json", "text/plain; charset=utf-8", False),
])
def test_files_are_never_active_content_of_the_app(guarded, path, kind, attachment):
    status, headers, _ = guarded.get("voila/files/" + path)
    assert status == 200 and headers["Content-Type"] == kind
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert ("attachment" in (headers.get("Content-Disposition") or "")) is attachment
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "allow-scripts" not in csp and "allow-same-origin" not in csp


def test_a_lessons_link_to_a_file_goes_through_the_same_door(guarded):
    status, headers, _ = guarded.get("voila/render/my_evidence_kit/report.html")
    assert status == 302 and headers["Location"].endswith("/voila/files/my_evidence_kit/report.html")
    status, headers, _ = guarded.get("voila/render/my_evidence_kit/report.html", token=False)
    assert status == 302 and "/login" in headers["Location"]


def test_links_out_of_the_lessons_folder_are_not_followed(guarded):
    assert guarded.get("voila/files/linked/secret.txt")[0] == 404
    assert guarded.get("voila/render/13_linked_lesson.ipynb")[0] == 404
    assert guarded.get("voila/render/linked/12_elsewhere.ipynb")[0] == 404


def test_only_lessons_are_listed_or_rendered(guarded):
    status, _, body = guarded.get("voila/api/contents")
    assert status == 200
    names = [item["name"] for item in json.loads(body)["content"]]
    assert names == [le.path.name for le in app.find_lessons(guarded.lessons) if not le.path.is_symlink()]
    assert TINY in names and "facilitator" not in body and "linked" not in body and "my_evidence_kit" not in body
    for path in ("facilitator", "linked", "my_evidence_kit", "facilitator/11_trainer_notes.ipynb"):
        assert guarded.get(f"voila/api/contents/{path}")[0] == 404, path
    assert guarded.get("voila/render/facilitator/11_trainer_notes.ipynb")[0] == 404
    assert guarded.get("voila/files/facilitator/answers.txt")[0] in (403, 404)
    status, headers, _ = guarded.get("voila/tree/facilitator")
    assert status == 302 and headers["Location"].endswith("/")  # back to the lesson list


def test_a_lesson_page_runs_only_its_own_scripts(guarded):
    status, headers, body = guarded.get(f"voila/render/{TINY}", timeout=120)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([\w-]+)'", csp).group(1)
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "unsafe-eval" not in csp and "script-src-attr 'none'" in csp
    tags = re.findall(r"<script\b[^>]*>", body)
    assert tags and all(f'nonce="{nonce}"' in t for t in tags)
    assert guarded.get(f"voila/render/{TINY}", timeout=120)[1]["Content-Security-Policy"] != csp  # per page


# --------------------------------------------------------------------------- #
# Limits: cross-site starts, how many lessons, idle lessons
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Referer": "http://evil.example/page"}, {"Origin": "null"},
])
def test_another_site_cannot_start_a_lesson(guarded, headers):
    before = kernel_folders(guarded)
    status, _, body = guarded.get(f"voila/render/{TINY}", headers=headers)
    if "Referer" in headers:  # a different port of this computer is another site too
        assert guarded.get(f"voila/render/{TINY}",
                           headers={"Referer": "http://127.0.0.1:1/x"})[0] == 403
    assert status == 403 and "Open the lesson from the lesson list" in body
    assert kernel_folders(guarded) == before


def test_too_many_lessons_get_a_friendly_page_and_idle_ones_are_culled_with_their_folders(guarded):
    """Runs after the others in this module: it waits for every kernel to be culled."""
    assert wait_for(lambda: not kernel_folders(guarded), 60), "kernels of earlier tests were not culled"
    for _ in range(2):
        status, _, _ = guarded.get(f"voila/render/{TINY}", timeout=120,
                                   headers={"Sec-Fetch-Site": "same-origin"})
        assert status == 200
    folders = kernel_folders(guarded)
    assert len(folders) == 2
    photo = folders[0] / "safetylab-x" / "learners_photo.jpg"  # as the lesson widgets keep one
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8\xff a learner's photo")
    status, headers, body = guarded.get(f"voila/render/{TINY}")
    assert status == 503 and "Too many lessons are open" in body and "Close the tab" in body
    assert "kernel" not in body.lower() and len(kernel_folders(guarded)) == 2
    # nobody opens them: within the idle time (and one culling round) they are gone, folders too
    assert wait_for(lambda: not kernel_folders(guarded), IDLE_MINUTES * 60 + 20)
    assert not photo.exists()
    assert "Culling 'idle' kernel" in guarded.log_text()
    assert guarded.get(f"voila/render/{TINY}", timeout=120)[0] == 200  # room again


# --------------------------------------------------------------------------- #
# In the browser
# --------------------------------------------------------------------------- #

def test_a_browser_without_the_address_sees_only_what_to_do(browser, guarded):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(guarded.url + f"voila/render/{TINY}")
        assert page.locator("h1").inner_text() == "Open the lessons with their full address"
        assert page.locator("#rendered_cells").count() == 0
    finally:
        context.close()


def test_a_page_someone_sent_cannot_run_script_in_the_app(browser, guarded):
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(guarded.address)
        with page.expect_download() as download:  # a download, never a page of the app
            page.evaluate("url => { const a = document.createElement('a'); a.href = url; "
                          "document.body.append(a); a.click(); }",
                          "/voila/files/my_evidence_kit/files/sent.html")
        assert download.value.suggested_filename == "sent.html"
        page.goto(guarded.url + "voila/files/my_evidence_kit/report.html")  # the kit's own report
        page.wait_for_timeout(500)
        assert page.title() == "Report" and "The report." in page.inner_text("body")
        assert page.evaluate("() => { try { return document.cookie; } catch (e) { return 'no access'; } }") \
            in ("", "no access")  # sandboxed: not the app's origin
    finally:
        context.close()


def test_inline_script_and_javascript_links_do_not_run_in_a_lesson_page(page, guarded):
    from .lessons import open_lesson

    page.goto(guarded.address)  # this server's own address (the fixture opened the session server's)
    open_lesson(page, guarded, TINY)
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.innerHTML = '<img id="x" src="data:," onerror="window.pwned = 1">'
                      + '<a id="js" href="javascript:window.pwned = 2">a link</a>';
        document.getElementById('rendered_cells').append(box);
        const s = document.createElement('script');
        s.textContent = 'window.pwned = 3';
        document.body.append(s);
    }""")
    page.click("#js")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.pwned") is None
    assert any("Content Security Policy" in m for m in page.safetylab_csp)  # the browser said why
    assert not [m for m in offline_report(page) if "request to" in m]
