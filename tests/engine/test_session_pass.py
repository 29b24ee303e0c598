"""A session's epoch in progress (engine.session_pass) is checked like the rest of the file:
a damaged order or position ends in one SessionFileError naming the file and the field, never in
a run that trains on wrong rows. Negative control: the file as written opens."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from engine.data.dataset import Dataset
from engine.models import Autoencoder
from engine.session import Session, SessionFileError, load_session, save_session
from engine.session_pass import MEMBER
from engine.train_config import TrainConfig
from engine.training import Trainer

N, BATCH = 120, 20


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A session paused 2 batches into epoch 1 of a byte set."""
    images = np.random.default_rng(1).integers(0, 256, (N, 16), dtype=np.uint8)
    trainer = Trainer(Autoencoder(16, (8,), 2, seed=0), images, TrainConfig(batch_size=BATCH))
    trainer.run(epochs=1)
    calls, train = 0, trainer.model.loss_and_grad

    def loss_and_grad(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            trainer.request_pause()
        return train(*args, **kwargs)

    trainer.model.loss_and_grad = loss_and_grad
    trainer.run()
    assert trainer.within_epoch == (2, N // BATCH)
    path = tmp_path_factory.mktemp("pass") / "mid.aelab"
    labels = tuple(str(i) for i in range(N))
    save_session(path, Session(Dataset("bytes", 4, 4, labels, images), trainer))
    return path


def rewritten(source, target, meta_change=None, order=None, drop_order=False):
    """A copy of the session zip with session.json's run.epoch_pass changed or the order
    member replaced (or left out)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "session.json" and meta_change:
                meta = json.loads(data)
                meta_change(meta["run"]["epoch_pass"])
                data = json.dumps(meta).encode()
            elif info.filename == MEMBER:
                if drop_order:
                    continue
                if order is not None:
                    buffer = io.BytesIO()
                    np.save(buffer, order)
                    data = buffer.getvalue()
            zout.writestr(info.filename, data)
    return str(target)


def test_the_file_as_written_opens_within_its_epoch(saved, tmp_path):
    trainer = load_session(rewritten(saved, tmp_path / "same.aelab")).trainer
    assert trainer.within_epoch == (2, N // BATCH)


DAMAGES = {
    "no order member": ({"drop_order": True}, MEMBER),
    "order of floats": ({"order": np.arange(N, dtype=np.float64)}, MEMBER),
    "order too short": ({"order": np.arange(N - 1)}, MEMBER),
    "a row twice": ({"order": np.r_[np.arange(N - 1), 0]}, "not an order of its rows"),
    "done past the end": (
        {"meta_change": lambda p: p.update(done=N + BATCH)},
        "run.epoch_pass",
    ),
    "done within a batch": ({"meta_change": lambda p: p.update(done=3)}, "run.epoch_pass"),
    "rows of another set": ({"meta_change": lambda p: p.update(rows=N // 2)}, MEMBER),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_epoch_in_progress_is_refused_naming_the_file(saved, tmp_path, damage):
    change, said = DAMAGES[damage]
    path = rewritten(saved, tmp_path / "damaged.aelab", **change)
    with pytest.raises(SessionFileError) as caught:
        load_session(path)
    assert str(path) in str(caught.value) and said in str(caught.value)
