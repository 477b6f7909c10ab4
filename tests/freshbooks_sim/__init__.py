"""A local FreshBooks simulator for tests, the demo and the benchmarks."""

from .dataset import PRESETS, Dataset, generate
from .receiver import Receiver
from .server import EASTERN, FAULTS, FreshBooksSim

__all__ = [
    "EASTERN",
    "FAULTS",
    "PRESETS",
    "Dataset",
    "FreshBooksSim",
    "Receiver",
    "generate",
]
