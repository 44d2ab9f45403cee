"""The same class on a school's cluster: a Zero to JupyterHub ``config.yaml``.

``safetylab class --kubernetes DIR`` writes ``DIR/config.yaml`` for the Zero to
JupyterHub Helm chart with class mode's defaults: each learner's server is
``python -m safetylab.classroom.learner`` (learner mode, one lesson at a time) in its
own container, with the class's memory limit, no storage (nothing a learner made
outlives their server), no network beyond the hub, the same idle culling, and at
most ``max_learners`` servers. The file is JSON, which every YAML reader reads.

What this does *not* do: it does not build the container image (a safetylab image
with the ``class`` extra, named in ``singleuser.image``), choose how learners sign
in on the cluster (the chart's ``hub.config`` authenticator, by the school's rules),
or install the chart. The facilitator guide's "Running a class" page has the rest.

Examples
--------
>>> from safetylab.classroom.command import ClassOptions
>>> v = config_values(ClassOptions(memory_mb=800, idle_minutes=15, max_learners=30))
>>> v["singleuser"]["memory"]["limit"], v["cull"]["timeout"], v["hub"]["activeServerLimit"]
('800M', 900, 31)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["config_values", "write_config", "IMAGE"]

#: The learner image's name in the config (the school builds and pushes it).
IMAGE = {"name": "safetylab-class", "tag": "latest"}


def config_values(options) -> dict:
    """The chart values for a class run with ``options`` (a :class:`~.command.ClassOptions`)."""
    from .hub import LEAN_MEMORY

    limits = {"memory_mb": options.memory_mb, "idle_minutes": options.idle_minutes,
              "activity_seconds": options.activity_seconds, "public_ip": "0.0.0.0"}
    values = {
        "hub": {"activeServerLimit": options.max_learners + 1, "concurrentSpawnLimit": options.max_learners + 1,
                "allowNamedServers": False, "shutdownOnLogout": True, "redirectToServer": True},
        "singleuser": {
            "image": dict(IMAGE),
            "cmd": ["python", "-m", "safetylab.classroom.learner"],
            "defaultUrl": "/",
            "storage": {"type": "none"},
            "extraEnv": {"SAFETYLAB_CLASS_LIMITS": json.dumps(limits), **LEAN_MEMORY},
            "networkPolicy": {"enabled": True, "egressAllowRules": {
                "cloudMetadataServer": False, "dnsPortsCloudMetadataServer": False,
                "dnsPortsKubeSystemNamespace": False, "dnsPortsPrivateIPs": False,
                "nonPrivateIPs": False, "privateIPs": False}},
            "cloudMetadata": {"blockWithIptables": True},
            "startTimeout": 600,
        },
        "cull": {"enabled": bool(options.idle_minutes), "users": True, "removeNamedServers": True,
                 "adminUsers": False},
    }
    if options.memory_mb:
        values["singleuser"]["memory"] = {"limit": f"{options.memory_mb}M",
                                          "guarantee": f"{max(200, options.memory_mb * 6 // 10)}M"}
    if options.idle_minutes:
        timeout = max(1, round(options.idle_minutes * 60))
        values["cull"].update(timeout=timeout, every=max(1, min(300, timeout // 3)))
    return values


def write_config(folder: str | os.PathLike, options) -> Path:
    """Write ``config.yaml`` (never over an existing one: a new name is chosen); returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"config-{n}.yaml"
    path.write_text(json.dumps(config_values(options), indent=2) + "\n", encoding="utf-8")
    return path
