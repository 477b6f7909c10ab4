from . import common, backend
