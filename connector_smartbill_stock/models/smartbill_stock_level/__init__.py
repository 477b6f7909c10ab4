from . import common, workpoint, backend
