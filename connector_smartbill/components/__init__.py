from . import core
from . import adapter
from . import binder
from . import mapper
from . import importer
