"""EarlyStopping(restore_best_weights) in a real fit: the best epoch's weights come back (they are
copies, not views of parameters that kept training)."""

import numpy as np

import kerasbridge
from kerasbridge.callbacks import EarlyStopping, LambdaCallback


def test_restores_the_weights_of_the_best_epoch():
    kerasbridge.utils.clear_session(free_memory=False)
    kerasbridge.utils.set_random_seed(0)
    model = kerasbridge.Sequential([kerasbridge.Input((2,)), kerasbridge.layers.Dense(1)])
    model.compile(kerasbridge.optimizers.SGD(0.1), "mse")
    snapshots = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        [np.array(w, copy=True) for w in model.get_weights()]))
    # The monitored values are scripted through the logs: epoch 1 is the best.
    losses = iter([3.0, 1.0, 2.0, 2.5, 2.7])
    script = LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(val_score=next(losses)))
    stop = EarlyStopping(monitor="val_score", mode="min", patience=2, restore_best_weights=True)
    x = np.ones((8, 2), "float32")
    model.fit(x, x[:, :1] * 3, epochs=5, batch_size=4, verbose=0, callbacks=[script, record, stop])
    assert stop.best_epoch == 1 and stop.stopped_epoch == 3
    assert not np.array_equal(snapshots[1][0], snapshots[3][0])
    for weight, best in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(weight, best)
