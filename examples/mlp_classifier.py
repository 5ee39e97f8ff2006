"""A small MLP classifier on generated data, written as a Keras script.

Runs offline: the data are two noisy interleaved spirals generated with numpy.
Run with `python examples/mlp_classifier.py`.
"""

import numpy as np

import kerasbridge as keras
from kerasbridge import layers


def make_spirals(samples_per_class: int = 500, noise: float = 0.15, seed: int = 0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for label in (0, 1):
        t = np.sqrt(rng.uniform(size=samples_per_class)) * 3 * np.pi
        angle = t + label * np.pi
        points = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / (3 * np.pi)
        xs.append(points + rng.normal(scale=noise / 3, size=points.shape))
        ys.append(np.full(samples_per_class, label))
    x = np.concatenate(xs).astype("float32")
    y = np.concatenate(ys).astype("int64")
    order = rng.permutation(len(x))
    return x[order], y[order]


def main() -> None:
    keras.utils.set_random_seed(42)
    x, y = make_spirals()

    inputs = keras.Input(shape=(2,), name="point")
    h = layers.Dense(64, activation="relu")(inputs)
    h = layers.Dense(64, activation="relu")(h)
    outputs = layers.Dense(2, activation="softmax", name="probabilities")(h)
    model = keras.Model(inputs, outputs, name="spiral_mlp")
    model.summary()

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=64, epochs=30, validation_split=0.2, verbose=2,
              callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True)])
    loss, accuracy = model.evaluate(x[-200:], y[-200:], verbose=0)
    print(f"held-out loss: {loss:.4f} - accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
