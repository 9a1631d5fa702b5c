"""The linkage model the desk and the public search score with, trained once per machine.

`core.linkage.engine.reference_model()` trains on the reference synthetic population
(what `refuge dedupe` borrows for small files); it takes seconds, too long to pay in
every new web worker. The trained parameters are written as JSON under the data
directory, named by a hash of the linkage and name code, so a code change retrains.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

import refuge.core.linkage as linkage_package
import refuge.core.names as names_package
from refuge.core.linkage.engine import reference_model
from refuge.core.linkage.model import LinkageModel


def _code_version() -> str:
    digest = hashlib.sha256()
    for package in (linkage_package, names_package):
        for path in sorted(Path(next(iter(package.__path__))).glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_path() -> Path:
    return Path(settings.DATA_DIR) / f"linkage-model-{_code_version()}.json"


def _saved() -> LinkageModel | None:
    try:
        saved = json.loads(_cache_path().read_text())
        return LinkageModel(
            m={k: tuple(v) for k, v in saved["m"].items()},
            u={k: tuple(v) for k, v in saved["u"].items()},
            prior=saved["prior"],
            em_iterations=saved["em_iterations"],
        )
    except (OSError, ValueError, KeyError):
        return None


def _save(model: LinkageModel) -> None:
    path = _cache_path()
    text = json.dumps(
        {
            "m": {k: list(map(float, v)) for k, v in model.m.items()},
            "u": {k: list(map(float, v)) for k, v in model.u.items()},
            "prior": float(model.prior),
            "em_iterations": model.em_iterations,
        }
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".linkage-model-")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data directory: train again next process, still correct


@lru_cache(maxsize=1)
def desk_model() -> LinkageModel:
    model = _saved()
    if model is None:
        model = reference_model()
        _save(model)
    return model
