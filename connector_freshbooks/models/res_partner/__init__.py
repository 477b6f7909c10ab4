from . import common, importer, exporter
