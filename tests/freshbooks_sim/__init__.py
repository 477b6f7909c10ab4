"""A local FreshBooks simulator for tests, the demo and the benchmarks."""

from .dataset import PRESETS, Dataset, generate
from .server import EASTERN, FAULTS, FreshBooksSim

__all__ = ["EASTERN", "FAULTS", "PRESETS", "Dataset", "FreshBooksSim", "generate"]
