from . import common, vault, runs, entity
