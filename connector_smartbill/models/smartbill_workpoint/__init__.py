from . import common, importer
