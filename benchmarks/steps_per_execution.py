"""`compile(steps_per_execution=N)` on the tiny model, against the hand-written torch loop.

Workload "tiny" from fit_overhead.py: MLP 8-8-8-10, 3,000 steps of batch 32, Adam, sparse CE +
accuracy, one epoch. Variants: the torch loop (the floor), kerasbridge with N = 1, 8 and 32, and
Keras 3 (its torch backend accepts only N = 1). Each variant runs in its own process and variants
alternate across repeats; the script prints median seconds and the ratio to the torch loop.

Usage: python benchmarks/steps_per_execution.py [--repeats 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fit_overhead import WORKLOADS, keras_available, make_data, run_torch  # noqa: E402

STEPS_PER_EXECUTION = (1, 8, 32)


def run_keras_like(keras, widths, x, y, batch, steps_per_execution):
    layers = [keras.Input((widths[0],))]
    layers += [keras.layers.Dense(width, activation="relu") for width in widths[1:-1]]
    layers.append(keras.layers.Dense(widths[-1]))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - start


def child(variant: str, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    spec = WORKLOADS["tiny"]
    x, y = make_data(spec["widths"], spec["samples"])
    if variant == "torch":
        seconds = run_torch(spec["widths"], x, y, spec["batch"])
    elif variant == "keras":
        os.environ["KERAS_BACKEND"] = "torch"
        import keras

        seconds = run_keras_like(keras, spec["widths"], x, y, spec["batch"], 1)
    else:
        import kerasbridge
        import kerasbridge.engine.loops  # noqa: F401  (lightning imported before the timer)

        steps = int(variant.split("=")[1])
        seconds = run_keras_like(kerasbridge, spec["widths"], x, y, spec["batch"], steps)
    print(json.dumps({"seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads in each child")
    parser.add_argument("--child", metavar="VARIANT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.threads)
        return
    variants = ["torch"] + [f"kerasbridge spe={n}" for n in STEPS_PER_EXECUTION]
    if keras_available():
        variants.append("keras")
    times: dict[str, list[float]] = {v: [] for v in variants}
    for repeat in range(args.repeats):
        for variant in variants:
            result = subprocess.run(
                [sys.executable, __file__, "--child", variant, "--threads", str(args.threads)],
                capture_output=True, text=True, check=True,
            )
            seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds"]
            times[variant].append(seconds)
            print(f"repeat {repeat + 1}/{args.repeats} {variant:18s} {seconds:.3f}s", flush=True)
    floor = statistics.median(times["torch"])
    print("\ntiny MLP, 3,000 steps: median fit seconds (ratio to the torch loop)")
    for variant in variants:
        median = statistics.median(times[variant])
        print(f"  {variant:18s} {median:8.3f}s  {median / floor:5.2f}x")


if __name__ == "__main__":
    main()
