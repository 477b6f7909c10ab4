from . import common, runs
