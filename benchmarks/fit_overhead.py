"""Per-step overhead of `fit`, against a hand-written torch loop, a minimal Lightning Trainer and Keras 3.

Two workloads, each run for one epoch:
  (a) "mlp":  MLP 784-256-256-10, 60,000 random samples, batch 128, Adam, sparse CE + accuracy.
  (b) "tiny": MLP 8-8-8-10, 3,000 steps of batch 32, same loss/optimizer/metric.

Every variant runs in its own process, variants alternate across repeats, and the script prints
the median fit time of each variant and its ratio to the torch loop (the floor). Imports happen
before the timer in every variant (kerasbridge's first `fit` would otherwise pay `import lightning`).

Usage: python benchmarks/fit_overhead.py [--repeats 3] [--workloads mlp tiny] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKLOADS = {
    "mlp": dict(widths=(784, 256, 256, 10), samples=60_000, batch=128),
    "tiny": dict(widths=(8, 8, 8, 10), samples=3_000 * 32, batch=32),
}
VARIANTS = ("torch", "lightning", "kerasbridge", "keras")


def make_data(widths, samples):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(samples, widths[0])).astype("float32")
    y = rng.integers(0, widths[-1], size=samples).astype("int64")
    return x, y


def run_torch(widths, x, y, batch):
    import torch

    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    features, labels = torch.from_numpy(x), torch.from_numpy(y)
    start = time.perf_counter()
    correct = torch.zeros((), dtype=torch.float32)
    total_loss = torch.zeros(())
    for begin in range(0, len(features), batch):
        xb, yb = features[begin:begin + batch], labels[begin:begin + batch]
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            total_loss += loss.detach() * len(yb)
            correct += (logits.argmax(-1) == yb).sum()
    float(total_loss), float(correct)
    return time.perf_counter() - start


def run_lightning(widths, x, y, batch):
    import lightning
    import torch

    class Module(lightning.LightningModule):
        def __init__(self):
            super().__init__()
            layers = []
            for a, b in zip(widths[:-1], widths[1:]):
                layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
            self.net = torch.nn.Sequential(*layers[:-1])

        def training_step(self, data, index):
            xb, yb = data
            return torch.nn.functional.cross_entropy(self.net(xb), yb)

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=1e-3, eps=1e-7, foreach=True)

    features, labels = torch.from_numpy(x), torch.from_numpy(y)

    class Batches:
        def __len__(self):
            return (len(features) + batch - 1) // batch

        def __iter__(self):
            for begin in range(0, len(features), batch):
                yield features[begin:begin + batch], labels[begin:begin + batch]

    trainer = lightning.Trainer(max_epochs=1, barebones=True, accelerator="cpu", devices=1,
                                use_distributed_sampler=False)
    start = time.perf_counter()
    trainer.fit(Module(), train_dataloaders=Batches())
    return time.perf_counter() - start


def run_keras_like(module, widths, x, y, batch):
    keras = module
    layers = [keras.Input((widths[0],))]
    for width in widths[1:-1]:
        layers.append(keras.layers.Dense(width, activation="relu"))
    layers.append(keras.layers.Dense(widths[-1]))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - start


def child(variant: str, workload: str, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    spec = WORKLOADS[workload]
    x, y = make_data(spec["widths"], spec["samples"])
    if variant == "torch":
        seconds = run_torch(spec["widths"], x, y, spec["batch"])
    elif variant == "lightning":
        import logging

        logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
        seconds = run_lightning(spec["widths"], x, y, spec["batch"])
    elif variant == "kerasbridge":
        import kerasbridge
        import kerasbridge.engine.loops  # noqa: F401  (imports lightning before the timer, as the lightning variant does)

        seconds = run_keras_like(kerasbridge, spec["widths"], x, y, spec["batch"])
    else:
        os.environ["KERAS_BACKEND"] = "torch"
        import keras

        seconds = run_keras_like(keras, spec["widths"], x, y, spec["batch"])
    print(json.dumps({"seconds": seconds}))


def keras_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("keras") is not None
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads in each child")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.threads)
        return
    variants = [v for v in VARIANTS if v != "keras" or keras_available()]
    for workload in args.workloads:
        times: dict[str, list[float]] = {v: [] for v in variants}
        for repeat in range(args.repeats):
            for variant in variants:
                result = subprocess.run(
                    [sys.executable, __file__, "--child", variant, workload, "--threads", str(args.threads)],
                    capture_output=True, text=True, check=True,
                )
                seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds"]
                times[variant].append(seconds)
                print(f"[{workload}] repeat {repeat + 1}/{args.repeats} {variant:12s} {seconds:.3f}s", flush=True)
        floor = statistics.median(times["torch"])
        print(f"\n{workload}: median fit seconds (ratio to the torch loop)")
        for variant in variants:
            median = statistics.median(times[variant])
            print(f"  {variant:12s} {median:8.3f}s  {median / floor:5.2f}x")
        print()


if __name__ == "__main__":
    main()
