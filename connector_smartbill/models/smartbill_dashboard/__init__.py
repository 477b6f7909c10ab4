from . import backend, run
