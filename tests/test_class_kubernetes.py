"""Class mode beyond one computer, validated here without a cluster or Docker.

- The Zero to JupyterHub config that ``safetylab class --kubernetes`` writes, validated against
  the chart's own values schema (``../shared/z2jh``: defaults merged, then validated with jsonschema).
- The container image's build files (``environment.yml``, ``postBuild``), as Binder and a school
  build them: repo2docker's dry run (``--no-build --debug``) reads them and writes the Dockerfile
  it would build, with no Docker; the Dockerfile installs ``environment.yml`` and then runs
  ``postBuild``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, require, run
from safetylab.classroom.command import ClassOptions
from safetylab.classroom.kubernetes import config_values

Z2JH = ROOT.parent / "shared" / "z2jh"


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _no_descriptions(node):
    if isinstance(node, dict):
        return {k: _no_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_no_descriptions(v) for v in node]
    return node


@pytest.fixture(scope="module")
def chart():
    import yaml  # the test extra
    require((Z2JH / "values.schema.yaml").is_file(), f"the Zero to JupyterHub schema is not at {Z2JH}")
    schema = _no_descriptions(yaml.safe_load((Z2JH / "values.schema.yaml").read_text(encoding="utf-8")))
    defaults = yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))
    return schema, defaults


def test_written_config_is_valid_for_the_chart(tmp_path, chart, safetylab_cmd):
    schema, defaults = chart
    done = run(safetylab_cmd, "class", "--kubernetes", tmp_path, "--memory-mb", "700", "--idle-minutes", "10")
    assert done.returncode == 0, done.stderr
    values = json.loads((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(_merge(defaults, values), schema)
    assert values["singleuser"]["memory"]["limit"] == "700M"
    assert values["cull"] == {"enabled": True, "users": True, "removeNamedServers": True, "adminUsers": False,
                              "timeout": 600, "every": 200}
    assert values["singleuser"]["storage"]["type"] == "none"
    assert values["singleuser"]["cmd"][-1] == "safetylab.classroom.learner"
    # a second run never overwrites the first
    assert run(safetylab_cmd, "class", "--kubernetes", tmp_path).returncode == 0
    assert (tmp_path / "config-2.yaml").is_file()


def test_the_schema_catches_a_wrong_key(chart):
    schema, defaults = chart
    bad = config_values(ClassOptions())
    bad["singleuser"]["storage"]["type"] = "temporary"  # not one the chart knows
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_merge(defaults, bad), schema)


# --------------------------------------------------------------------------- #
# The image: repo2docker's dry run
# --------------------------------------------------------------------------- #

def _dry_run(folder: Path, network_guard):
    """repo2docker's dry run on ``folder``: the Dockerfile it would build (its output) and its log."""
    require(importlib.util.find_spec("repo2docker") is not None,
            "jupyter-repo2docker is not installed (the test extra: make setup)")
    mark = network_guard.mark()
    done = run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(folder)], timeout=300,
               env=network_guard.env())
    assert done.returncode == 0, done.stderr[-3000:]
    assert not network_guard.attempts(since=mark), "repo2docker's dry run tried to use the network"
    assert done.stdout.lstrip().startswith("FROM "), done.stdout[:500]
    return done.stdout, done.stderr


def _python_pin(environment_yml: Path) -> str:
    import yaml

    deps = yaml.safe_load(environment_yml.read_text(encoding="utf-8"))["dependencies"]
    return next(d.split("=", 1)[1] for d in deps if isinstance(d, str) and re.match(r"python\s*=", d))


def test_the_image_is_built_from_environment_yml_then_post_build(network_guard):
    dockerfile, log = _dry_run(ROOT, network_guard)
    env_step = re.search(r"env update -p \S+ --file \"?environment\.yml\"?", dockerfile)
    post = dockerfile.find("RUN ./postBuild")
    assert env_step, "the image does not install environment.yml:\n" + dockerfile
    assert post > env_step.end(), "postBuild (the models check) does not run after the environment is installed"
    # the conda environment it starts from has environment.yml's Python
    assert f"Building conda environment for python={_python_pin(ROOT / 'environment.yml')}" in log, log


def test_the_dry_run_sees_a_missing_post_build(tmp_path, network_guard):
    """The control: the same folder without postBuild gives a Dockerfile without that step."""
    shutil.copy(ROOT / "environment.yml", tmp_path / "environment.yml")
    dockerfile, _ = _dry_run(tmp_path, network_guard)
    assert '--file "environment.yml"' in dockerfile and "RUN ./postBuild" not in dockerfile
