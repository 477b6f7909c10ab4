from . import common
from . import importer
from . import mapper
from . import totals
