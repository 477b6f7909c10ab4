from . import importer
