"""A Keras-style training script used by test_backup_and_restore.py (not a test module).

`python backup_fit_script.py OUT BACKUP_DIR [--shuffle] [--save-freq N] [--kill EPOCH:BATCH:SIGNAL]
[--no-backup]` trains a small model with Dropout, EarlyStopping(restore_best_weights),
ReduceLROnPlateau and BackupAndRestore, and writes the final weights and history to OUT.npz/OUT.json.
With `--kill`, the process sends itself SIGNAL after training batch BATCH of epoch EPOCH (0-based).
"""

import argparse
import json
import os
import signal
import sys

import numpy as np

import kerasbridge as keras
import kerasbridge.engine.loops  # noqa: F401  (import Lightning before any fork)


def parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("backup_dir")
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--save-freq", default="epoch")
    parser.add_argument("--kill", default=None)
    parser.add_argument("--no-backup", action="store_true")
    return parser.parse_args(argv)


class KillAt(keras.callbacks.Callback):
    def __init__(self, spec):
        super().__init__()
        epoch, batch, signum = spec.split(":")
        self.at, self.signum, self.epoch = (int(epoch), int(batch)), getattr(signal, signum), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), self.signum)


def main(argv):
    args = parse(argv)
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(0)
    x = rng.random((44, 4), dtype=np.float32)
    y = (x.sum(axis=1, keepdims=True) > 2).astype("float32")
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy", metrics=["accuracy"])
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="loss", patience=20, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.5, min_delta=0.01),
    ]
    if args.kill:
        callbacks.insert(0, KillAt(args.kill))
    if not args.no_backup:
        save_freq = args.save_freq if args.save_freq == "epoch" else int(args.save_freq)
        callbacks.append(keras.callbacks.BackupAndRestore(args.backup_dir, save_freq=save_freq))
    history = model.fit(x, y, batch_size=8, epochs=5, shuffle=args.shuffle, validation_split=0.2,
                        callbacks=callbacks, verbose=0)
    np.savez(args.out + ".npz", *model.get_weights())
    with open(args.out + ".json", "w") as stream:
        json.dump(history.history, stream)


def fork_and_run(jobs):
    """Run `main(argv)` for each argv in a forked child (imports done once); returns exit statuses."""
    statuses = []
    for argv in jobs:
        pid = os.fork()
        if pid == 0:
            try:
                main(argv)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        statuses.append(-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
    return statuses


if __name__ == "__main__":
    if sys.argv[1] == "--fork-jobs":
        print(json.dumps(fork_and_run(json.loads(sys.argv[2]))))
    else:
        main(sys.argv[1:])
