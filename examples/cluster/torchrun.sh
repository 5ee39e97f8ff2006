#!/usr/bin/env bash
# Two ranks on this machine with torchrun (CPU: gloo; GPUs: one rank per GPU, NCCL).
# The script sets no distribution: kerasbridge takes the ranks from torchrun's environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
python -m torch.distributed.run --standalone --nproc_per_node "${NPROC:-2}" examples/cluster/train.py "$@"
# Multi-node: on every node
#   python -m torch.distributed.run --nnodes 2 --nproc_per_node 4 --node_rank $NODE_RANK \
#       --master_addr $MASTER_ADDR --master_port 29500 examples/cluster/train.py
# An unmodified `import keras` script: replace `examples/cluster/train.py` by
#   -m kerasbridge run my_keras_script.py
