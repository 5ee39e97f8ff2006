"""CSVLogger: header, one row per epoch, separators, appending and backup state."""

import numpy as np

from kerasbridge.callbacks import CSVLogger


def _drive(logger, epochs, start=0, with_val=True):
    logger.on_train_begin({})
    for epoch in range(start, start + epochs):
        logs = {"loss": 1.0 / (epoch + 1), "acc": 0.5}
        if with_val:
            logs["val_loss"] = 2.0
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end({})


def test_writes_a_header_and_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    _drive(CSVLogger(path), 2)
    assert path.read_text() == "epoch,acc,loss,val_loss\n0,0.5,1.0,2.0\n1,0.5,0.5,2.0\n"


def test_without_validation_val_columns_hold_na(tmp_path):
    path = tmp_path / "log.csv"
    _drive(CSVLogger(path, separator=";"), 1, with_val=False)
    assert path.read_text().splitlines() == ["epoch;acc;loss;val_acc;val_loss", "0;0.5;1.0;NA;NA"]


def test_append_adds_rows_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    _drive(CSVLogger(path), 1)
    _drive(CSVLogger(path, append=True), 1, start=1)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("epoch,") and lines.count(lines[0]) == 1
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1"]


def test_overwrites_without_append(tmp_path):
    path = tmp_path / "log.csv"
    _drive(CSVLogger(path), 3)
    _drive(CSVLogger(path), 1)
    assert len(path.read_text().splitlines()) == 2


def test_list_values_are_quoted_lists(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin({})
    logger.on_epoch_end(0, {"per_class": np.array([1, 2]), "val_x": np.float32(3.0)})
    logger.on_train_end({})
    assert path.read_text().splitlines()[1] == '0,"""[1, 2]""",3.0'


def test_backup_state_truncates_rows_written_after_the_backup(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin({})
    logger.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    state = logger._kerasbridge_state()
    logger.on_epoch_end(1, {"loss": 0.5, "val_loss": 2.0})  # lost with the crash
    resumed = CSVLogger(path)
    resumed.on_train_begin({})  # truncates, as Keras does without append
    resumed._kerasbridge_set_state(state)
    resumed.on_epoch_end(1, {"loss": 0.25, "val_loss": 2.0})
    resumed.on_train_end({})
    assert path.read_text() == "epoch,loss,val_loss\n0,1.0,2.0\n1,0.25,2.0\n"
