from . import common, backend, spv, synchronous
