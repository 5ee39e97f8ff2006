"""Keras's activations layers."""
