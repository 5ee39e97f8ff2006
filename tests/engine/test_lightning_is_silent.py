"""Lightning's own output (info lines, hints, warnings) never reaches the user; only Keras's does."""

import subprocess
import sys

SCRIPT = """
import numpy as np
import kerasbridge as keras
x = np.random.rand(64, 4).astype("float32"); y = np.random.rand(64, 1).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
model.evaluate(x, y, verbose=0)
model.predict(x, verbose=0)
"""


def test_fit_evaluate_predict_with_verbose_0_print_nothing():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""
