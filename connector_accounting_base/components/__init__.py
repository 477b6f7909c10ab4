from . import importer
from . import mapper
