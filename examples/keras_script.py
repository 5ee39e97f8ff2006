"""A plain Keras 3 script (it imports `keras`, not kerasbridge).

Run it on kerasbridge, unchanged: `python -m kerasbridge run examples/keras_script.py --epochs 3`.
"""

import argparse

import keras
import numpy as np
from keras import layers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(256, 10)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=args.epochs, batch_size=32, verbose=2)
    print(f"backend module: {keras.__name__}; final loss: {history.history['loss'][-1]:.4f}")


if __name__ == "__main__":
    main()
