from . import common, entity
