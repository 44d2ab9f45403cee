"""The Zero to JupyterHub config that ``safetylab class --kubernetes`` writes, validated against
the chart's own values schema (``../shared/z2jh``: defaults merged, then validated with jsonschema)."""

from __future__ import annotations

import copy
import json
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
