"""Plain-Python e-Factura (UBL 2.1 CIUS-RO) reader (no Odoo import)."""

from .archive import read_files
from .errors import MAX_BYTES, AnafRefusalError, EFacturaError, SourceError
from .reader import is_placeholder, parse, root_of, split_id
from .schemas import AllowanceCharge, Document, Line, Party, TaxSubtotal

__all__ = [
    "MAX_BYTES",
    "AllowanceCharge",
    "AnafRefusalError",
    "Document",
    "EFacturaError",
    "Line",
    "Party",
    "SourceError",
    "TaxSubtotal",
    "is_placeholder",
    "parse",
    "read_files",
    "root_of",
    "split_id",
]
