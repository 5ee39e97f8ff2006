"""Run by tests/distribution/test_initialize.py as two processes (not collected by pytest).

`python initialize_script.py PROCESS_ID PORT OUT`: each process trains once alone, then joins
the 2-process job with `keras.distribution.initialize(...)` and trains data-parallel (no
distribution set, no launcher); process 0 writes what the test compares to OUT (an .npz).
"""

import sys

import numpy as np
import torch

import kerasbridge as keras
from kerasbridge import layers


def build(synchronized):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6), layers.BatchNormalization(synchronized=synchronized),
                              layers.Activation("relu"), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def train(model, x, y):
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    return np.concatenate([w.ravel() for w in model.get_weights()]), np.array(history["loss"])


def main(process_id, port, out_path):
    rng = np.random.default_rng(1)
    # Different feature scales per half of every batch, so per-replica batch statistics differ.
    x = rng.normal(size=(64, 4)).astype("float32") * np.tile(np.repeat([[1.0], [3.0]], 8, axis=0), (4, 1))
    y = rng.normal(size=(64, 2)).astype("float32")
    single_weights, single_loss = train(build(True), x, y)

    keras.distribution.initialize(f"127.0.0.1:{port},127.0.0.1:{port}", num_processes=2, process_id=process_id)
    mesh = keras.distribution.DeviceMesh((2,), ["batch"], devices=["cpu:0", "cpu:1"])
    sharded = keras.distribution.distribute_tensor(x[:8], keras.distribution.TensorLayout(["batch", None], mesh))
    full = sharded.full_tensor().numpy()  # a collective: every process takes part

    local = torch.tensor(x[16 * process_id:16 * process_id + 16], requires_grad=True)
    mean, variance = keras.ops.moments(local, axes=[0], synchronized=True)
    (mean.sum() + variance.sum()).backward()

    synced_weights, synced_loss = train(build(True), x, y)
    local_weights, _ = train(build(False), x, y)
    if process_id != 0:
        return
    np.savez(out_path, single_weights=single_weights, single_loss=single_loss, synced_weights=synced_weights,
             synced_loss=synced_loss, local_weights=local_weights, shard=sharded.to_local().numpy(),
             full=full, moments=np.stack([mean.detach().numpy(), variance.detach().numpy()]),
             moments_grad=local.grad.numpy())


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
