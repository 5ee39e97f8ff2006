"""The Lightning cluster environment of a job joined with `kerasbridge.distribution.initialize`."""

from __future__ import annotations

from lightning.fabric.plugins.environments import ClusterEnvironment

from kerasbridge.distribution.initialize import ClusterLayout


class InitializedClusterEnvironment(ClusterEnvironment):
    """Ranks and addresses from `initialize()`; the processes already exist, so Lightning launches none.

    Lightning's DDP strategy finds torch's process group already open (`initialize` opened it)
    and uses it as it is.
    """

    def __init__(self, layout: ClusterLayout) -> None:
        self._layout = layout

    @property
    def creates_processes_externally(self) -> bool:
        return True

    @property
    def main_address(self) -> str:
        return self._layout.main_address

    @property
    def main_port(self) -> int:
        return self._layout.main_port

    @staticmethod
    def detect() -> bool:
        from kerasbridge.distribution.initialize import initialized_cluster

        return initialized_cluster() is not None

    def world_size(self) -> int:
        return self._layout.world_size

    def set_world_size(self, size: int) -> None:
        if size != self._layout.world_size:
            raise ValueError(
                f"Lightning asked for {size} processes, but `initialize()` joined a job of {self._layout.world_size}."
            )

    def global_rank(self) -> int:
        return self._layout.rank

    def set_global_rank(self, rank: int) -> None:
        if rank != self._layout.rank:
            raise ValueError(f"Lightning computed rank {rank}, but `initialize()` joined as process {self._layout.rank}.")

    def local_rank(self) -> int:
        return self._layout.local_rank

    def node_rank(self) -> int:
        return self._layout.node_rank
