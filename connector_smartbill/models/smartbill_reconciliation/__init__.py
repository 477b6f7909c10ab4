from . import common, document, gap, backend
