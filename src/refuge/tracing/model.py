"""The linkage model the desk and the public search score with, trained once per machine.

`core.linkage.engine.reference_model()` trains on the reference synthetic population
(what `refuge dedupe` borrows for small files); it takes seconds, too long to pay in
every new web worker. The trained parameters are written as JSON under the data
directory, named by a hash of the linkage and name code, so a code change retrains.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.process
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


def _train_and_save() -> None:
    _save(reference_model())


def train_in_background() -> multiprocessing.process.BaseProcess | None:
    """Start training the desk model on the other core if it is not saved yet.

    A long import has seconds of parsing and storing to do before it needs the model;
    training meanwhile in a forked process (which touches no database connection) took
    the training off the import's path. Join the process before `desk_model()`; if it
    failed, `desk_model()` trains in process as before.
    """
    if _saved() is not None or os.cpu_count() == 1:
        return None
    trainer = multiprocessing.get_context("fork").Process(target=_train_and_save, daemon=True)
    trainer.start()
    return trainer
