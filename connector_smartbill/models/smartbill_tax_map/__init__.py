from . import common, prefill, backend
