"""The receiver stands alone: importing every crs_receiver (and crs_protocol) module in a
fresh interpreter loads nothing of the studio and none of its heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("studio", "ui", "PySide6", "shiboken6", "av", "scipy", "pyttsx3", "requests")

PROBE = """
import importlib, json, pkgutil, sys
import crs_protocol, crs_receiver
names = []
for package in (crs_protocol, crs_receiver):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith(".__main__"):  # that one runs the receiver
            importlib.import_module(info.name)
            names.append(info.name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


def test_no_studio_module_and_no_heavy_dependency_is_loaded(tmp_path):
    # run from an empty folder, so that the checkout's own packages are not on the path
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, check=True)
    result = json.loads(done.stdout)
    assert {"crs_receiver.server", "crs_receiver.player", "crs_receiver.store", "crs_receiver.cli",
            "crs_protocol.signing", "crs_protocol.manifest"} <= set(result["imported"])
    loaded = {name.split(".")[0] for name in result["loaded"]}
    assert "aiohttp" in loaded and "numpy" in loaded  # the probe did import the receiver's own deps
    assert not loaded & set(FORBIDDEN), sorted(loaded & set(FORBIDDEN))
