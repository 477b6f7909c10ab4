from . import backend, common, importer
