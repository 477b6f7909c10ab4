from . import common
from . import importer
from . import dependencies
from . import mapper
from . import totals
