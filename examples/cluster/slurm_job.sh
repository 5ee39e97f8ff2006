#!/usr/bin/env bash
# SLURM batch job: 2 nodes x 4 GPUs, one task per GPU. Lightning's SLURMEnvironment reads
# SLURM_PROCID / SLURM_LOCALID / SLURM_NNODES, so the script needs no change; `srun` starts
# the tasks (Lightning does not launch processes itself under SLURM).
#SBATCH --job-name=kerasbridge-train
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --gres=gpu:4
#SBATCH --cpus-per-task=8
#SBATCH --time=01:00:00
#SBATCH --signal=SIGUSR1@90

set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
# A kerasbridge script:
srun python examples/cluster/train.py --epochs 10 --batch-size 256
# An unmodified Keras script (`import keras`), with the devices spelled out:
# srun python -m kerasbridge run --devices 4 --num-nodes 2 --accelerator gpu my_keras_script.py
