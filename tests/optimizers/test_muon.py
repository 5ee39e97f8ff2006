"""Muon: orthogonalized momentum for matrices, AdamW for the other variables."""

import numpy as np
import torch

import kerasbridge as kb
from kerasbridge import optimizers


def build(names_and_shapes, **kwargs):
    with kb.name_scope("model"):
        vs = [kb.Variable(np.ones(shape, "float32"), name=name) for name, shape in names_and_shapes]
    opt = optimizers.Muon(**kwargs)
    opt.build(vs)
    return opt, vs


def test_matrices_get_a_momentum_and_other_variables_also_a_velocity():
    opt, _ = build([("kernel", (4, 3)), ("bias", (3,))])
    assert [v.name for v in opt.variables[2:]] == [
        "model_kernel_momentum",
        "model_bias_momentum",
        "model_bias_velocity",
    ]


def test_embeddings_and_excluded_layers_use_adamw():
    opt, vs = build([("embedding_table", (5, 2)), ("kernel", (4, 3))], exclude_layers=["kern"])
    assert all(opt.adam_velocities[i] is not None for i in range(len(vs)))


def test_newton_schulz_nearly_orthogonalizes():
    opt = optimizers.Muon()
    x = torch.randn(6, 4, generator=torch.Generator().manual_seed(0))
    singular_values = torch.linalg.svdvals(opt.zeropower_via_newtonschulz5(x, 5))
    assert torch.all(singular_values > 0.5) and torch.all(singular_values < 1.5)


def test_matrix_update_has_the_requested_rms():
    opt, vs = build([("kernel", (8, 8))], weight_decay=None, learning_rate=0.1)
    before = vs[0].numpy().copy()
    opt.apply_gradients([(torch.randn(8, 8, generator=torch.Generator().manual_seed(1)), vs[0])])
    rms = np.sqrt(np.mean((vs[0].numpy() - before) ** 2))
    # Orthogonalized 8x8 update: entry RMS 1/sqrt(8), rescaled by sqrt(8) * rms_rate, times lr.
    np.testing.assert_allclose(rms, 0.1 * 0.2, rtol=0.35)


def test_weight_decay_rates_differ_for_muon_and_adamw_variables():
    opt, vs = build(
        [("kernel", (2, 2)), ("bias", (2,))], weight_decay=0.5, adam_weight_decay=0.1, learning_rate=1.0
    )
    opt._apply_weight_decay(vs)
    np.testing.assert_allclose([vs[0].numpy()[0, 0], vs[1].numpy()[0]], [0.5, 0.9], rtol=1e-6)
