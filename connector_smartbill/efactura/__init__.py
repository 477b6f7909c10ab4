"""Plain-Python e-Factura (UBL 2.1 CIUS-RO) reader (no Odoo import)."""

from .reader import MAX_BYTES, EFacturaError, parse, read_files, split_id
from .schemas import AllowanceCharge, Document, Line, Party, TaxSubtotal

__all__ = [
    "MAX_BYTES",
    "AllowanceCharge",
    "Document",
    "EFacturaError",
    "Line",
    "Party",
    "TaxSubtotal",
    "parse",
    "read_files",
    "split_id",
]
