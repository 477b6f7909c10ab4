from . import common, backend, spv_day, spv, synchronous
