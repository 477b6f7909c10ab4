from . import common, runs, health
