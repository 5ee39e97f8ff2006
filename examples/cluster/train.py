"""A small Keras-style training script that runs unchanged on 1 process, N devices, torchrun or SLURM.

    python examples/cluster/train.py                                   # one process
    python examples/cluster/train.py --devices 2                       # DataParallel, 2 CPU processes
    python -m torch.distributed.run --nproc_per_node 2 examples/cluster/train.py   # torchrun, 2 ranks
    sbatch examples/cluster/slurm_job.sh                               # SLURM (see the script)

Under torchrun or SLURM no distribution needs to be set: kerasbridge reads the ranks the launcher
created (through Lightning's cluster environments) and trains data-parallel over them.
"""

import argparse
import os

import numpy as np

import kerasbridge as keras
from kerasbridge import layers


def train(epochs: int, batch_size: int):
    """Build, compile and fit the model; returns `(model, history)`."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(256, 10)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=2)
    return model, history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch, split over the replicas")
    parser.add_argument("--devices", type=int, default=None, help="CPU processes to train on (no launcher)")
    parser.add_argument("--save", default=None, help="where rank 0 saves the trained model (.keras)")
    args = parser.parse_args()
    if args.devices:
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=[f"cpu:{i}" for i in range(args.devices)])
        )
    model, history = train(args.epochs, args.batch_size)
    rank = int(os.environ.get("RANK", os.environ.get("SLURM_PROCID", os.environ.get("LOCAL_RANK", "0"))))
    if rank == 0:
        print(f"rank 0 of {os.environ.get('WORLD_SIZE', '1')}: final loss {history.history['loss'][-1]:.6f}, "
              f"optimizer iterations {int(model.optimizer.iterations.numpy())}")
        if args.save:
            model.save(args.save)


if __name__ == "__main__":
    main()
