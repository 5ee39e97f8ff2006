"""compile/fit/evaluate/predict behaviour that needs no oracle: inputs, errors, steps, hooks."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


def make_model(compile=True, **compile_kwargs):
    keras.backend.clear_session(free_memory=False)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    if compile:
        options = dict(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=["accuracy"])
        options.update(compile_kwargs)
        model.compile(**options)
    return model


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.integers(0, 3, size=n)


def weights_of(model):
    return [w.copy() for w in model.get_weights()]


def assert_unchanged(before, model):
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fit_returns_history_with_keras_keys():
    model = make_model()
    x, y = data()
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 2
    assert history.epoch == [0, 1]
    assert model.history is history


def test_mismatched_lengths_raise_before_any_update():
    model = make_model()
    x, y = data()
    before = weights_of(model)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(x, y[:-3], verbose=0)
    assert_unchanged(before, model)


def test_wrong_feature_width_raises_before_any_update():
    model = make_model()
    before = weights_of(model)
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 4"):
        model.fit(np.ones((8, 5), "float32"), np.zeros(8, "int64"), verbose=0)
    assert_unchanged(before, model)


def test_unknown_names_raise_at_compile():
    model = make_model(compile=False)
    with pytest.raises(ValueError, match="Could not interpret loss"):
        model.compile(optimizer="sgd", loss="not_a_loss")
    with pytest.raises(ValueError, match="metric"):
        model.compile(optimizer="sgd", loss="mse", metrics=["not_a_metric"])
    with pytest.raises(ValueError, match="optimizer"):
        model.compile(optimizer="not_an_optimizer", loss="mse")


def test_loss_dict_key_that_is_no_output_raises():
    keras.backend.clear_session(free_memory=False)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(2, name="out")(inputs))
    with pytest.raises(ValueError, match="does not correspond to any model output"):
        model.compile(optimizer="sgd", loss={"nope": "mse"})


def test_fit_before_compile_raises():
    model = make_model(compile=False)
    x, y = data()
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y, verbose=0)


def test_torch_tensors_generators_pydataset_and_dataloaders_train():
    x, y = data(32)
    sources = {
        "tensors": dict(x=torch.from_numpy(x), y=torch.from_numpy(y)),
        "generator": dict(x=((x[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)), steps_per_epoch=4),
        "dataloader": dict(x=torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=8)),
    }

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 8:(index + 1) * 8], y[index * 8:(index + 1) * 8]

    sources["pydataset"] = dict(x=Batches(workers=2))
    for name, kwargs in sources.items():
        model = make_model()
        before = weights_of(model)
        history = model.fit(epochs=1, verbose=0, **kwargs)
        assert np.isfinite(history.history["loss"][0]), name
        assert not np.array_equal(before[0], model.get_weights()[0]), name


def test_predict_returns_numpy_nested_like_outputs():
    keras.backend.clear_session(free_memory=False)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, {"a": layers.Dense(2)(inputs), "b": layers.Dense(1)(inputs)})
    out = model.predict(np.ones((10, 4), "float32"), batch_size=4, verbose=0)
    assert set(out) == {"a", "b"}
    assert isinstance(out["a"], np.ndarray) and out["a"].shape == (10, 2)


def test_batch_level_callbacks_get_python_floats():
    model = make_model()
    x, y = data(16)
    seen = []
    callback = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(logs["loss"]))
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[callback])
    assert len(seen) == 2 and all(isinstance(v, float) for v in seen)


def test_early_stopping_stops_training():
    model = make_model(optimizer=keras.optimizers.SGD(0.0))
    x, y = data()
    history = model.fit(x, y, epochs=10, verbose=0,
                        callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=1)])
    assert len(history.history["loss"]) < 10


def test_train_test_predict_on_batch():
    model = make_model()
    x, y = data(8)
    loss, accuracy = model.train_on_batch(x, y)
    assert isinstance(loss, float) and 0 <= accuracy <= 1
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.predict_on_batch(x).shape == (8, 3)
    assert int(model.optimizer.iterations.numpy()) == 1


def test_custom_train_step_as_in_the_keras_torch_guide():
    class CustomModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(1)
            self.loss_tracker = keras.metrics.Mean(name="loss")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            loss.backward()
            trainable_weights = [v for v in self.trainable_weights]
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                self.optimizer.apply(gradients, trainable_weights)
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

        @property
        def metrics(self):
            return [self.loss_tracker]

    keras.backend.clear_session(free_memory=False)
    model = CustomModel()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_to_lightning_trains_with_a_user_trainer():
    import lightning

    model = make_model()
    x, y = data(32)
    module = model.to_lightning()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=8)
    before = weights_of(model)
    trainer = lightning.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                                enable_model_summary=False)
    trainer.fit(module, train_dataloaders=loader)
    assert int(model.optimizer.iterations.numpy()) == 4
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_parameters_replaced_by_a_device_move_get_their_gradients_reset():
    # Moving to XLA or meta replaces the Parameter objects (as `overwrite_module_params_on_conversion`
    # does here); cached parameter lists must follow, or gradients accumulate across steps.
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = np.random.default_rng(1).normal(size=(32, 1)).astype("float32")

    def trained(move):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        if move:
            before = [id(p) for p in model.parameters()]
            torch.__future__.set_overwrite_module_params_on_conversion(True)
            try:
                model.to("cpu")
            finally:
                torch.__future__.set_overwrite_module_params_on_conversion(False)
            assert before != [id(p) for p in model.parameters()]
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        return model.get_weights()

    for moved, stayed in zip(trained(move=True), trained(move=False)):
        np.testing.assert_allclose(moved, stayed, atol=1e-6)
