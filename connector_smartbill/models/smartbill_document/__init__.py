from . import common, backend, spv
