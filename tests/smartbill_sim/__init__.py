"""A local SmartBill simulator for tests, the demo and the benchmarks."""

from .dataset import PRESETS, Dataset, generate
from .server import FAULTS, SimServer

__all__ = ["FAULTS", "PRESETS", "Dataset", "SimServer", "generate"]
