"""Forward+backward time of kerasbridge layers against the plain torch module doing the same work.

Sections:
  conv2d: Conv2D(64, 3, padding="same") on 64 channels_last images 32x32x64, against
          `torch.nn.Conv2d(64, 64, 3, padding=1)` fed the same NHWC storage as a channels_last
          NCHW view (torch's channels_last memory format: no copy on either side).
  lstm:   LSTM(128) over (batch 64, 100 steps, 128 features), last output, against
          `torch.nn.LSTM(128, 128, batch_first=True)` and its last step. Runs only when
          `kerasbridge.layers.LSTM` exists.

Both sides get the same weights, inputs and output gradients. Everything is imported and built
before timing; each variant is warmed up, then the variants alternate over several rounds and the
script prints per-iteration medians and the ratio kerasbridge / torch (target <= 1.1x).
On a shared CPU box, `--threads 1` gives the steadiest ratios (thread wake-ups under load
penalize whichever side runs more small ops).

kerasbridge's Conv2D adds its bias after the convolution, as Keras does; passing the bias into
torch's convolution instead would save that pass and its gradient reduction, but it rounds
differently and a two-epoch Adam trajectory then drifts past 2e-4 from Keras's.

Usage: python benchmarks/layer_speed.py [--sections conv2d lstm] [--rounds 3] [--iters 3] [--device cpu]
                                        [--threads N] [--batch 64]
"""

from __future__ import annotations

import argparse
import statistics
import time


def _median_time(step, iters: int, sync) -> float:
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _compare(name: str, kb_step, torch_step, rounds: int, iters: int, sync) -> tuple[float, float]:
    for step in (kb_step, torch_step):  # warm-up: allocator, kernels' first-use setup, autograd caches
        step()
        sync()
    kb_times, torch_times = [], []
    for _ in range(rounds):  # alternate, so that load changes on the machine hit both sides alike
        kb_times.append(_median_time(kb_step, iters, sync))
        torch_times.append(_median_time(torch_step, iters, sync))
    kb_median, torch_median = statistics.median(kb_times), statistics.median(torch_times)
    print(f"{name:8s} kerasbridge {kb_median * 1e3:9.2f} ms   torch {torch_median * 1e3:9.2f} ms   "
          f"ratio {kb_median / torch_median:5.3f}x")
    return kb_median, torch_median


def _zero_grads(params):
    for p in params:
        p.grad = None


def bench_conv2d(device, rounds, iters, batch, sync):
    import torch

    import kerasbridge as kb

    torch.manual_seed(0)
    x = torch.randn(batch, 32, 32, 64, device=device)  # NHWC, contiguous
    grad_out = torch.randn(batch, 32, 32, 64, device=device)

    layer = kb.layers.Conv2D(64, 3, padding="same")
    layer(x)
    layer.to(device)
    reference = torch.nn.Conv2d(64, 64, 3, padding=1).to(device).to(memory_format=torch.channels_last)
    with torch.no_grad():
        reference.weight.copy_(layer.kernel.value.permute(3, 2, 0, 1))
        reference.bias.copy_(layer.bias.value)
    x_view = x.permute(0, 3, 1, 2)  # the same storage, seen as NCHW in channels_last memory format
    grad_view = grad_out.permute(0, 3, 1, 2)
    assert x_view.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(layer(x), reference(x_view).permute(0, 2, 3, 1), atol=1e-4, rtol=1e-4)
    kb_params, torch_params = list(layer.parameters()), list(reference.parameters())

    def kb_step():
        _zero_grads(kb_params)
        layer(x).backward(grad_out)

    def torch_step():
        _zero_grads(torch_params)
        reference(x_view).backward(grad_view)

    return _compare("conv2d", kb_step, torch_step, rounds, iters, sync)


def bench_lstm(device, rounds, iters, batch, sync):
    import torch

    import kerasbridge as kb

    torch.manual_seed(0)
    units, steps, features = 128, 100, 128
    x = torch.randn(batch, steps, features, device=device)
    grad_out = torch.randn(batch, units, device=device)

    layer = kb.layers.LSTM(units)
    layer(x)
    layer.to(device)
    reference = torch.nn.LSTM(features, units, batch_first=True).to(device)
    kernel, recurrent, bias = layer.get_weights()[:3]
    with torch.no_grad():  # Keras gates i, f, c, o == torch's i, f, g, o; Keras layout (in, 4u) -> torch (4u, in)
        reference.weight_ih_l0.copy_(torch.as_tensor(kernel).T)
        reference.weight_hh_l0.copy_(torch.as_tensor(recurrent).T)
        reference.bias_ih_l0.copy_(torch.as_tensor(bias))
        reference.bias_hh_l0.zero_()
    torch.testing.assert_close(layer(x), reference(x)[0][:, -1], atol=1e-4, rtol=1e-4)
    kb_params, torch_params = list(layer.parameters()), list(reference.parameters())

    def kb_step():
        _zero_grads(kb_params)
        layer(x).backward(grad_out)

    def torch_step():
        _zero_grads(torch_params)
        reference(x)[0][:, -1].backward(grad_out)

    return _compare("lstm", kb_step, torch_step, rounds, iters, sync)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", default=["conv2d", "lstm"], choices=["conv2d", "lstm"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iters", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads for the CPU")
    args = parser.parse_args(argv)

    import torch

    import kerasbridge as kb

    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    print(f"device {device}, torch {torch.__version__}, threads {torch.get_num_threads()}, batch {args.batch}")
    if "conv2d" in args.sections:
        bench_conv2d(device, args.rounds, args.iters, args.batch, sync)
    if "lstm" in args.sections:
        if hasattr(kb.layers, "LSTM"):
            bench_lstm(device, args.rounds, args.iters, args.batch, sync)
        else:
            print("lstm     skipped: kerasbridge.layers.LSTM does not exist yet")


if __name__ == "__main__":
    main()
