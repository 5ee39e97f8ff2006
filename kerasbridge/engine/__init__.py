"""kerasbridge.engine: compile/fit/evaluate/predict, driven by PyTorch Lightning.

This is the only package that imports `lightning`; it does so on first use (inside
`engine.loops`), so `import kerasbridge` stays light.
"""
